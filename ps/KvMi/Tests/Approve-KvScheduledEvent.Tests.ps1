# Approve-KvScheduledEvent on the emulator's IMDS Scheduled Events.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    function New-KvTestEvent { Invoke-RestMethod -Method Post -Uri "$($Manifest.imdsEndpoint)/emulator/scheduled-events" -Body '{"EventType":"Reboot"}' }
}

Describe 'Approve-KvScheduledEvent' {
    It 'starts the event with -Force and returns it as Started' {
        $e = New-KvTestEvent
        $approved = Approve-KvScheduledEvent -EventId $e.EventId -Force
        $approved.EventId | Should -Be $e.EventId
        $approved.EventStatus | Should -Be 'Started'
    }

    It 'approves nothing with -WhatIf' {
        $e = New-KvTestEvent
        Approve-KvScheduledEvent -EventId $e.EventId -WhatIf | Should -BeNullOrEmpty
        (Get-KvScheduledEvent -EventId $e.EventId).EventStatus | Should -Be 'Scheduled'
    }

    It 'takes events from Get-KvScheduledEvent through the pipeline' {
        $e = New-KvTestEvent
        Get-KvScheduledEvent -EventId $e.EventId | Approve-KvScheduledEvent -Confirm:$false | Out-Null
        (Get-KvScheduledEvent -EventId $e.EventId).EventStatus | Should -Be 'Started'
    }

    It 'asks for confirmation, so a -NonInteractive host refuses without -Force and the event stays scheduled' {
        $e = New-KvTestEvent
        $child = Invoke-KvTestChildPwsh -Command "Approve-KvScheduledEvent -EventId $($e.EventId)"
        $child.Output | Should -Match 'needs confirmation'
        (Get-KvScheduledEvent -EventId $e.EventId).EventStatus | Should -Be 'Scheduled'
    }
}
