# Get-KvKey on the emulator: the exportable CVM key, lists, missing keys.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-KvKey' {
    BeforeEach { Use-KvTestAdmin }
    AfterEach { Use-KvTestVm }

    It 'returns the key''s public part, type, exportability and release policy' {
        $k = Get-KvKey -VaultName kv-demo -Name cvm-key
        $k.PSObject.TypeNames | Should -Contain 'KvMi.Key'
        $k.KeyType | Should -Be 'RSA-HSM'
        $k.Exportable | Should -BeTrue
        $k.Version | Should -Match '^[0-9a-f]{32}$'
        $k.Key.n | Should -Not -BeNullOrEmpty
        $k.Key.PSObject.Properties.Name | Should -Not -Contain 'd'
        $k.ReleasePolicy | Should -Not -BeNullOrEmpty
    }

    It 'lists the vault''s keys' {
        (Get-KvKey -VaultName kv-demo).Name | Should -Contain 'cvm-key'
    }

    It 'writes a missing key as a non-terminating ObjectNotFound and goes on' {
        $keys = @('no-such-key', 'cvm-key') | ForEach-Object { [pscustomobject]@{ VaultName = 'kv-demo'; Name = $_ } } | Get-KvKey -ErrorVariable e -ErrorAction SilentlyContinue
        @($keys).Name | Should -Be @('cvm-key')
        $e[0].FullyQualifiedErrorId | Should -Be 'KeyNotFound,Get-KvKey'
    }
}
