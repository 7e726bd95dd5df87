function Import-KvCertificate {
    <#
    .SYNOPSIS
    Puts a Key Vault certificate with its private key into a Windows certificate store (or the
    CurrentUser\My store of .NET on Linux and macOS) and returns the X509Certificate2.

    .DESCRIPTION
    Runs 'kvmi cert download --format pfx --with-key --out -': kvmi reads the certificate's backing
    secret (this needs Key Vault Certificate User; Certificates Officer cannot read keys) and writes
    the PFX as base64 on its standard output, which this cmdlet reads in memory. The key is never
    written to a file outside the certificate store: no temporary PFX, and the PFX bytes are zeroed
    once the certificate is in the store. The certificate is loaded with the X509KeyStorageFlags
    PersistKeySet (so the store keeps the key), MachineKeySet for Cert:\LocalMachine\My (UserKeySet for
    Cert:\CurrentUser\My) and Exportable only with -Exportable, then added to the store. Returns the
    certificate as the store now holds it (HasPrivateKey is true). Its Thumbprint is Key Vault's x5t.

    -GrantReadAccess gives accounts (such as 'NT SERVICE\MyService' or a gMSA 'CONTOSO\web$') read
    access to the private key file, for a service that uses the certificate: Windows only, with
    Cert:\LocalMachine\My, after the import; it is not tested in this project's CI (Linux), where it
    is a clear error before anything is downloaded. Supports -WhatIf and -Confirm.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The certificate name.

    .PARAMETER Version
    A specific version (default: the latest).

    .PARAMETER CertStoreLocation
    Cert:\LocalMachine\My (needs an elevated session; Windows only) or Cert:\CurrentUser\My.

    .PARAMETER Exportable
    Mark the private key exportable in the store (by default it is not).

    .PARAMETER GrantReadAccess
    Accounts to give read access to the private key (Windows, Cert:\LocalMachine\My only).

    .EXAMPLE
    Import-KvCertificate -VaultName kv-demo -Name web -CertStoreLocation Cert:\LocalMachine\My -GrantReadAccess 'NT SERVICE\W3SVC'

    .EXAMPLE
    $cert = Import-KvCertificate -VaultName kv-demo -Name client-auth -CertStoreLocation Cert:\CurrentUser\My
    Invoke-RestMethod -Uri https://api.contoso.com/ -Certificate $cert

    .EXAMPLE
    Get-KvCertificate -VaultName kv-demo -Name web | Import-KvCertificate -CertStoreLocation Cert:\CurrentUser\My -WhatIf

    .OUTPUTS
    System.Security.Cryptography.X509Certificates.X509Certificate2
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType([System.Security.Cryptography.X509Certificates.X509Certificate2])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('CertificateName')][ValidateNotNullOrEmpty()][string]$Name,
        [Parameter(ValueFromPipelineByPropertyName = $true)][string]$Version,
        [Parameter(Mandatory = $true)][ValidateSet('Cert:\LocalMachine\My', 'Cert:\CurrentUser\My')][string]$CertStoreLocation,
        [switch]$Exportable,
        [ValidateNotNullOrEmpty()][string[]]$GrantReadAccess
    )

    begin {
        $onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
        $machine = $CertStoreLocation -like 'Cert:\LocalMachine\*'
        $problem = $null
        if ($GrantReadAccess -and -not $onWindows) {
            $problem = @('-GrantReadAccess sets the ACL of a Windows private key file; it is not available on this platform.', 'PlatformNotSupported', 'Import without -GrantReadAccess.')
        }
        elseif ($GrantReadAccess -and -not $machine) {
            $problem = @('-GrantReadAccess is for Cert:\LocalMachine\My: a service cannot open another account''s CurrentUser store.', 'InvalidStoreForGrant', 'Use -CertStoreLocation Cert:\LocalMachine\My.')
        }
        elseif ($machine -and -not $onWindows) {
            $problem = @('Cert:\LocalMachine\My cannot be written on this platform (.NET on Linux and macOS has a CurrentUser\My store only).', 'PlatformNotSupported', 'Use -CertStoreLocation Cert:\CurrentUser\My.')
        }
        if ($null -ne $problem) {
            $exception = New-Object System.PlatformNotSupportedException -ArgumentList $problem[0]
            $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, $problem[1], ([System.Management.Automation.ErrorCategory]::InvalidArgument), $CertStoreLocation
            $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $problem[0]
            $record.ErrorDetails.RecommendedAction = $problem[2]
            $PSCmdlet.ThrowTerminatingError($record)
        }
    }

    process {
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name -> $CertStoreLocation" -Action 'Import certificate with its private key')) { return }
        $arguments = @('cert', 'download', '--vault', $VaultName, '--name', $Name, '--format', 'pfx', '--with-key', '--out', '-')
        if ($Version) { $arguments += @('--version', $Version) }
        # The PFX travels as base64 on kvmi's stdout and stays in memory: no temporary file holds the
        # key, so nothing is left on disk if the session is killed half-way.
        $text = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -Output raw -TargetObject $Name -ParameterMap @{ '--version' = '-Version' }
        if (-not $text) { return }
        $bytes = [System.Convert]::FromBase64String($text.Trim())
        $text = $null
        $flags = [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::PersistKeySet
        if ($machine) { $flags = $flags -bor [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::MachineKeySet }
        else { $flags = $flags -bor [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::UserKeySet }
        if ($Exportable) { $flags = $flags -bor [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]::Exportable }
        $location = [System.Security.Cryptography.X509Certificates.StoreLocation]::CurrentUser
        if ($machine) { $location = [System.Security.Cryptography.X509Certificates.StoreLocation]::LocalMachine }
        $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', $location
        try {
            # The store opens first: with PersistKeySet the key is written to disk as soon as the
            # certificate is loaded, so a store we may not write (LocalMachine, not elevated) must
            # fail before that, leaving no key file outside any store.
            $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]::ReadWrite)
            # Key Vault's PFX has an empty password.
            $certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList $bytes, '', $flags
            $store.Add($certificate)
        }
        catch {
            $message = "Certificate '$Name' could not be added to ${CertStoreLocation}: $($_.Exception.Message)"
            $exception = New-Object System.InvalidOperationException -ArgumentList $message, $_.Exception
            $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'CertificateStoreFailed', ([System.Management.Automation.ErrorCategory]::WriteError), $CertStoreLocation
            if ($machine) {
                $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $message
                $record.ErrorDetails.RecommendedAction = 'Cert:\LocalMachine\My needs an elevated session (Run as administrator, or a task that runs as SYSTEM).'
            }
            $PSCmdlet.ThrowTerminatingError($record)
        }
        finally {
            [System.Array]::Clear($bytes, 0, $bytes.Length)
            $store.Close()
        }
        $stored = Get-KvStoreCertificate -Thumbprint $certificate.Thumbprint -Location $location
        if ($null -eq $stored) { $stored = $certificate }
        if ($GrantReadAccess) {
            Grant-KvPrivateKeyReadAccess -Cmdlet $PSCmdlet -Certificate $stored -Identity $GrantReadAccess
        }
        $stored
    }
}
