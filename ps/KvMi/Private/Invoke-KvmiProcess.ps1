function Invoke-KvmiProcess {
    <#
    .SYNOPSIS
    Runs kvmi with System.Diagnostics.Process: arguments escaped for both editions, optional
    standard input (how secrets travel: never on the command line), stdout and stderr read as
    UTF-8 whatever the console code page, stderr read asynchronously so neither pipe can fill up.
    .OUTPUTS
    A hashtable with ExitCode, StdOut and StdErr.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory = $true)][AllowEmptyCollection()][string[]]$Arguments,
        [AllowNull()][string]$InputText,
        [int]$TimeoutSeconds = 600
    )

    $command = Resolve-KvmiCommand
    if ($null -eq $command) {
        $exception = New-Object System.IO.FileNotFoundException -ArgumentList 'The kvmi executable was not found next to the module (bin\kvmi.exe) and KVMI_PATH is not set.'
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'KvmiNotFound', ([System.Management.Automation.ErrorCategory]::NotInstalled), $null
        throw $record
    }
    $all = @($command.PrefixArguments) + @($Arguments)
    $utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false
    $psi = New-Object System.Diagnostics.ProcessStartInfo
    $psi.FileName = $command.FilePath
    $psi.UseShellExecute = $false
    $psi.CreateNoWindow = $true
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.StandardOutputEncoding = $utf8
    $psi.StandardErrorEncoding = $utf8
    $argumentList = $psi.PSObject.Properties['ArgumentList']
    if ($null -ne $argumentList) {
        foreach ($a in $all) { $psi.ArgumentList.Add($a) }
    }
    else {
        $psi.Arguments = ConvertTo-KvArgumentString -Arguments $all
    }
    Write-Verbose -Message ("kvmi " + (($Arguments | Where-Object { $_ -ne '--verbose' }) -join ' '))

    $process = New-Object System.Diagnostics.Process
    $process.StartInfo = $psi
    try {
        [void]$process.Start()
    }
    catch {
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $_.Exception, 'KvmiStartFailed', ([System.Management.Automation.ErrorCategory]::NotInstalled), $command.FilePath
        throw $record
    }
    $stderrTask = $process.StandardError.ReadToEndAsync()
    $stdoutTask = $process.StandardOutput.ReadToEndAsync()
    if ($null -ne $InputText) {
        $bytes = $utf8.GetBytes($InputText)
        $process.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
        $process.StandardInput.BaseStream.Flush()
    }
    $process.StandardInput.Close()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        try { $process.Kill() } catch { Write-Verbose -Message 'kvmi had already exited.' }
        $exception = New-Object System.TimeoutException -ArgumentList "kvmi did not finish within $TimeoutSeconds seconds."
        $record = New-Object System.Management.Automation.ErrorRecord -ArgumentList $exception, 'KvmiTimeout', ([System.Management.Automation.ErrorCategory]::OperationTimeout), $null
        throw $record
    }
    $process.WaitForExit()
    $result = @{ ExitCode = $process.ExitCode; StdOut = $stdoutTask.Result; StdErr = $stderrTask.Result }
    $process.Dispose()
    return $result
}
