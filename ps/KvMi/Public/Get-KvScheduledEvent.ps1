function Get-KvScheduledEvent {
    <#
    .SYNOPSIS
    Gets this VM's scheduled maintenance events from IMDS; -Approve starts one early.

    .PARAMETER Approve
    The EventId to approve (start now).

    .EXAMPLE
    Get-KvScheduledEvent

    .EXAMPLE
    Get-KvScheduledEvent | Where-Object EventType -eq 'Reboot' | ForEach-Object { Get-KvScheduledEvent -Approve $_.EventId }

    .OUTPUTS
    KvMi.ScheduledEvent
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('KvMi.ScheduledEvent')]
    param([string]$Approve)

    $arguments = @('imds', 'scheduled-events')
    if ($Approve) {
        if (-not $PSCmdlet.ShouldProcess($Approve, 'Approve scheduled event')) { return }
        $arguments += @('--approve', $Approve)
    }
    $document = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments | ConvertFrom-Json
    foreach ($e in $document.Events) {
        [pscustomobject]@{
            PSTypeName          = 'KvMi.ScheduledEvent'
            EventId             = $e.EventId
            EventType           = $e.EventType
            EventStatus         = $e.EventStatus
            NotBefore           = $e.NotBefore
            Resources           = $e.Resources
            Description         = $e.Description
            EventSource         = $e.EventSource
            DurationInSeconds   = $e.DurationInSeconds
            DocumentIncarnation = $document.DocumentIncarnation
        }
    }
}
