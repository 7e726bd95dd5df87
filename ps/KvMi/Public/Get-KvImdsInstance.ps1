function Get-KvImdsInstance {
    <#
    .SYNOPSIS
    Gets this VM's instance metadata from IMDS.

    .DESCRIPTION
    Reads the Azure Instance Metadata Service (169.254.169.254, no token, never through a proxy)
    and returns the document as a KvMi.ImdsInstance whose compute and network properties hold the
    whole tree; the default view lists the facts admins look for (name, resource group,
    subscription, location, size, OS, vmId, cloud). -Path returns one node instead: a string for a
    leaf such as compute/vmId, an object for a branch.

    .PARAMETER Path
    One node, such as compute or compute/subscriptionId.

    .EXAMPLE
    Get-KvImdsInstance

    .EXAMPLE
    (Get-KvImdsInstance).compute.subscriptionId

    .EXAMPLE
    Get-KvImdsInstance -Path compute/vmId

    .OUTPUTS
    KvMi.ImdsInstance, System.String, System.Management.Automation.PSCustomObject
    #>
    [CmdletBinding()]
    [OutputType('KvMi.ImdsInstance', [string], [psobject])]
    param([ValidatePattern('^[A-Za-z0-9/]+$')][string]$Path)

    $arguments = @('imds', 'instance')
    if ($Path) { $arguments += @('--path', $Path) }
    $document = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Path -ParameterMap @{ '--path' = '-Path' }
    if ($null -eq $document) { return }
    if (-not $Path) { $document.PSObject.TypeNames.Insert(0, 'KvMi.ImdsInstance') }
    $document
}
