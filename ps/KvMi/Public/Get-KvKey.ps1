function Get-KvKey {
    <#
    .SYNOPSIS
    Gets Key Vault keys (public parts only), like Get-AzKeyVaultKey.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The key name; without it, the vault's keys are listed.

    .PARAMETER Version
    A specific version.

    .EXAMPLE
    Get-KvKey -VaultName kv-demo -Name cvm-key

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
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('key', 'list', '--vault', $VaultName) -TargetObject $VaultName | ConvertFrom-Json
            foreach ($item in $items) {
                $segments = ([uri]$item.kid).AbsolutePath.Trim('/').Split('/')
                [pscustomobject]@{ PSTypeName = 'KvMi.Key'; VaultName = $VaultName; Name = $segments[1]; Version = $null; Id = $item.kid; KeyType = $null; Enabled = $item.attributes.enabled; Exportable = [bool]($null -ne $item.attributes.PSObject.Properties['exportable'] -and $item.attributes.exportable); Key = $null }
            }
            return
        }
        $arguments = @('key', 'get', '--vault', $VaultName, '--name', $Name)
        if ($Version) { $arguments += @('--version', $Version) }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name | ConvertFrom-Json
        $segments = ([uri]$bundle.key.kid).AbsolutePath.Trim('/').Split('/')
        [pscustomobject]@{
            PSTypeName    = 'KvMi.Key'
            VaultName     = $VaultName
            Name          = $segments[1]
            Version       = $segments[2]
            Id            = $bundle.key.kid
            KeyType       = $bundle.key.kty
            Enabled       = $bundle.attributes.enabled
            Exportable    = [bool]($null -ne $bundle.attributes.PSObject.Properties['exportable'] -and $bundle.attributes.exportable)
            Key           = $bundle.key
            ReleasePolicy = $(if ($null -ne $bundle.PSObject.Properties['release_policy']) { $bundle.release_policy } else { $null })
        }
    }
}
