# Get-KvSecret on the emulator: the first seed story (the VM reads its secret), the second (the
# role is removed), SecureString against -AsPlainText, lists, versions, deleted secrets and
# pipelines (by property name, from a CSV, past a disabled or missing secret).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}


Describe 'Get-KvSecret: the VM reads its secret (seed story)' {
    AfterEach { Use-KvTestVm }

    It 'returns a KvMi.Secret whose SecretValue is a SecureString holding the value' {
        $s = Get-KvSecret -VaultName kv-demo -Name secret-for-vm
        $s.PSObject.TypeNames | Should -Contain 'KvMi.Secret'
        $s.SecretValue | Should -BeOfType [System.Security.SecureString]
        [System.Net.NetworkCredential]::new('', $s.SecretValue).Password | Should -BeExactly 'this-is-test-secret'
        $s.Name | Should -Be 'secret-for-vm'
        $s.VaultName | Should -Be 'kv-demo'
        $s.Version | Should -Match '^[0-9a-f]{32}$'
        $s.Enabled | Should -BeTrue
        $s.Created | Should -BeOfType [datetime]
    }

    It 'returns only the string with -AsPlainText' {
        $value = Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText
        $value | Should -BeOfType [string]
        $value | Should -BeExactly 'this-is-test-secret'
    }

    It 'never shows the value in the default views' {
        $s = Get-KvSecret -VaultName kv-demo -Name secret-for-vm
        ($s | Out-String) | Should -Match 'secret-for-vm'
        ($s | Out-String) | Should -Not -Match 'this-is-test-secret'
        ($s | Format-List | Out-String) | Should -Not -Match 'this-is-test-secret'
    }

    It 'gets one version with -Version' {
        $latest = Get-KvSecret -VaultName kv-demo -Name secret-for-vm
        (Get-KvSecret -VaultName kv-demo -Name secret-for-vm -Version $latest.Version).Id | Should -Be $latest.Id
    }
}

Describe 'Get-KvSecret: the role is removed (seed story)' {
    AfterEach { Use-KvTestVm }

    It 'ends with a terminating PermissionDenied error naming the data action and the role' {
        Use-KvTestAdmin
        $assignment = Get-KvTestVmRoleAssignment
        $assignment | Should -Not -BeNullOrEmpty
        Invoke-KvRestMethod -Method DELETE -Path $assignment.id -ApiVersion 2022-04-01 -Force | Out-Null
        Use-KvTestVm
        try {
            $e = $null
            $value = $null
            try { $value = Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText } catch { $e = $_ }
            $value | Should -BeNullOrEmpty
            $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e.FullyQualifiedErrorId | Should -Be 'ForbiddenByRbac,Get-KvSecret'
            $e.Exception.Message | Should -Match 'Microsoft.KeyVault/vaults/secrets/getSecret/action'
            $e.ErrorDetails.RecommendedAction | Should -Match 'Key Vault Secrets User'
            { Get-KvSecret -VaultName kv-demo -Name secret-for-vm -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'ForbiddenByRbac,Get-KvSecret'
        }
        finally {
            Use-KvTestAdmin
            Add-KvTestRoleAssignment -RoleDefinitionId $assignment.properties.roleDefinitionId -PrincipalId $Manifest.vm.principalId
        }
        Use-KvTestVm
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Should -BeExactly 'this-is-test-secret'
    }
}

Describe 'Get-KvSecret: lists, versions, deleted secrets' {
    AfterEach { Use-KvTestVm }

    BeforeAll {
        Use-KvTestAdmin
        $script:Listed = New-KvTestName 'ps-list'
        Set-KvSecret -VaultName kv-demo -Name $Listed -SecretValue (New-KvTestSecureString 'one') | Out-Null
        Set-KvSecret -VaultName kv-demo -Name $Listed -SecretValue (New-KvTestSecureString 'two') | Out-Null
    }

    It 'lists the vault''s secrets without values' {
        Use-KvTestAdmin
        $items = @(Get-KvSecret -VaultName kv-demo)
        $items.Name | Should -Contain $Listed
        $items.Name | Should -Contain 'secret-for-vm'
        foreach ($i in $items) { $i.PSObject.Properties.Name | Should -Not -Contain 'SecretValue' }
    }

    It 'lists versions with -IncludeVersions and pipes them back in' {
        Use-KvTestAdmin
        $versions = @(Get-KvSecret -VaultName kv-demo -Name $Listed -IncludeVersions)
        $versions.Count | Should -Be 2
        ($versions | Get-KvSecret -AsPlainText | Sort-Object) | Should -Be @('one', 'two')
    }
}

Describe 'Get-KvSecret: pipelines' {
    AfterEach { Use-KvTestVm }

    BeforeAll {
        Use-KvTestAdmin
        $script:A = New-KvTestName 'ps-pipe-a'
        $script:B = New-KvTestName 'ps-pipe-b'
        $script:Off = New-KvTestName 'ps-pipe-off'
        Set-KvSecret -VaultName kv-demo -Name $A -SecretValue (New-KvTestSecureString 'value-a') | Out-Null
        Set-KvSecret -VaultName kv-demo -Name $B -SecretValue (New-KvTestSecureString 'value-b') | Out-Null
        Set-KvSecret -VaultName kv-demo -Name $Off -SecretValue (New-KvTestSecureString 'value-off') -Disable | Out-Null
    }

    It 'binds VaultName and Name by property name' {
        Use-KvTestAdmin
        [pscustomobject]@{ VaultName = 'kv-demo'; Name = $A } | Get-KvSecret -AsPlainText | Should -BeExactly 'value-a'
    }

    It 'reads the secrets a CSV names (SecretName column alias)' {
        Use-KvTestAdmin
        $csv = Join-Path ([System.IO.Path]::GetTempPath()) ("kvmi-{0}.csv" -f [guid]::NewGuid())
        "VaultName,SecretName`nkv-demo,$A`nkv-demo,$B" | Set-Content -Path $csv
        try { Import-Csv -Path $csv | Get-KvSecret -AsPlainText | Should -Be @('value-a', 'value-b') }
        finally { Remove-Item $csv }
    }

    It 'goes on past a disabled and a missing secret, writing one non-terminating error each' {
        Use-KvTestAdmin
        $names = @($A, $Off, 'ps-no-such-secret', $B)
        $values = $names | ForEach-Object { [pscustomobject]@{ VaultName = 'kv-demo'; Name = $_ } } | Get-KvSecret -AsPlainText -ErrorVariable failures -ErrorAction SilentlyContinue
        $values | Should -Be @('value-a', 'value-b')
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'SecretDisabled,Get-KvSecret'
        $failures[0].TargetObject | Should -Be $Off
        $failures[1].FullyQualifiedErrorId | Should -Be 'SecretNotFound,Get-KvSecret'
        $failures[1].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'makes a missing secret terminating with -ErrorAction Stop' {
        { Get-KvSecret -VaultName kv-demo -Name ps-no-such-secret -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }

    It 'speaks PowerShell in the hint for a missing secret' {
        Get-KvSecret -VaultName kv-demo -Name ps-no-such-secret -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].ErrorDetails.RecommendedAction | Should -Match 'Get-KvSecret -InRemovedState'
        $e[0].ErrorDetails.RecommendedAction | Should -Not -Match 'kvmi secret'
    }
}
