function ConvertTo-KvArgumentString {
    <#
    .SYNOPSIS
    Quotes arguments for a Windows command line the way CommandLineToArgvW and the C runtime
    parse it, so every argument reaches kvmi exactly (needed on Windows PowerShell 5.1, whose
    ProcessStartInfo has no ArgumentList).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory = $true)][AllowEmptyCollection()][AllowEmptyString()][string[]]$Arguments)

    $quoted = foreach ($arg in $Arguments) {
        if ($arg.Length -gt 0 -and $arg -notmatch '[\s"]') {
            $arg
            continue
        }
        $sb = New-Object System.Text.StringBuilder
        [void]$sb.Append('"')
        $backslashes = 0
        foreach ($ch in $arg.ToCharArray()) {
            if ($ch -eq '\') {
                $backslashes++
                continue
            }
            if ($ch -eq '"') {
                [void]$sb.Append([char]92, 2 * $backslashes + 1)
            }
            elseif ($backslashes -gt 0) {
                [void]$sb.Append([char]92, $backslashes)
            }
            $backslashes = 0
            [void]$sb.Append($ch)
        }
        if ($backslashes -gt 0) { [void]$sb.Append([char]92, 2 * $backslashes) }
        [void]$sb.Append('"')
        $sb.ToString()
    }
    return ($quoted -join ' ')
}
