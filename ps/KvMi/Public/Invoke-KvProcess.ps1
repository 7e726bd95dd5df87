function Invoke-KvProcess {
    <#
    .SYNOPSIS
    Starts a program with Key Vault secrets in its environment, never on its command line (kvmi run).

    .DESCRIPTION
    Wraps 'kvmi run': every secret reference in -Environment is resolved with the machine's managed
    identity (or the identity chosen with Connect-KvIdentity) before the program starts, and the
    values are given to the program as environment variables only: they never pass through
    PowerShell, a command line (so never a 4688 process-creation event) or a file. If one reference
    fails, nothing starts.

    The program shares this console: its standard input, output and error are PowerShell's own
    (as with Start-Process -NoNewWindow -Wait), so its output is not returned to the pipeline. kvmi
    starts it directly (CreateProcessW on Windows), not through cmd.exe; to run a script give its
    interpreter (powershell.exe -File job.ps1, cmd.exe /c job.cmd).

    References: kv://VAULT/SECRET[/VERSION], @Microsoft.KeyVault(SecretUri=...) or
    @Microsoft.KeyVault(VaultName=...;SecretName=...[;SecretVersion=...]).

    A non-zero exit code is a non-terminating error (ErrorId ProcessExitCode); with -PassThru a
    KvMi.ProcessResult with the ExitCode is returned instead. kvmi's own failures (a bad
    reference, a missing secret, a missing role) are printed by kvmi on the console and exit with
    kvmi's codes (2 usage, 3 authentication, 4 forbidden, 5 not found, 6 unavailable), which a
    program may also use: the message on the console says which it was.

    .PARAMETER FilePath
    The program to start: a path, or a name found on PATH.

    .PARAMETER ArgumentList
    The program's arguments, passed one by one exactly as given (no secrets here: they would be on
    its command line).

    .PARAMETER Environment
    Environment variable names and the secret reference each one gets, e.g.
    @{ DB_PASSWORD = 'kv://kv-demo/db-password' }.

    .PARAMETER PassThru
    Return a KvMi.ProcessResult (FilePath, ExitCode) instead of raising an error for a non-zero exit code.

    .EXAMPLE
    Invoke-KvProcess -FilePath C:\LegacyApp\app.exe -ArgumentList '/config', 'app.ini' -Environment @{ DB_PASSWORD = 'kv://kv-demo/db-password' }

    Starts app.exe with DB_PASSWORD set to the secret's value in its environment only.

    .EXAMPLE
    $r = Invoke-KvProcess -FilePath sqlcmd.exe -ArgumentList '-S', 'db01', '-i', 'job.sql' -Environment @{ SQLCMDPASSWORD = '@Microsoft.KeyVault(VaultName=kv-demo;SecretName=sql-password)' } -PassThru
    if ($r.ExitCode -ne 0) { throw "sqlcmd failed: $($r.ExitCode)" }

    .EXAMPLE
    Invoke-KvProcess -FilePath powershell.exe -ArgumentList '-File', 'C:\jobs\sync.ps1' -Environment @{ API_KEY = 'kv://kv-demo/api-key' } -WhatIf

    Shows what would be started, resolving nothing.

    .OUTPUTS
    None, or KvMi.ProcessResult with -PassThru.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('KvMi.ProcessResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string]$FilePath,

        [Parameter(Position = 1)]
        [AllowEmptyString()]
        [string[]]$ArgumentList = @(),

        [Parameter(Mandatory = $true)]
        [ValidateNotNull()]
        [hashtable]$Environment,

        [switch]$PassThru
    )

    $names = @($Environment.Keys | ForEach-Object { [string]$_ } | Sort-Object)
    if ($names.Count -eq 0) {
        $exception = New-Object System.ArgumentException -ArgumentList 'Environment names no variable: give at least one NAME = ''kv://VAULT/SECRET''.'
        $PSCmdlet.ThrowTerminatingError((New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'NoEnvironment', ([System.Management.Automation.ErrorCategory]::InvalidArgument), $Environment))
    }
    $target = "$FilePath with $($names -join ', ') from Key Vault"
    if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target $target -Action 'Start program')) { return }

    $arguments = New-Object System.Collections.Generic.List[string]
    $arguments.Add('run')
    foreach ($name in $names) {
        $arguments.Add('--env')
        $arguments.Add(('{0}={1}' -f $name, [string]$Environment[$name]))
    }
    foreach ($a in (Get-KvIdentityArgument)) { $arguments.Add($a) }
    if ($PSCmdlet.MyInvocation.BoundParameters.ContainsKey('Verbose') -or ($VerbosePreference -ne 'SilentlyContinue')) { $arguments.Add('--verbose') }
    $arguments.Add('--')
    $arguments.Add($FilePath)
    foreach ($a in $ArgumentList) { $arguments.Add($a) }

    $result = Invoke-KvmiProcess -Arguments $arguments.ToArray() -Console
    if ($null -ne $result.ErrorRecord) { $PSCmdlet.ThrowTerminatingError($result.ErrorRecord) }
    $exitCode = $result.ExitCode
    if ($PassThru) {
        return [pscustomobject]@{ PSTypeName = 'KvMi.ProcessResult'; FilePath = $FilePath; ExitCode = $exitCode }
    }
    if ($exitCode -ne 0) {
        $exception = New-Object System.InvalidOperationException -ArgumentList ("'{0}' (through kvmi run) exited with code {1}." -f $FilePath, $exitCode)
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'ProcessExitCode', ([System.Management.Automation.ErrorCategory]::InvalidResult), $FilePath
        $PSCmdlet.WriteError($record)
    }
}
