function Get-KvImdsInstance {
    <#
    .SYNOPSIS
    Gets this VM's instance metadata from IMDS.

    .PARAMETER Path
    One node, such as compute or compute/subscriptionId.

    .EXAMPLE
    (Get-KvImdsInstance).compute.subscriptionId

    .EXAMPLE
    Get-KvImdsInstance -Path compute/vmId
    #>
    [CmdletBinding()]
    [OutputType([psobject], [string])]
    param([ValidatePattern('^[A-Za-z0-9/]+$')][string]$Path)

    $arguments = @('imds', 'instance')
    if ($Path) { $arguments += @('--path', $Path) }
    Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments | ConvertFrom-Json
}
