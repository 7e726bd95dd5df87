# Get-KvAccessToken on the emulator: Az.Accounts' shape, SecureString token, audiences.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}


Describe 'Get-KvAccessToken' {
    AfterEach { Use-KvTestVm }

    It 'returns a Bearer token for ARM by default, as a SecureString with expiry and identity' {
        $t = Get-KvAccessToken
        $t.PSObject.TypeNames | Should -Contain 'KvMi.AccessToken'
        $t.Token | Should -BeOfType [System.Security.SecureString]
        $t.Type | Should -Be 'Bearer'
        $t.Resource | Should -Be 'https://management.azure.com/'
        $t.UserId | Should -Be $Manifest.vm.principalId
        $t.TenantId | Should -Be $Manifest.tenantId
        $t.ExpiresOn | Should -BeOfType [System.DateTimeOffset]
        $t.ExpiresOn | Should -BeGreaterThan ([System.DateTimeOffset]::UtcNow.AddMinutes(5))
    }

    It 'gets a token for -ResourceUrl whose audience is that resource' {
        $t = Get-KvAccessToken -ResourceUrl 'https://vault.azure.net'
        $jwt = [System.Net.NetworkCredential]::new('', $t.Token).Password
        $claims = InModuleScope KvMi { ConvertFrom-KvJwt -Token $jwt } -Parameters @{ jwt = $jwt }
        $claims.aud | Should -Match '^https://vault\.azure\.net'
    }

    It 'maps -ResourceTypeName KeyVault to the vault audience' {
        (Get-KvAccessToken -ResourceTypeName KeyVault).Resource | Should -Be 'https://vault.azure.net'
    }

    It 'never prints the token in its default or list view' {
        $t = Get-KvAccessToken
        $jwt = [System.Net.NetworkCredential]::new('', $t.Token).Password
        $jwt | Should -Match '^eyJ'
        ($t | Out-String) | Should -Not -Match 'eyJ'
        ($t | Format-List | Out-String) | Should -Not -Match ([regex]::Escape($jwt.Substring(0, 40)))
    }

    It 'accepts -AsSecureString from Az scripts' {
        (Get-KvAccessToken -AsSecureString).Token | Should -BeOfType [System.Security.SecureString]
    }

    It 'gets the service principal''s token when AZURE_* variables name one' {
        Use-KvTestAdmin
        (Get-KvAccessToken).ClientId | Should -Be $Manifest.admin.clientId
    }
}
