# Connect-KvIdentity on the emulator: choosing a user-assigned identity for the session.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:ScriptsIdentity = "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts"
}


Describe 'Connect-KvIdentity' {
    AfterEach { Use-KvTestVm }

    It 'describes the system-assigned identity without parameters' {
        $who = Connect-KvIdentity
        $who.PSObject.TypeNames | Should -Contain 'KvMi.Identity'
        $who.ObjectId | Should -Be $Manifest.vm.principalId
        $who.TenantId | Should -Be $Manifest.tenantId
        ($who | Out-String) | Should -Not -Match 'eyJ'
    }

    It 'makes later cmdlets use the user-assigned identity chosen by -ResourceId' {
        $who = Connect-KvIdentity -ResourceId $ScriptsIdentity
        $who.ObjectId | Should -Not -Be $Manifest.vm.principalId
        (Get-KvAccessToken).UserId | Should -Be $who.ObjectId
        { Get-KvSecret -VaultName kv-demo -Name secret-for-vm } | Should -Throw -ErrorId 'ForbiddenByRbac,Get-KvSecret'
    }

    It 'selects the same identity by -ClientId' {
        $byResource = Connect-KvIdentity -ResourceId $ScriptsIdentity
        (Connect-KvIdentity -ClientId $byResource.ClientId).ObjectId | Should -Be $byResource.ObjectId
    }

    It 'refuses an unknown identity with AuthenticationError and keeps the previous choice' {
        $before = Connect-KvIdentity -ResourceId $ScriptsIdentity
        try { Connect-KvIdentity -ClientId '00000000-0000-0000-0000-000000000000'; throw 'expected an error' }
        catch {
            $_.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $_.FullyQualifiedErrorId | Should -Match ',Connect-KvIdentity$'
        }
        (Get-KvAccessToken).UserId | Should -Be $before.ObjectId
    }

    It 'validates -ClientId as a GUID before calling kvmi' {
        { Connect-KvIdentity -ClientId 'not-a-guid' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Connect-KvIdentity'
    }
}
