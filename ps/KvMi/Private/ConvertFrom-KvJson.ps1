function ConvertFrom-KvJson {
    <#
    .SYNOPSIS
    Parses kvmi's JSON output into objects, keeping every string as it was sent.

    .DESCRIPTION
    PowerShell 7's ConvertFrom-Json turns strings that look like dates into DateTime values (a
    secret whose value is '2030-01-01T00:00:00Z' would come back reformatted); where the
    -DateKind parameter exists (7.5 and later) strings stay strings. Windows PowerShell 5.1 keeps
    them as strings already.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param([Parameter(Mandatory = $true)][string]$Json)

    # Splatted, so that Windows PowerShell 5.1 (which has no -DateKind) never sees the parameter.
    $options = @{}
    if ((Get-Command -Name ConvertFrom-Json).Parameters.ContainsKey('DateKind')) { $options.DateKind = 'String' }
    return ($Json | ConvertFrom-Json @options)
}
