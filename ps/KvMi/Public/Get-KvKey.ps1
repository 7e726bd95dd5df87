function Get-KvKey {
    <#
    .SYNOPSIS
    Gets Key Vault keys (public parts only), like Get-AzKeyVaultKey.

    .DESCRIPTION
    With -Name, returns the key (latest, or -Version) as a KvMi.Key: its type, whether it is
    exportable, its public JSON Web Key and its release policy. The private part never leaves Key
    Vault this way (see Invoke-KvKeyRelease). Without -Name, lists the vault's keys. VaultName, Name
    and Version bind from the pipeline by property name; a missing key is a non-terminating error.
    Needs a role with the keys/read data action, such as Key Vault Crypto User or Key Vault Reader.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The key name; without it, the vault's keys are listed.

    .PARAMETER Version
    A specific version.

    .EXAMPLE
    Get-KvKey -VaultName kv-demo -Name cvm-key

    .EXAMPLE
    Get-KvKey -VaultName kv-demo | Where-Object Exportable

    .OUTPUTS
    KvMi.Key
    #>
    [CmdletBinding()]
    [OutputType('KvMi.Key')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('KeyName')][string]$Name,
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = $true)][string]$Version
    )

    process {
        if (-not $Name) {
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('key', 'list', '--vault', $VaultName) -TargetObject $VaultName
            foreach ($item in $items) {
                [pscustomobject]@{ PSTypeName = 'KvMi.Key'; VaultName = $VaultName; Name = (Split-KvObjectId -Id $item.kid).Name; Version = $null; Id = $item.kid; KeyType = $null; Enabled = $item.attributes.enabled; Exportable = [bool]($null -ne $item.attributes.PSObject.Properties['exportable'] -and $item.attributes.exportable); Key = $null }
            }
            return
        }
        $arguments = @('key', 'get', '--vault', $VaultName, '--name', $Name)
        if ($Version) { $arguments += @('--version', $Version) }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name
        if ($null -eq $bundle) { return }
        $parts = Split-KvObjectId -Id $bundle.key.kid
        [pscustomobject]@{
            PSTypeName    = 'KvMi.Key'
            VaultName     = $VaultName
            Name          = $parts.Name
            Version       = $parts.Version
            Id            = $bundle.key.kid
            KeyType       = $bundle.key.kty
            Enabled       = $bundle.attributes.enabled
            Exportable    = [bool]($null -ne $bundle.attributes.PSObject.Properties['exportable'] -and $bundle.attributes.exportable)
            Key           = $bundle.key
            ReleasePolicy = $(if ($null -ne $bundle.PSObject.Properties['release_policy']) { $bundle.release_policy } else { $null })
        }
    }
}
