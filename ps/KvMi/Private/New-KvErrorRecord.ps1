function New-KvErrorRecord {
    <#
    .SYNOPSIS
    Builds an ErrorRecord from a kvmi failure: the exit code picks the category (3
    AuthenticationError, 4 PermissionDenied, 5 ObjectNotFound, 6 ResourceUnavailable, 2
    InvalidArgument), the error code becomes the ErrorId, message and hint the text.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)][int]$ExitCode,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string]$Code,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string]$Message,
        [AllowEmptyString()][string]$Hint,
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
    if (-not $Code) { $Code = "KvmiExit$ExitCode" }
    $text = $Message
    if ($Hint) { $text = "$Message $Hint" }
    $exception = New-Object System.InvalidOperationException -ArgumentList $text
    $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, $Code, $category, $TargetObject
    if ($Hint) {
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails -ArgumentList $text
        $record.ErrorDetails.RecommendedAction = $Hint
    }
    return $record
}
