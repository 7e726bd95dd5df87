function Invoke-KvmiProcess {
    <#
    .SYNOPSIS
    Runs kvmi with System.Diagnostics.Process and returns what it did.

    .DESCRIPTION
    Arguments are passed one by one (ArgumentList on PowerShell 7, a command line quoted for
    CommandLineToArgvW on Windows PowerShell 5.1). Standard input carries secrets (never the command
    line), written as UTF-8 without a byte-order mark and then closed; stdout and stderr are read as
    UTF-8 whatever the console code page, stderr asynchronously so neither pipe can fill up. The wait
    is bounded. With -Console nothing is redirected: kvmi (and the program 'kvmi run' starts) share
    PowerShell's console, and the wait lasts as long as the program runs. Nothing is thrown: a
    failure to find, start or finish kvmi comes back as an ErrorRecord for the calling cmdlet to raise.

    .OUTPUTS
    A hashtable with ExitCode, StdOut and StdErr (ExitCode only with -Console), or with ErrorRecord.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)][AllowEmptyCollection()][AllowEmptyString()][string[]]$Arguments,
        [AllowNull()][string]$InputText,
        [int]$TimeoutSeconds = 600,
        [switch]$Console
    )

    $command = Resolve-KvmiCommand
    if ($null -ne $command.ErrorMessage) {
        $exception = New-Object System.IO.FileNotFoundException -ArgumentList $command.ErrorMessage
        return @{ ErrorRecord = (New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'KvmiNotFound', ([System.Management.Automation.ErrorCategory]::NotInstalled), $command.FilePath) }
    }
    $all = @($command.PrefixArguments) + @($Arguments)
    $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $command.FilePath
    $psi.UseShellExecute = $false
    if (-not $Console) {
        $psi.CreateNoWindow = $true
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.StandardOutputEncoding = $utf8
        $psi.StandardErrorEncoding = $utf8
        $psi.EnvironmentVariables['KVMI_ERROR_FORMAT'] = 'json'
    }
    if ($null -ne $psi.PSObject.Properties['ArgumentList']) {
        foreach ($a in $all) { $psi.ArgumentList.Add($a) }
    }
    else {
        $psi.Arguments = ConvertTo-KvArgumentString -Arguments $all
    }
    Write-Verbose -Message ('kvmi ' + (($Arguments | Where-Object { $_ -ne '--verbose' }) -join ' '))

    $process = New-Object System.Diagnostics.Process
    $process.StartInfo = $psi
    try {
        [void]$process.Start()
    }
    catch {
        $exception = New-Object System.InvalidOperationException -ArgumentList ("kvmi could not be started from '{0}': {1}" -f $command.FilePath, $_.Exception.Message)
        return @{ ErrorRecord = (New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'KvmiStartFailed', ([System.Management.Automation.ErrorCategory]::NotInstalled), $command.FilePath) }
    }
    if ($Console) {
        try {
            $process.WaitForExit()
            return @{ ExitCode = $process.ExitCode }
        }
        finally {
            $process.Dispose()
        }
    }
    try {
        $stderrTask = $process.StandardError.ReadToEndAsync()
        $stdoutTask = $process.StandardOutput.ReadToEndAsync()
        try {
            if ($null -ne $InputText) {
                $bytes = $utf8.GetBytes($InputText)
                $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
                $process.StandardInput.BaseStream.Flush()
            }
            $process.StandardInput.Close()
        }
        catch [System.IO.IOException] {
            Write-Verbose -Message 'kvmi closed its standard input early.'
        }
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            try { $process.Kill() } catch { Write-Verbose -Message 'kvmi had already exited.' }
            $exception = New-Object System.TimeoutException -ArgumentList "kvmi did not finish within $TimeoutSeconds seconds and was stopped."
            return @{ ErrorRecord = (New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'KvmiTimeout', ([System.Management.Automation.ErrorCategory]::OperationTimeout), $null) }
        }
        $process.WaitForExit()
        return @{ ExitCode = $process.ExitCode; StdOut = $stdoutTask.Result; StdErr = $stderrTask.Result }
    }
    finally {
        $process.Dispose()
    }
}
