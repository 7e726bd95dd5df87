# Import-KvCertificate on Linux pwsh: the CurrentUser\My store of .NET (under a temporary HOME, so
# the machine's own store is untouched) receives web-cert with its private key. -GrantReadAccess
# and Cert:\LocalMachine\My are Windows only; their ACL work is untested here (see the README).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:OldHome = $env:HOME
    $script:OldDenoDir = $env:DENO_DIR
    $script:StoreHome = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-store-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $StoreHome | Out-Null
    if (-not $OnWindows) {
        # Deno keeps its module cache under HOME unless DENO_DIR says otherwise: keep using the real one.
        if (-not $env:DENO_DIR) {
            $cache = $env:XDG_CACHE_HOME
            if (-not $cache) { $cache = Join-Path $OldHome '.cache' }
            $env:DENO_DIR = Join-Path $cache 'deno'
        }
        $env:HOME = $StoreHome
    }

    function Get-TestStoreCertificate {
        param([string]$Thumbprint)
        $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', 'CurrentUser'
        try {
            $store.Open('ReadOnly')
            return @($store.Certificates.Find('FindByThumbprint', $Thumbprint, $false))
        }
        finally { $store.Close() }
    }

    function Remove-TestStoreCertificate {
        param([string]$Thumbprint)
        $store = New-Object System.Security.Cryptography.X509Certificates.X509Store -ArgumentList 'My', 'CurrentUser'
        try {
            $store.Open('ReadWrite')
            foreach ($c in $store.Certificates.Find('FindByThumbprint', $Thumbprint, $false)) { $store.Remove($c) }
        }
        finally { $store.Close() }
    }

    # Key Vault's x5t (base64url SHA-1) as hex, read from kvmi's JSON without the module's helpers.
    Use-KvTestAdmin
    $show = & $env:KVMI_TEST_DENO run --allow-all --quiet $env:KVMI_TEST_MAIN cert show --vault kv-demo --name web-cert | ConvertFrom-Json
    $x5t = $show.x5t.Replace('-', '+').Replace('_', '/') + '='
    $script:WebThumbprint = [System.BitConverter]::ToString([System.Convert]::FromBase64String($x5t)).Replace('-', '')
    Use-KvTestVm
}

AfterAll {
    if (-not $OnWindows) {
        $env:HOME = $OldHome
        $env:DENO_DIR = $OldDenoDir
    }
    Remove-Item -Recurse -Force -Path $StoreHome -ErrorAction SilentlyContinue
}

Describe 'Import-KvCertificate' {
    BeforeEach { Use-KvTestAdmin }
    AfterEach {
        Use-KvTestVm
        Remove-TestStoreCertificate -Thumbprint $WebThumbprint
    }

    It 'with -WhatIf downloads and imports nothing' {
        $result = Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\CurrentUser\My' -WhatIf
        $result | Should -BeNullOrEmpty
        Get-TestStoreCertificate -Thumbprint $WebThumbprint | Should -BeNullOrEmpty
    }

    It 'puts the certificate with its private key in CurrentUser\My: thumbprint = x5t, and the key signs what the public key verifies' {
        $cert = Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\CurrentUser\My'
        $cert | Should -BeOfType ([System.Security.Cryptography.X509Certificates.X509Certificate2])
        $cert.Thumbprint | Should -Be $WebThumbprint
        $cert.HasPrivateKey | Should -BeTrue
        $cert.Subject | Should -Be 'CN=web.contoso.internal'

        # A fresh read of the store has it, with the key.
        $stored = @(Get-TestStoreCertificate -Thumbprint $WebThumbprint)
        $stored.Count | Should -Be 1
        $stored[0].HasPrivateKey | Should -BeTrue
        $data = [System.Text.Encoding]::UTF8.GetBytes('signed by the key from Key Vault')
        $private = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($stored[0])
        $signature = $private.SignData($data, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $publicOnly = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(, $stored[0].RawData)
        $public = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($publicOnly)
        $public.VerifyData($data, $signature, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1) | Should -BeTrue
        $data[0] = $data[0] -bxor 1
        $public.VerifyData($data, $signature, [System.Security.Cryptography.HashAlgorithmName]::SHA256, [System.Security.Cryptography.RSASignaturePadding]::Pkcs1) | Should -BeFalse
    }

    It 'keeps the store under the test''s HOME (the machine''s own store is untouched)' -Skip:$OnWindows {
        Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\CurrentUser\My' -Exportable | Out-Null
        @(Get-ChildItem -Path (Join-Path $StoreHome '.dotnet') -Recurse -File -ErrorAction SilentlyContinue).Count | Should -BeGreaterThan 0
    }

    It 'takes VaultName and Name from Get-KvCertificate on the pipeline' {
        $cert = Get-KvCertificate -VaultName kv-demo -Name web-cert | Import-KvCertificate -CertStoreLocation 'Cert:\CurrentUser\My'
        $cert.Thumbprint | Should -Be $WebThumbprint
    }

    It 'refuses -GrantReadAccess off Windows before anything is downloaded' -Skip:$OnWindows {
        $err = $null
        try { Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\CurrentUser\My' -GrantReadAccess 'NT SERVICE\MyService' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'PlatformNotSupported,Import-KvCertificate'
        $err.Exception.Message | Should -Match 'GrantReadAccess'
        Get-TestStoreCertificate -Thumbprint $WebThumbprint | Should -BeNullOrEmpty
    }

    It 'refuses Cert:\LocalMachine\My off Windows with the store that works there' -Skip:$OnWindows {
        $err = $null
        try { Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\LocalMachine\My' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'PlatformNotSupported,Import-KvCertificate'
        $err.ErrorDetails.RecommendedAction | Should -Match 'CurrentUser'
    }

    It 'ends with ForbiddenByRbac naming Key Vault Certificate User when the identity may not read the key' {
        Use-KvTestVm
        $err = $null
        try { Import-KvCertificate -VaultName kv-demo -Name web-cert -CertStoreLocation 'Cert:\CurrentUser\My' } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'ForbiddenByRbac,Import-KvCertificate'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Key Vault Certificate User'
        Get-TestStoreCertificate -Thumbprint $WebThumbprint | Should -BeNullOrEmpty
    }

    It 'writes a certificate whose key is not exportable as a non-terminating KeyNotExportable and imports nothing' {
        $policy = Join-Path $StoreHome 'kept.json'
        Set-Content -Path $policy -Value '{"key_props":{"exportable":false,"kty":"RSA","key_size":2048},"x509_props":{"subject":"CN=kept"},"issuer":{"name":"Self"}}'
        & $env:KVMI_TEST_DENO run --allow-all --quiet $env:KVMI_TEST_MAIN cert create --vault kv-demo --name ps-kept-cert --policy $policy | Out-Null
        $LASTEXITCODE | Should -Be 0
        $result = Import-KvCertificate -VaultName kv-demo -Name ps-kept-cert -CertStoreLocation 'Cert:\CurrentUser\My' -ErrorVariable e -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'KeyNotExportable,Import-KvCertificate'
        $thumbprint = (Get-KvCertificate -VaultName kv-demo -Name ps-kept-cert).Thumbprint
        Get-TestStoreCertificate -Thumbprint $thumbprint | Should -BeNullOrEmpty
    }

    It 'writes a missing certificate as a non-terminating ObjectNotFound' {
        $result = Import-KvCertificate -VaultName kv-demo -Name no-such-cert -CertStoreLocation 'Cert:\CurrentUser\My' -ErrorVariable e -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -Be 'CertificateNotFound,Import-KvCertificate'
    }
}
