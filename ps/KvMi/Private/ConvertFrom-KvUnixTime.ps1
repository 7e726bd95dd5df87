function ConvertFrom-KvUnixTime {
    <#
    .SYNOPSIS
    Converts Unix seconds to a UTC DateTime, or $null.
    #>
    [CmdletBinding()]
    [OutputType([datetime])]
    param([AllowNull()][object]$Seconds)

    if ($null -eq $Seconds) { return $null }
    return [System.DateTimeOffset]::FromUnixTimeSeconds([long]$Seconds).UtcDateTime
}
