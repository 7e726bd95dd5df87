# Remove-KvSecret on the emulator: soft delete, purge, -WhatIf, -Force, -PassThru, pipeline input.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}


Describe 'Remove-KvSecret' {
    BeforeEach {
        Use-KvTestAdmin
        $script:Name = New-KvTestName 'ps-remove'
        Set-KvSecret -VaultName kv-demo -Name $Name -SecretValue (New-KvTestSecureString 'bye') | Out-Null
    }
    AfterEach { Use-KvTestVm }

    It 'soft-deletes with -Force and returns the deleted secret with -PassThru' {
        $deleted = Remove-KvSecret -VaultName kv-demo -Name $Name -Force -PassThru
        $deleted.PSObject.TypeNames | Should -Contain 'KvMi.DeletedSecret'
        $deleted.ScheduledPurgeDate | Should -BeGreaterThan (Get-Date)
        { Get-KvSecret -VaultName kv-demo -Name $Name -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
        Wait-KvTestDeleted -Name $Name
    }

    It 'deletes nothing with -WhatIf' {
        Remove-KvSecret -VaultName kv-demo -Name $Name -WhatIf
        Get-KvSecret -VaultName kv-demo -Name $Name -AsPlainText | Should -BeExactly 'bye'
    }

    It 'purges a deleted secret with -InRemovedState' {
        Remove-KvSecret -VaultName kv-demo -Name $Name -Force
        Wait-KvTestDeleted -Name $Name
        Remove-KvSecret -VaultName kv-demo -Name $Name -InRemovedState -Confirm:$false
        (Get-KvSecret -VaultName kv-demo -InRemovedState).Name | Should -Not -Contain $Name
    }

    It 'takes its targets from the pipeline' {
        Get-KvSecret -VaultName kv-demo -Name $Name | Remove-KvSecret -Force
        { Get-KvSecret -VaultName kv-demo -Name $Name -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }

    It 'reports a missing secret as a non-terminating ObjectNotFound' {
        Remove-KvSecret -VaultName kv-demo -Name 'ps-never-existed' -Force -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'SecretNotFound,Remove-KvSecret'
    }

    It 'asks for confirmation by default, so a -NonInteractive host refuses without -Force and deletes nothing' {
        $child = Invoke-KvTestChildPwsh -Command "Remove-KvSecret -VaultName kv-demo -Name $Name"
        $child.Output | Should -Match 'needs confirmation'
        Get-KvSecret -VaultName kv-demo -Name $Name -AsPlainText | Should -BeExactly 'bye'
    }
}
