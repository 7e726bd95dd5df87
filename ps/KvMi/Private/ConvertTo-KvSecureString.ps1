function ConvertTo-KvSecureString {
    <#
    .SYNOPSIS
    Builds a read-only SecureString from text (works for empty strings, unlike
    ConvertTo-SecureString).
    #>
    [CmdletBinding()]
    [OutputType([System.Security.SecureString])]
    param([Parameter(Mandatory = $true)][AllowEmptyString()][string]$Text)

    $secure = New-Object System.Security.SecureString
    foreach ($ch in $Text.ToCharArray()) { $secure.AppendChar($ch) }
    $secure.MakeReadOnly()
    return $secure
}
