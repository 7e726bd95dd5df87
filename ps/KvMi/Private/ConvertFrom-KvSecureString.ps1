function ConvertFrom-KvSecureString {
    <#
    .SYNOPSIS
    Reads a SecureString's text (BSTR, zeroed afterwards), the way that works in Windows
    PowerShell 5.1 and PowerShell 7.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory = $true)][System.Security.SecureString]$SecureString)

    $bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($SecureString)
    try {
        return [System.Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr)
    }
    finally {
        [System.Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
    }
}
