function Get-KvScheduledEvent {
    <#
    .SYNOPSIS
    Gets this VM's scheduled maintenance events from IMDS.

    .DESCRIPTION
    Reads the Scheduled Events endpoint of the Azure Instance Metadata Service: reboots, redeploys,
    freezes, preemptions and terminations that Azure plans for this VM, with their status and the
    earliest time they start (NotBefore). Read-only: to start an event early, pipe it to
    Approve-KvScheduledEvent.

    .PARAMETER EventId
    Only the event with this id.

    .EXAMPLE
    Get-KvScheduledEvent

    .EXAMPLE
    Get-KvScheduledEvent | Where-Object EventType -eq 'Reboot' | Approve-KvScheduledEvent -Force

    .OUTPUTS
    KvMi.ScheduledEvent
    #>
    [CmdletBinding()]
    [OutputType('KvMi.ScheduledEvent')]
    param([string]$EventId)

    $document = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('imds', 'scheduled-events')
    if ($null -eq $document) { return }
    foreach ($e in $document.Events) {
        if ($EventId -and $e.EventId -ne $EventId) { continue }
        ConvertTo-KvScheduledEvent -ScheduledEvent $e -DocumentIncarnation $document.DocumentIncarnation
    }
}
