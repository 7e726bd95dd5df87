function Set-KvSecret {
    <#
    .SYNOPSIS
    Sets a Key Vault secret (a new version), like Set-AzKeyVaultSecret.

    .DESCRIPTION
    The value is a SecureString and travels to kvmi on standard input (UTF-8, no byte-order mark),
    never on a command line, so it reaches Key Vault exactly: non-ASCII, quotes, $, %, CR/LF, tabs
    and leading or trailing spaces included. -Expires and -NotBefore are sent in UTC; -Tag and
    -ContentType are stored with the version. Supports -WhatIf and -Confirm. Returns the new version
    as a KvMi.SecretIdentityItem (no value). VaultName and Name bind from the pipeline by property name.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The secret name.

    .PARAMETER SecretValue
    The value, as a SecureString.

    .PARAMETER ContentType
    The content type, e.g. text/plain.

    .PARAMETER Disable
    Create the version disabled.

    .PARAMETER Expires
    Expiry (informational for secrets).

    .PARAMETER NotBefore
    Activation date (informational for secrets).

    .PARAMETER Tag
    Tags as a hashtable.

    .EXAMPLE
    $value = Read-Host -AsSecureString
    Set-KvSecret -VaultName kv-demo -Name db-password -SecretValue $value

    .EXAMPLE
    Set-KvSecret -VaultName kv-demo -Name api-key -SecretValue $s -ContentType text/plain -Tag @{ env = 'prod' } -WhatIf

    .EXAMPLE
    Set-KvSecret -VaultName kv-demo -Name cert-password -SecretValue $s -Expires (Get-Date).AddDays(90)

    .OUTPUTS
    KvMi.SecretIdentityItem
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('KvMi.SecretIdentityItem')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('SecretName')][ValidateNotNullOrEmpty()][string]$Name,
        [Parameter(Mandatory = $true, Position = 2)][System.Security.SecureString]$SecretValue,
        [string]$ContentType,
        [switch]$Disable,
        [datetime]$Expires,
        [datetime]$NotBefore,
        [hashtable]$Tag
    )

    process {
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name" -Action 'Set secret')) { return }
        $arguments = @('secret', 'set', '--vault', $VaultName, '--name', $Name)
        if ($ContentType) { $arguments += @('--content-type', $ContentType) }
        if ($Disable) { $arguments += '--disabled' }
        if ($PSBoundParameters.ContainsKey('Expires')) { $arguments += @('--expires', $Expires.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [cultureinfo]::InvariantCulture)) }
        if ($PSBoundParameters.ContainsKey('NotBefore')) { $arguments += @('--not-before', $NotBefore.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [cultureinfo]::InvariantCulture)) }
        if ($Tag) { foreach ($k in $Tag.Keys) { $arguments += @('--tag', "$k=$($Tag[$k])") } }
        $plain = ConvertFrom-KvSecureString -SecureString $SecretValue
        if ($plain.Length -eq 0) { $arguments += '--allow-empty' }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -InputText $plain -TargetObject $Name
        $plain = $null
        if ($null -ne $bundle) { ConvertTo-KvSecretObject -Bundle $bundle -VaultName $VaultName }
    }
}
