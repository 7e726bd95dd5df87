function Invoke-KvKeyRelease {
    <#
    .SYNOPSIS
    Secure Key Release: attests this confidential VM, releases an exportable key and writes the
    unwrapped private key to a file readable by its owner only.

    .DESCRIPTION
    Runs 'kvmi key release': a fresh transfer key is attested with Microsoft Azure Attestation
    (or -AttestationTokenFile with -TransferKeyFile is used), Key Vault releases the key wrapped
    for it, kvmi verifies the signed response and its certificate chain, unwraps the key and
    writes it to -OutFile. The key never passes through PowerShell. Supports -WhatIf/-Confirm.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The key name.

    .PARAMETER Version
    A specific version.

    .PARAMETER OutFile
    Where to write the private key.

    .PARAMETER Format
    pem (PKCS#8, default), jwk or der.

    .PARAMETER Encryption
    The wrapping algorithm: RSA_AES_KEY_WRAP_256 (default), RSA_AES_KEY_WRAP_384 or CKM_RSA_AES_KEY_WRAP.

    .PARAMETER AttestationTokenFile
    An attestation token obtained elsewhere (for example Microsoft's guest-attestation tooling).

    .PARAMETER TransferKeyFile
    The transfer key that token carries.

    .PARAMETER Force
    Overwrite -OutFile if it exists.

    .EXAMPLE
    Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile C:\keys\cvm-key.pem

    .OUTPUTS
    KvMi.KeyRelease
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('KvMi.KeyRelease')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('KeyName')][ValidateNotNullOrEmpty()][string]$Name,
        [Parameter(ValueFromPipelineByPropertyName = $true)][string]$Version,
        [Parameter(Mandatory = $true)][ValidateNotNullOrEmpty()][string]$OutFile,
        [ValidateSet('pem', 'jwk', 'der')][string]$Format = 'pem',
        [ValidateSet('RSA_AES_KEY_WRAP_256', 'RSA_AES_KEY_WRAP_384', 'CKM_RSA_AES_KEY_WRAP')][string]$Encryption = 'RSA_AES_KEY_WRAP_256',
        [string]$AttestationTokenFile,
        [string]$TransferKeyFile,
        [switch]$Force
    )

    process {
        $path = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutFile)
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name -> $path" -Action 'Release key')) { return }
        $arguments = @('key', 'release', '--vault', $VaultName, '--name', $Name, '--out', $path, '--format', $Format, '--enc', $Encryption)
        if ($Version) { $arguments += @('--version', $Version) }
        if ($AttestationTokenFile) { $arguments += @('--attestation-token', $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($AttestationTokenFile)) }
        if ($TransferKeyFile) { $arguments += @('--transfer-key', $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($TransferKeyFile)) }
        if ($Force) { $arguments += '--force' }
        $map = @{ '--out' = '-OutFile'; '--attestation-token' = '-AttestationTokenFile'; '--transfer-key' = '-TransferKeyFile'; '--enc' = '-Encryption'; '--format' = '-Format' }
        $result = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name -ParameterMap $map
        if ($null -eq $result) { return }
        [pscustomobject]@{
            PSTypeName    = 'KvMi.KeyRelease'
            VaultName     = $VaultName
            Name          = $Name
            Id            = $result.kid
            KeyType       = $result.kty
            Encryption    = $result.enc
            OutFile       = $path
            Format        = $result.format
            TransferKeyId = $result.transferKeyId
        }
    }
}
