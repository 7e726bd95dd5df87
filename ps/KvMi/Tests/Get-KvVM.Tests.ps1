# Get-KvVM on the emulator: the second seed story (the VM lists its resource group's VMs).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-KvVM' {
    It 'lists the VMs of this VM''s own resource group, from instance metadata, as the VM identity (seed story)' {
        $vms = @(Get-KvVM)
        ($vms.Name | Sort-Object) | Should -Be @('vm-app-01', 'vm-demo')
        $vms[0].PSObject.TypeNames | Should -Contain 'KvMi.VM'
        ($vms | Where-Object Name -eq 'vm-demo').ResourceGroupName | Should -Be 'rg-demo'
        ($vms | Where-Object Name -eq 'vm-demo').VmId | Should -Match '^[0-9a-f-]{36}$'
    }

    It 'gets one VM by -ResourceGroupName and -Name' {
        $vm = Get-KvVM -ResourceGroupName rg-demo -Name vm-app-01
        $vm.Name | Should -Be 'vm-app-01'
        $vm.Id | Should -Match '/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-app-01$'
    }

    It 'takes ResourceGroupName and Name from the pipeline and goes on past a missing VM' {
        $found = @(
            [pscustomobject]@{ ResourceGroupName = 'rg-demo'; Name = 'vm-none' }
            [pscustomobject]@{ ResourceGroupName = 'rg-demo'; Name = 'vm-demo' }
        ) | Get-KvVM -ErrorVariable e -ErrorAction SilentlyContinue
        @($found).Name | Should -Be @('vm-demo')
        $e.Count | Should -Be 1
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows a table with name, group, location and size' {
        $text = Get-KvVM | Out-String
        $text | Should -Match 'vm-app-01'
        $text | Should -Match 'rg-demo'
    }
}
