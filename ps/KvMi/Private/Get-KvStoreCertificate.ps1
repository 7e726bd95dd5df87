function Get-KvStoreCertificate {
    <#
    .SYNOPSIS
    The certificate with a thumbprint from a location's My store, as a fresh read of the store gives it, or $null.
    #>
    [CmdletBinding()]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [Parameter(Mandatory = $true)][string]$Thumbprint,
        [Parameter(Mandatory = $true)][System.Security.Cryptography.X509Certificates.StoreLocation]$Location
    )

    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', $Location
    try {
        $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadOnly)
        $found = $store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $Thumbprint, $false)
        if ($found.Count -gt 0) { return $found[0] }
        return $null
    }
    finally {
        $store.Close()
    }
}
