# Set-KvSecret on the emulator: exact values, attributes reaching Key Vault, -WhatIf/-Confirm,
# pipeline input, and the refusal for the VM identity (Secrets User may only read).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-KvTestBundle {
        # The secret as Key Vault stores it, read with the admin through kvmi (not through the module).
        param([string]$Name)
        $raw = Invoke-KvRestMethod -Uri "$($Manifest.vaults.'kv-demo')/secrets/${Name}?api-version=7.5"
        return (InModuleScope KvMi { ConvertFrom-KvJson -Json $json } -Parameters @{ json = $raw.Content })
    }
}


Describe 'Set-KvSecret' {
    BeforeEach { Use-KvTestAdmin }
    AfterEach { Use-KvTestVm }

    It 'round-trips a value with <Case> exactly' -ForEach @(
        @{ Case = 'non-ASCII'; Value = ('gr' + [char]0x00FC + [char]0x00DF + ' ' + [char]0x65E5 + [char]0x672C + ' ' + [char]0x2603) }
        @{ Case = 'quotes'; Value = 'say "hi" and ''bye''' }
        @{ Case = 'dollar and percent'; Value = '$env:PATH %PATH% $(whoami) `n' }
        @{ Case = 'CRLF and tab'; Value = "line1`r`nline2`tend`n" }
        @{ Case = 'leading and trailing spaces'; Value = '   padded   ' }
        @{ Case = 'a date-like text'; Value = '2030-01-01T00:00:00Z' }
        @{ Case = 'JSON text'; Value = '{"user":"a","password":"b\\c"}' }
    ) {
        $name = New-KvTestName 'ps-exact'
        $item = Set-KvSecret -VaultName kv-demo -Name $name -SecretValue (New-KvTestSecureString $Value)
        $item.PSObject.TypeNames | Should -Contain 'KvMi.SecretIdentityItem'
        $item.Name | Should -Be $name
        Get-KvSecret -VaultName kv-demo -Name $name -AsPlainText | Should -BeExactly $Value
        (Get-KvTestBundle -Name $name).value | Should -BeExactly $Value
    }

    It 'sends -Expires, -NotBefore, -Tag and -ContentType to Key Vault' {
        $name = New-KvTestName 'ps-attrs'
        $expires = [datetime]::new(2031, 5, 6, 7, 8, 9, [System.DateTimeKind]::Utc)
        $notBefore = [datetime]::new(2024, 1, 2, 3, 4, 5, [System.DateTimeKind]::Utc)
        $item = Set-KvSecret -VaultName kv-demo -Name $name -SecretValue (New-KvTestSecureString 'v') -Expires $expires -NotBefore $notBefore -Tag @{ env = 'prod'; owner = 'ops team' } -ContentType 'text/plain'
        $bundle = Get-KvTestBundle -Name $name
        $bundle.attributes.exp | Should -Be ([System.DateTimeOffset]::new($expires).ToUnixTimeSeconds())
        $bundle.attributes.nbf | Should -Be ([System.DateTimeOffset]::new($notBefore).ToUnixTimeSeconds())
        $bundle.tags.env | Should -Be 'prod'
        $bundle.tags.owner | Should -Be 'ops team'
        $bundle.contentType | Should -Be 'text/plain'
        $item.Expires | Should -Be $expires
        $item.NotBefore | Should -Be $notBefore
        $item.Tags['env'] | Should -Be 'prod'
    }

    It 'creates a disabled version with -Disable' {
        $name = New-KvTestName 'ps-disabled'
        (Set-KvSecret -VaultName kv-demo -Name $name -SecretValue (New-KvTestSecureString 'v') -Disable).Enabled | Should -BeFalse
        { Get-KvSecret -VaultName kv-demo -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'SecretDisabled,Get-KvSecret'
    }

    It 'stores an empty value when given one' {
        $name = New-KvTestName 'ps-empty'
        Set-KvSecret -VaultName kv-demo -Name $name -SecretValue (New-Object System.Security.SecureString) | Out-Null
        Get-KvSecret -VaultName kv-demo -Name $name -AsPlainText | Should -BeExactly ''
    }

    It 'changes nothing with -WhatIf' {
        $name = New-KvTestName 'ps-whatif'
        Set-KvSecret -VaultName kv-demo -Name $name -SecretValue (New-KvTestSecureString 'x') -WhatIf | Should -BeNullOrEmpty
        { Get-KvSecret -VaultName kv-demo -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }

    It 'asks with -Confirm, and a -NonInteractive host refuses instead of hanging' {
        $name = New-KvTestName 'ps-confirm'
        $child = Invoke-KvTestChildPwsh -Command "`$s = New-Object System.Security.SecureString; `$s.AppendChar('x'); Set-KvSecret -VaultName kv-demo -Name $name -SecretValue `$s -Confirm"
        $child.Output | Should -Match 'needs confirmation'
        { Get-KvSecret -VaultName kv-demo -Name $name -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }

    It 'takes VaultName and Name from the pipeline by property name' {
        $name = New-KvTestName 'ps-setpipe'
        [pscustomobject]@{ VaultName = 'kv-demo'; SecretName = $name } | Set-KvSecret -SecretValue (New-KvTestSecureString 'piped') | Out-Null
        Get-KvSecret -VaultName kv-demo -Name $name -AsPlainText | Should -BeExactly 'piped'
    }

    It 'is refused for the VM identity, which may only read' {
        Use-KvTestVm
        { Set-KvSecret -VaultName kv-demo -Name (New-KvTestName 'ps-refused') -SecretValue (New-KvTestSecureString 'x') } | Should -Throw -ErrorId 'ForbiddenByRbac,Set-KvSecret'
    }
}
