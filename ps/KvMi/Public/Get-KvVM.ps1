function Get-KvVM {
    <#
    .SYNOPSIS
    Lists or gets virtual machines with the managed identity, like Get-AzVM.

    .DESCRIPTION
    Without parameters, lists the VMs of this VM's own resource group (subscription and resource
    group come from instance metadata). Reader on the resource group is enough. -Name gets one VM;
    ResourceGroupName and Name bind from the pipeline by property name, and a VM that does not
    exist is a non-terminating error.

    .PARAMETER ResourceGroupName
    The resource group (default: this VM's own).

    .PARAMETER Name
    One VM's name.

    .PARAMETER SubscriptionId
    The subscription (default: this VM's own).

    .EXAMPLE
    Get-KvVM

    .EXAMPLE
    Get-KvVM -ResourceGroupName rg-demo -Name vm-app-01

    .OUTPUTS
    KvMi.VM
    #>
    [CmdletBinding()]
    [OutputType('KvMi.VM')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)][string]$ResourceGroupName,
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = $true)][string]$Name,
        [string]$SubscriptionId
    )

    process {
        $arguments = @('vm', 'list')
        if ($Name) { $arguments = @('vm', 'show', '--name', $Name) }
        if ($ResourceGroupName) { $arguments += @('--resource-group', $ResourceGroupName) }
        if ($SubscriptionId) { $arguments += @('--subscription', $SubscriptionId) }
        $vms = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name -ParameterMap @{ '--resource-group' = '-ResourceGroupName'; '--subscription' = '-SubscriptionId'; '--name' = '-Name' }
        foreach ($vm in $vms) {
            $group = $null
            if ([string]$vm.id -match '/resourceGroups/([^/]+)/') { $group = $Matches[1] }
            $identity = $null
            if ($null -ne $vm.PSObject.Properties['identity']) { $identity = $vm.identity }
            [pscustomobject]@{
                PSTypeName        = 'KvMi.VM'
                Name              = $vm.name
                ResourceGroupName = $group
                Location          = $vm.location
                VmSize            = $vm.properties.hardwareProfile.vmSize
                OsType            = $vm.properties.storageProfile.osDisk.osType
                ProvisioningState = $vm.properties.provisioningState
                VmId              = $vm.properties.vmId
                Id                = $vm.id
                Identity          = $identity
                Tags              = $vm.tags
            }
        }
    }
}
