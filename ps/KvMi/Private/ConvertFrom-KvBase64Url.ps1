function ConvertFrom-KvBase64Url {
    <#
    .SYNOPSIS
    Decodes base64url (no padding, as in an x5t) to bytes, or with -AsHex to upper-case hex.
    #>
    [CmdletBinding()]
    [OutputType([byte[]], [string])]
    param(
        [Parameter(Mandatory = $true)][string]$Text,
        [switch]$AsHex
    )

    $standard = $Text.Replace('-', '+').Replace('_', '/')
    switch ($standard.Length % 4) {
        2 { $standard += '==' }
        3 { $standard += '=' }
    }
    $bytes = [System.Convert]::FromBase64String($standard)
    if ($AsHex) { return [System.BitConverter]::ToString($bytes).Replace('-', '') }
    return , $bytes
}
