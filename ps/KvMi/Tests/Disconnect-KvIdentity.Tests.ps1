# Disconnect-KvIdentity: back to the default identity, nothing written anywhere.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Disconnect-KvIdentity' {
    It 'returns the session to the system-assigned identity' {
        $scripts = Connect-KvIdentity -ResourceId "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts"
        (Get-KvAccessToken).UserId | Should -Be $scripts.ObjectId
        Disconnect-KvIdentity | Should -BeNullOrEmpty
        (Get-KvAccessToken).UserId | Should -Be $Manifest.vm.principalId
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Should -BeExactly 'this-is-test-secret'
    }

    It 'keeps the choice to this session: a new session uses the default identity' {
        Connect-KvIdentity -ResourceId "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts" | Out-Null
        $child = Invoke-KvTestChildPwsh -Command '(Get-KvAccessToken).UserId'
        $child.Output.Trim() | Should -Be $Manifest.vm.principalId
        Disconnect-KvIdentity
    }
}
