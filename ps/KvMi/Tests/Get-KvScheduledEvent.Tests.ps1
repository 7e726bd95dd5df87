# Get-KvScheduledEvent on the emulator's IMDS Scheduled Events.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Get-KvScheduledEvent' {
    It 'returns the scheduled events with their type, status and start time' {
        $scheduled = Invoke-RestMethod -Method Post -Uri "$($Manifest.imdsEndpoint)/emulator/scheduled-events" -Body '{"EventType":"Freeze","DurationInSeconds":5}'
        $events = @(Get-KvScheduledEvent)
        $mine = $events | Where-Object EventId -eq $scheduled.EventId
        $mine.PSObject.TypeNames | Should -Contain 'KvMi.ScheduledEvent'
        $mine.EventType | Should -Be 'Freeze'
        $mine.EventStatus | Should -Be 'Scheduled'
        $mine.NotBefore | Should -Not -BeNullOrEmpty
        $mine.Resources | Should -Contain 'vm-demo'
        $mine.DocumentIncarnation | Should -BeGreaterThan 0
    }

    It 'filters by -EventId and changes nothing (a Get is read-only)' {
        $scheduled = Invoke-RestMethod -Method Post -Uri "$($Manifest.imdsEndpoint)/emulator/scheduled-events" -Body '{"EventType":"Reboot"}'
        $one = @(Get-KvScheduledEvent -EventId $scheduled.EventId)
        $one.Count | Should -Be 1
        $one[0].EventStatus | Should -Be 'Scheduled'
        (Get-Command Get-KvScheduledEvent).Parameters.Keys | Should -Not -Contain 'Approve'
    }
}
