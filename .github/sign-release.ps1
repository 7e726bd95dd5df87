<#
.SYNOPSIS
Signs the staged release files with the code-signing certificate from the release secrets.

.DESCRIPTION
Called by 'deno task package --sign-script .github/sign-release.ps1' on the release runner, with
the staging folder as -Path: signs kvmi.exe (Authenticode) and every PowerShell file (.ps1, .psm1,
.psd1, .ps1xml) with a timestamp, so that AllSigned execution policies and SmartScreen accept
them. The certificate comes from SIGNING_CERT_PFX_BASE64 and SIGNING_CERT_PASSWORD.

.EXAMPLE
pwsh -File .github/sign-release.ps1 -Path C:\staging
#>
[CmdletBinding()]
param([Parameter(Mandatory = $true)][string]$Path)

$ErrorActionPreference = 'Stop'
$pfx = [System.Convert]::FromBase64String($env:SIGNING_CERT_PFX_BASE64)
$certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(, $pfx), $env:SIGNING_CERT_PASSWORD
$files = Get-ChildItem -Path $Path -Recurse -File | Where-Object { $_.Name -eq 'kvmi.exe' -or $_.Extension -in '.ps1', '.psm1', '.psd1', '.ps1xml' }
foreach ($file in $files) {
    $result = Set-AuthenticodeSignature -FilePath $file.FullName -Certificate $certificate -HashAlgorithm SHA256 -TimestampServer 'http://timestamp.digicert.com'
    if ($result.Status -ne 'Valid') { throw "Signing $($file.FullName) failed: $($result.StatusMessage)" }
    Write-Output "Signed $($file.FullName.Substring($Path.Length))"
}
