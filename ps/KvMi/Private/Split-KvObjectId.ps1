function Split-KvObjectId {
    <#
    .SYNOPSIS
    Splits a Key Vault object id (https://VAULT/secrets|keys|certificates/NAME[/VERSION]) into its
    name and version ($null when the id has none).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([Parameter(Mandatory = $true)][AllowEmptyString()][string]$Id)

    $segments = @()
    if ($Id) { $segments = ([uri]$Id).AbsolutePath.Trim('/').Split('/') }
    $name = $null
    $version = $null
    if ($segments.Count -gt 1) { $name = $segments[1] }
    if ($segments.Count -gt 2) { $version = $segments[2] }
    [pscustomobject]@{ Name = $name; Version = $version }
}
