function ConvertTo-KvTagTable {
    <#
    .SYNOPSIS
    The tags of a Key Vault bundle (kvmi JSON) as a hashtable of strings; empty when it has none.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param([Parameter(Mandatory = $true)][psobject]$Bundle)

    $tags = @{}
    if ($null -ne $Bundle.PSObject.Properties['tags'] -and $null -ne $Bundle.tags) {
        foreach ($p in $Bundle.tags.PSObject.Properties) { $tags[$p.Name] = [string]$p.Value }
    }
    $tags
}
