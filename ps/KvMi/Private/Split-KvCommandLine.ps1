function Split-KvCommandLine {
    <#
    .SYNOPSIS
    Splits a command line into its arguments: whitespace separates, double quotes group.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param([Parameter(Mandatory = $true)][string]$CommandLine)

    $parts = New-Object System.Collections.Generic.List[string]
    $current = New-Object System.Text.StringBuilder
    $inQuotes = $false
    $hasToken = $false
    foreach ($ch in $CommandLine.ToCharArray()) {
        if ($ch -eq '"') {
            $inQuotes = -not $inQuotes
            $hasToken = $true
        }
        elseif (([char]::IsWhiteSpace($ch)) -and (-not $inQuotes)) {
            if ($hasToken) {
                $parts.Add($current.ToString())
                [void]$current.Clear()
                $hasToken = $false
            }
        }
        else {
            [void]$current.Append($ch)
            $hasToken = $true
        }
    }
    if ($hasToken) { $parts.Add($current.ToString()) }
    return [string[]]$parts.ToArray()
}
