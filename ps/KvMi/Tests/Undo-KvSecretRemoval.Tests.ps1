# Undo-KvSecretRemoval on the emulator: recovery, -WhatIf, pipeline input from -InRemovedState.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}


Describe 'Undo-KvSecretRemoval' {
    BeforeEach {
        Use-KvTestAdmin
        $script:Name = New-KvTestName 'ps-undo'
        Set-KvSecret -VaultName kv-demo -Name $Name -SecretValue (New-KvTestSecureString 'back again') | Out-Null
        Remove-KvSecret -VaultName kv-demo -Name $Name -Force
        Wait-KvTestDeleted -Name $Name
    }
    AfterEach { Use-KvTestVm }

    It 'recovers a deleted secret with its value' {
        $recovered = Undo-KvSecretRemoval -VaultName kv-demo -Name $Name
        $recovered.PSObject.TypeNames | Should -Contain 'KvMi.SecretIdentityItem'
        $recovered.Name | Should -Be $Name
        Get-KvSecret -VaultName kv-demo -Name $Name -AsPlainText | Should -BeExactly 'back again'
    }

    It 'changes nothing with -WhatIf' {
        Undo-KvSecretRemoval -VaultName kv-demo -Name $Name -WhatIf
        (Get-KvSecret -VaultName kv-demo -InRemovedState).Name | Should -Contain $Name
    }

    It 'takes deleted secrets from the pipeline' {
        Get-KvSecret -VaultName kv-demo -InRemovedState | Where-Object Name -eq $Name | Undo-KvSecretRemoval | Out-Null
        Get-KvSecret -VaultName kv-demo -Name $Name -AsPlainText | Should -BeExactly 'back again'
    }
}
