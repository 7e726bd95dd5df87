# Clear-KvTokenCache, and the token cache the cmdlets share through kvmi (on in this file only,
# in a folder of its own; Invoke-KvMiTests.ps1 keeps it off for every other file).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:SavedCacheDir = $env:KVMI_TOKEN_CACHE_DIR
    function Get-KvTestRequests { Invoke-RestMethod -Uri "$($Manifest.imdsEndpoint)/emulator/requests" }
    function Reset-KvTestRequests { Invoke-RestMethod -Method Delete -Uri "$($Manifest.imdsEndpoint)/emulator/faults" | Out-Null }
    function Get-KvTestCacheEntries { @(Get-ChildItem -Path $env:KVMI_TOKEN_CACHE_DIR -Filter '*.json' -ErrorAction SilentlyContinue) }
}

Describe 'Clear-KvTokenCache' {
    BeforeEach {
        Use-KvTestVm
        $env:KVMI_TOKEN_CACHE = 'on'
        $env:KVMI_TOKEN_CACHE_DIR = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-pester-cache-' + [guid]::NewGuid().ToString('N'))
    }
    AfterEach {
        Remove-Item -Recurse -Force -Path $env:KVMI_TOKEN_CACHE_DIR -ErrorAction SilentlyContinue
        $env:KVMI_TOKEN_CACHE = 'off'
        $env:KVMI_TOKEN_CACHE_DIR = $SavedCacheDir
        Use-KvTestVm
    }

    It 'Get-KvAccessToken and Get-KvSecret share one cached token through kvmi' {
        $t = Get-KvAccessToken -ResourceUrl 'https://vault.azure.net'
        $t.Token | Should -BeOfType [System.Security.SecureString]
        (Get-KvTestCacheEntries).Count | Should -Be 1
        Reset-KvTestRequests
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Should -BeExactly 'this-is-test-secret'
        $requests = Get-KvTestRequests
        $requests.PSObject.Properties['imds-token'] | Should -BeNullOrEmpty -Because 'the secret read used the cached token'
        $requests.keyvault | Should -Be 1
    }

    It 'empties the cache, so the next cmdlet fetches a fresh token; -PassThru says what it removed' {
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Out-Null
        (Get-KvTestCacheEntries).Count | Should -Be 1
        $cleared = Clear-KvTokenCache -PassThru
        $cleared.PSObject.TypeNames | Should -Contain 'KvMi.TokenCacheCleared'
        $cleared.Removed | Should -Be 1
        $cleared.Folder | Should -Be $env:KVMI_TOKEN_CACHE_DIR
        (Get-KvTestCacheEntries).Count | Should -Be 0
        Reset-KvTestRequests
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Out-Null
        (Get-KvTestRequests).'imds-token' | Should -Be 1
        Clear-KvTokenCache | Should -BeNullOrEmpty
    }

    It '-WhatIf removes nothing' {
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Out-Null
        Clear-KvTokenCache -WhatIf
        (Get-KvTestCacheEntries).Count | Should -Be 1
    }

    It 'works with an identity chosen by Connect-KvIdentity (the cache holds every identity of this user)' {
        Connect-KvIdentity -ResourceId "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts" | Out-Null
        Get-KvAccessToken | Out-Null
        (Get-KvTestCacheEntries).Count | Should -Be 1
        (Clear-KvTokenCache -PassThru).Removed | Should -Be 1
    }

    It 'never prints or writes a token outside the cache' {
        $t = Get-KvAccessToken -ResourceUrl 'https://vault.azure.net'
        $jwt = [System.Net.NetworkCredential]::new('', $t.Token).Password
        $out = Clear-KvTokenCache -PassThru -Verbose 4>&1 | Out-String
        $out | Should -Not -Match ([regex]::Escape($jwt))
    }
}
