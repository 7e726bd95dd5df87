# Get-KvImdsInstance on the emulator's IMDS.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-KvImdsInstance' {
    It 'returns the whole document as a KvMi.ImdsInstance' {
        $i = Get-KvImdsInstance
        $i.PSObject.TypeNames[0] | Should -Be 'KvMi.ImdsInstance'
        $i.compute.name | Should -Be 'vm-demo'
        $i.compute.subscriptionId | Should -Be $Manifest.subscriptionId
        $i.network | Should -Not -BeNullOrEmpty
    }

    It 'shows the facts admins look for, not a truncated @{...} column' {
        $text = Get-KvImdsInstance | Out-String
        $text | Should -Match 'Name\s+:\s+vm-demo'
        $text | Should -Match "SubscriptionId\s+:\s+$($Manifest.subscriptionId)"
        $text | Should -Match 'ResourceGroupName\s+:\s+rg-demo'
        $text | Should -Not -Match '@\{'
    }

    It 'returns one leaf as a string with -Path' {
        $vmId = Get-KvImdsInstance -Path compute/vmId
        $vmId | Should -BeOfType [string]
        $vmId | Should -Be (Get-KvImdsInstance).compute.vmId
    }

    It 'rejects a path that is not a metadata path before calling kvmi' {
        { Get-KvImdsInstance -Path '../etc' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Get-KvImdsInstance'
    }

    It 'reports a node that does not exist as a usage error naming -Path' {
        try { Get-KvImdsInstance -Path compute/nothing; throw 'expected an error' }
        catch {
            $_.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $_.Exception.Message | Should -Match 'compute/nothing'
        }
    }
}
