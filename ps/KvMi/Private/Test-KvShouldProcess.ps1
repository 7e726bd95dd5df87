function Test-KvShouldProcess {
    <#
    .SYNOPSIS
    $Cmdlet.ShouldProcess, made safe for hosts that cannot ask.

    .DESCRIPTION
    Where confirmation is needed but the host cannot prompt (pwsh -NonInteractive, as Task
    Scheduler runs scripts), ShouldProcess throws; in an 'if' that exception ends only the 'if'
    statement and the cmdlet would go on to do what it was meant to ask about. Here it ends the
    cmdlet with a terminating ConfirmationRequired error that says how to proceed.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory = $true)][string]$Target,
        [Parameter(Mandatory = $true)][string]$Action
    )

    try {
        return $Cmdlet.ShouldProcess($Target, $Action)
    }
    catch {
        $skip = '-Confirm:$false'
        if ($Cmdlet.MyInvocation.MyCommand.Parameters.ContainsKey('Force')) { $skip = '-Force (or -Confirm:$false)' }
        $message = "'$Action' on '$Target' needs confirmation, and this PowerShell host cannot ask for it: $($_.Exception.InnerException.Message)"
        $exception = New-Object System.InvalidOperationException -ArgumentList $message
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'ConfirmationRequired', ([System.Management.Automation.ErrorCategory]::InvalidOperation), $Target
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $message
        $record.ErrorDetails.RecommendedAction = "In unattended scripts add $skip; use -WhatIf to see what would be done."
        $Cmdlet.ThrowTerminatingError($record)
    }
}
