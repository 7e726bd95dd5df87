function Approve-KvScheduledEvent {
    <#
    .SYNOPSIS
    Approves a scheduled maintenance event, so that Azure starts it now instead of at NotBefore.

    .DESCRIPTION
    Posts a StartRequest for the event to IMDS Scheduled Events, as a VM does once its workload is
    ready (drained, checkpointed). A Reboot or Redeploy then starts at once: this asks for
    confirmation unless -Force or -Confirm:$false is given, and -WhatIf shows what would be
    approved. Takes EventId from the pipeline by property name, so the output of
    Get-KvScheduledEvent can be piped in. Returns the events as they stand after the approval.

    .PARAMETER EventId
    The id of the event to approve.

    .PARAMETER Force
    Do not ask for confirmation (for scheduled tasks).

    .EXAMPLE
    Approve-KvScheduledEvent -EventId 602d9444-d2cd-49c7-8624-8643e7171297 -Force

    .EXAMPLE
    Get-KvScheduledEvent | Where-Object EventType -eq 'Freeze' | Approve-KvScheduledEvent -Confirm:$false

    .OUTPUTS
    KvMi.ScheduledEvent
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('KvMi.ScheduledEvent')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$EventId,
        [switch]$Force
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target $EventId -Action 'Approve scheduled event (start it now)')) { return }
        $document = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('imds', 'scheduled-events', '--approve', $EventId) -TargetObject $EventId
        if ($null -eq $document) { return }
        foreach ($e in $document.Events) {
            if ($e.EventId -eq $EventId) { ConvertTo-KvScheduledEvent -ScheduledEvent $e -DocumentIncarnation $document.DocumentIncarnation }
        }
    }
}
