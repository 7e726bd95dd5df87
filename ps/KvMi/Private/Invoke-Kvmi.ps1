function Invoke-Kvmi {
    <#
    .SYNOPSIS
    Runs a kvmi command with --output json and the session's identity selection, turns a
    failure into a terminating ErrorRecord of the calling cmdlet, and returns stdout.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)][System.Management.Automation.PSCmdlet]$Cmdlet,
        [Parameter(Mandatory = $true)][string[]]$Arguments,
        [AllowNull()][string]$InputText,
        [string]$Output = 'json',
        [object]$TargetObject
    )

    $all = New-Object System.Collections.Generic.List[string]
    foreach ($a in $Arguments) { $all.Add($a) }
    $all.Add('--output')
    $all.Add($Output)
    foreach ($a in (Get-KvIdentityArgument)) { $all.Add($a) }
    $verbose = $Cmdlet.MyInvocation.BoundParameters.ContainsKey('Verbose') -or ($VerbosePreference -ne 'SilentlyContinue')
    if ($verbose) { $all.Add('--verbose') }

    $result = Invoke-KvmiProcess -Arguments $all.ToArray() -InputText $InputText
    $errorJson = $null
    foreach ($line in ($result.StdErr -split "`r?`n")) {
        if ($line -match '^kvmi: verbose: ') { Write-Verbose -Message $line.Substring(15) }
    }
    if ($result.ExitCode -ne 0) {
        $text = ($result.StdErr -split "`r?`n" | Where-Object { $_ -notmatch '^kvmi: verbose: ' }) -join "`n"
        try { $errorJson = $text | ConvertFrom-Json } catch { $errorJson = $null }
        if ($null -ne $errorJson -and $null -ne $errorJson.PSObject.Properties['error']) {
            $e = $errorJson.error
            $record = New-KvErrorRecord -ExitCode $result.ExitCode -Code ([string]$e.code) -Message ([string]$e.message) -Hint ([string]$e.hint) -TargetObject $TargetObject
        }
        else {
            $record = New-KvErrorRecord -ExitCode $result.ExitCode -Code '' -Message $text.Trim() -TargetObject $TargetObject
        }
        $Cmdlet.ThrowTerminatingError($record)
    }
    return $result.StdOut
}
