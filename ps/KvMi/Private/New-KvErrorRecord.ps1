function New-KvErrorRecord {
    <#
    .SYNOPSIS
    Builds the ErrorRecord for a kvmi failure.

    .DESCRIPTION
    The error code becomes the ErrorId (PowerShell appends the cmdlet name), the exit code and HTTP
    status pick the category (2 InvalidArgument, 3 AuthenticationError, 4 PermissionDenied,
    5 ObjectNotFound, 6 ResourceUnavailable or, for 429, LimitsExceeded), the message is the
    exception's text (once) and the hint becomes ErrorDetails.RecommendedAction.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)][int]$ExitCode,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string]$Code,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string]$Message,
        [AllowEmptyString()][string]$Hint,
        [int]$Status = 0,
        [object]$TargetObject
    )

    $category = switch ($ExitCode) {
        2 { [System.Management.Automation.ErrorCategory]::InvalidArgument }
        3 { [System.Management.Automation.ErrorCategory]::AuthenticationError }
        4 { [System.Management.Automation.ErrorCategory]::PermissionDenied }
        5 { [System.Management.Automation.ErrorCategory]::ObjectNotFound }
        6 { [System.Management.Automation.ErrorCategory]::ResourceUnavailable }
        default { [System.Management.Automation.ErrorCategory]::InvalidResult }
    }
    if ($Status -eq 429) { $category = [System.Management.Automation.ErrorCategory]::LimitsExceeded }
    if (-not $Code) { $Code = "KvmiExit$ExitCode" }
    if (-not $Message) { $Message = "kvmi failed with exit code $ExitCode." }
    $exception = New-Object System.InvalidOperationException -ArgumentList $Message
    $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, $Code, $category, $TargetObject
    if ($Hint) {
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $Message
        $record.ErrorDetails.RecommendedAction = $Hint
    }
    return $record
}
