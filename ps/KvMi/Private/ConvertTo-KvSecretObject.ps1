function ConvertTo-KvSecretObject {
    <#
    .SYNOPSIS
    Turns a Key Vault secret bundle (kvmi JSON) into a KvMi.Secret object, or a
    KvMi.SecretIdentityItem when the bundle has no value (lists).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)][psobject]$Bundle,
        [Parameter(Mandatory = $true)][string]$VaultName
    )

    $id = [string]$Bundle.id
    if (-not $id -and $null -ne $Bundle.PSObject.Properties['recoveryId']) { $id = [string]$Bundle.recoveryId }
    $parts = Split-KvObjectId -Id $id
    $attributes = $Bundle.attributes
    $tags = ConvertTo-KvTagTable -Bundle $Bundle
    $get = { param($name) if ($null -ne $attributes -and $null -ne $attributes.PSObject.Properties[$name]) { $attributes.$name } else { $null } }
    $object = [ordered]@{
        PSTypeName  = 'KvMi.SecretIdentityItem'
        VaultName   = $VaultName
        Name        = $parts.Name
        Version     = $parts.Version
        Id          = $id
        Enabled     = & $get 'enabled'
        Expires     = ConvertFrom-KvUnixTime -Seconds (& $get 'exp')
        NotBefore   = ConvertFrom-KvUnixTime -Seconds (& $get 'nbf')
        Created     = ConvertFrom-KvUnixTime -Seconds (& $get 'created')
        Updated     = ConvertFrom-KvUnixTime -Seconds (& $get 'updated')
        ContentType = $null
        Tags        = $tags
    }
    if ($null -ne $Bundle.PSObject.Properties['contentType']) { $object.ContentType = [string]$Bundle.contentType }
    if ($null -ne $Bundle.PSObject.Properties['deletedDate']) {
        $object.PSTypeName = 'KvMi.DeletedSecret'
        $object.DeletedDate = ConvertFrom-KvUnixTime -Seconds $Bundle.deletedDate
        $object.ScheduledPurgeDate = ConvertFrom-KvUnixTime -Seconds $Bundle.scheduledPurgeDate
    }
    if ($null -ne $Bundle.PSObject.Properties['value']) {
        $object.PSTypeName = 'KvMi.Secret'
        $object.SecretValue = ConvertTo-KvSecureString -Text ([string]$Bundle.value)
    }
    return [pscustomobject]$object
}
