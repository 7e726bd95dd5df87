# Get-KvCertificate on the emulator: the seeded web-cert, lists, versions, missing certificates, 403.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-KvCertificate' {
    BeforeEach { Use-KvTestAdmin }
    AfterEach { Use-KvTestVm }

    It 'returns the certificate: Subject, Thumbprint (Key Vault''s x5t), validity, Version, the X509Certificate2 without its key' {
        $c = Get-KvCertificate -VaultName kv-demo -Name web-cert
        $c.PSObject.TypeNames | Should -Contain 'KvMi.Certificate'
        $c.Subject | Should -Be 'CN=web.contoso.internal'
        $c.Version | Should -Match '^[0-9a-f]{32}$'
        $c.Thumbprint | Should -Match '^[0-9A-F]{40}$'
        $c.Thumbprint | Should -Be $c.Certificate.Thumbprint
        $c.NotBefore | Should -Be $c.Certificate.NotBefore.ToUniversalTime()
        $c.NotAfter | Should -Be $c.Certificate.NotAfter.ToUniversalTime()
        $c.Certificate.HasPrivateKey | Should -BeFalse
        $c.SecretId | Should -Match "/secrets/web-cert/$($c.Version)$"
        $c.Policy.key_props.exportable | Should -BeTrue
    }

    It 'lists the vault''s certificates with thumbprints and validity' {
        $all = @(Get-KvCertificate -VaultName kv-demo)
        $web = $all | Where-Object Name -eq 'web-cert'
        $web | Should -Not -BeNullOrEmpty
        $web.Thumbprint | Should -Be (Get-KvCertificate -VaultName kv-demo -Name web-cert).Thumbprint
        $web.NotAfter | Should -BeOfType [datetime]
        $web.Subject | Should -BeNullOrEmpty
    }

    It 'lists versions with -IncludeVersions, and the items pipe back in for the details' {
        $versions = @(Get-KvCertificate -VaultName kv-demo -Name web-cert -IncludeVersions)
        $versions.Count | Should -BeGreaterOrEqual 1
        $versions[0].Version | Should -Match '^[0-9a-f]{32}$'
        $details = @($versions | Get-KvCertificate)
        $details[0].Subject | Should -Be 'CN=web.contoso.internal'
        $details[0].Version | Should -Be $versions[0].Version
    }

    It 'writes a missing certificate as a non-terminating ObjectNotFound and goes on' {
        $certs = @('no-such-cert', 'web-cert') | ForEach-Object { [pscustomobject]@{ VaultName = 'kv-demo'; Name = $_ } } | Get-KvCertificate -ErrorVariable e -ErrorAction SilentlyContinue
        @($certs).Name | Should -Be @('web-cert')
        $e[0].FullyQualifiedErrorId | Should -Be 'CertificateNotFound,Get-KvCertificate'
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'ends with ForbiddenByRbac naming certificates/read when the identity may not read certificates' {
        Use-KvTestVm
        $err = $null
        try { Get-KvCertificate -VaultName kv-demo -Name web-cert } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'ForbiddenByRbac,Get-KvCertificate'
        $err.Exception.Message | Should -Match 'certificates/read'
        $err.ErrorDetails.RecommendedAction | Should -Match 'Key Vault'
    }
}
