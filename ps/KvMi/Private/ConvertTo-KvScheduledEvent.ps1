function ConvertTo-KvScheduledEvent {
    <#
    .SYNOPSIS
    Turns one event of an IMDS Scheduled Events document into a KvMi.ScheduledEvent.
    #>
    [CmdletBinding()]
    [OutputType('KvMi.ScheduledEvent')]
    param(
        [Parameter(Mandatory = $true)][psobject]$ScheduledEvent,
        [AllowNull()][object]$DocumentIncarnation
    )

    [pscustomobject]@{
        PSTypeName          = 'KvMi.ScheduledEvent'
        EventId             = $ScheduledEvent.EventId
        EventType           = $ScheduledEvent.EventType
        EventStatus         = $ScheduledEvent.EventStatus
        NotBefore           = $ScheduledEvent.NotBefore
        Resources           = $ScheduledEvent.Resources
        Description         = $ScheduledEvent.Description
        EventSource         = $ScheduledEvent.EventSource
        DurationInSeconds   = $ScheduledEvent.DurationInSeconds
        DocumentIncarnation = $DocumentIncarnation
    }
}
