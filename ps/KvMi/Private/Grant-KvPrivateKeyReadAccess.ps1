function Grant-KvPrivateKeyReadAccess {
    <#
    .SYNOPSIS
    Windows: gives accounts read access to a certificate's private key file (for a service or gMSA).

    .DESCRIPTION
    Finds the key file as windows.md section 5.2 describes: the CNG key's UniqueName under
    %ProgramData%\Microsoft\Crypto\Keys, or the CAPI container's UniqueKeyContainerName under
    %ProgramData%\Microsoft\Crypto\RSA\MachineKeys, and adds a Read FileSystemAccessRule per account
    with Get-Acl/Set-Acl (section 5.3). Every account is resolved to a SID first, so a typo fails
    before any ACL changes. Not run in this project's CI (Linux); verified only by review.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory = $true)][System.Security.Cryptography.X509Certificates.X509Certificate2]$Certificate,
        [Parameter(Mandatory = $true)][string[]]$Identity
    )

    $fail = {
        param([string]$Message, [string]$Id)
        $exception = New-Object System.InvalidOperationException -ArgumentList $Message
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, $Id, ([System.Management.Automation.ErrorCategory]::PermissionDenied), $Certificate.Thumbprint
        $Cmdlet.ThrowTerminatingError($record)
    }
    $accounts = foreach ($name in $Identity) {
        try {
            $sid = (New-Object System.Security.Principal.NTAccount -ArgumentList $name).Translate([System.Security.Principal.SecurityIdentifier])
            $sid
        }
        catch {
            & $fail "The account '$name' was not found; no access was granted (the certificate is in the store)." 'AccountNotFound'
        }
    }
    $key = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
    if ($null -eq $key) { $key = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate) }
    $candidates = @()
    $programData = [System.Environment]::GetFolderPath([System.Environment+SpecialFolder]::CommonApplicationData)
    if ($null -ne $key -and $null -ne $key.PSObject.Properties['Key'] -and $key.Key -is [System.Security.Cryptography.CngKey]) {
        $candidates = @(Join-Path -Path $programData -ChildPath "Microsoft\Crypto\Keys\$($key.Key.UniqueName)")
    }
    elseif ($null -ne $key -and $null -ne $key.PSObject.Properties['CspKeyContainerInfo']) {
        $candidates = @(Join-Path -Path $programData -ChildPath "Microsoft\Crypto\RSA\MachineKeys\$($key.CspKeyContainerInfo.UniqueKeyContainerName)")
    }
    $file = $candidates | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
    if (-not $file) { & $fail "The private key file of certificate $($Certificate.Thumbprint) was not found; no access was granted." 'PrivateKeyFileNotFound' }
    $acl = Get-Acl -LiteralPath $file
    foreach ($sid in $accounts) {
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule -ArgumentList $sid, ([System.Security.AccessControl.FileSystemRights]::Read), ([System.Security.AccessControl.AccessControlType]::Allow)
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $file -AclObject $acl
    Write-Verbose -Message "Read access to $file granted to $($Identity -join ', ')."
}
