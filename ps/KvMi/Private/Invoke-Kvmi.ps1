function Invoke-Kvmi {
    <#
    .SYNOPSIS
    Runs one kvmi command for a cmdlet and returns its output, or raises its failure as the
    cmdlet's own error.

    .DESCRIPTION
    Adds --output and the identity chosen with Connect-KvIdentity, forwards kvmi's verbose lines to
    Write-Verbose, and returns stdout (parsed from JSON unless -Output raw). A failure becomes an
    ErrorRecord of the calling cmdlet (ErrorId 'Code,Cmdlet-Name', hint as RecommendedAction, kvmi
    options reworded as the cmdlet's parameters). A failure that concerns one item (not found,
    disabled, deleted, a certificate without an exportable key or still pending) is written with WriteError and $null returned, so a pipeline goes on with the
    next item; anything else (kvmi missing, authentication, permission, network, usage) ends the
    cmdlet with ThrowTerminatingError.
    #>
    [CmdletBinding()]
    [OutputType([psobject], [string])]
    param(
        [Parameter(Mandatory = $true)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory = $true)][AllowEmptyString()][string[]]$Arguments,
        [AllowNull()][string]$InputText,
        [ValidateSet('json', 'raw')][string]$Output = 'json',
        [object]$TargetObject,
        [hashtable]$ParameterMap = @{}
    )

    $all = New-Object System.Collections.Generic.List[string]
    foreach ($a in $Arguments) { $all.Add($a) }
    $all.Add('--output')
    $all.Add($Output)
    foreach ($a in (Get-KvIdentityArgument)) { $all.Add($a) }
    $verbose = $Cmdlet.MyInvocation.BoundParameters.ContainsKey('Verbose') -or ($VerbosePreference -ne 'SilentlyContinue')
    if ($verbose) { $all.Add('--verbose') }

    $result = Invoke-KvmiProcess -Arguments $all.ToArray() -InputText $InputText
    if ($null -ne $result.ErrorRecord) { $Cmdlet.ThrowTerminatingError($result.ErrorRecord) }
    $errorLines = New-Object System.Collections.Generic.List[string]
    foreach ($line in ($result.StdErr -split "`r?`n")) {
        if ($line -match '^kvmi: verbose: ') { Write-Verbose -Message $line.Substring(15) }
        elseif ($line.Trim()) { $errorLines.Add($line) }
    }
    if ($result.ExitCode -eq 0) {
        if ($Output -eq 'raw') { return $result.StdOut }
        if (-not $result.StdOut.Trim()) { return $null }
        return (ConvertFrom-KvJson -Json $result.StdOut)
    }

    $text = $errorLines -join "`n"
    $code = ''
    $message = $text.Trim()
    $hint = ''
    $status = 0
    try { $errorJson = $text | ConvertFrom-Json } catch { $errorJson = $null }
    if ($null -ne $errorJson -and $null -ne $errorJson.PSObject.Properties['error']) {
        $e = $errorJson.error
        $code = [string]$e.code
        $message = [string]$e.message
        if ($null -ne $e.PSObject.Properties['hint']) { $hint = [string]$e.hint }
        if ($null -ne $e.PSObject.Properties['status']) { $status = [int]$e.status }
    }
    $message = ConvertTo-KvPowerShellText -Text $message -ParameterMap $ParameterMap
    $hint = ConvertTo-KvPowerShellText -Text $hint -ParameterMap $ParameterMap
    $record = New-KvErrorRecord -ExitCode $result.ExitCode -Code $code -Message $message -Hint $hint -Status $status -TargetObject $TargetObject
    $perItem = ($result.ExitCode -eq 5) -or ($code -in @('SecretDisabled', 'KeyDisabled', 'ObjectIsDeletedButRecoverable', 'Conflict', 'KeyNotExportable', 'CertificatePending'))
    if ($perItem) {
        $Cmdlet.WriteError($record)
        return $null
    }
    $Cmdlet.ThrowTerminatingError($record)
}
