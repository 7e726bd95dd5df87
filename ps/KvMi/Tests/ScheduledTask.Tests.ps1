# The scheduled-task story, for real: the README's template (Examples/Invoke-KvSecretTask.ps1) run
# as Task Scheduler runs it, 'pwsh -NoProfile -NonInteractive -File task.ps1' with no standard
# input, against the emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Template = Join-Path (Split-Path $PSScriptRoot -Parent) 'Examples/Invoke-KvSecretTask.ps1'
    $script:LogDir = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-task-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $LogDir | Out-Null

    function Start-KvTestTask {
        # Starts the template the way Task Scheduler does; stdin is closed at once.
        param([string]$SecretName, [string]$Log)
        $psi = New-Object System.Diagnostics.ProcessStartInfo
        $psi.FileName = $env:KVMI_TEST_PWSH
        $arguments = @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $Template, '-VaultName', 'kv-demo', '-SecretName', $SecretName, '-LogPath', $Log)
        $psi.Arguments = InModuleScope KvMi { ConvertTo-KvArgumentString -Arguments $arguments } -Parameters @{ arguments = $arguments }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.EnvironmentVariables['PSModulePath'] = (Split-Path (Split-Path $PSScriptRoot -Parent) -Parent) + [System.IO.Path]::PathSeparator + $env:PSModulePath
        $process = [System.Diagnostics.Process]::Start($psi)
        $process.StandardInput.Close()
        return [pscustomobject]@{ Process = $process; StdOut = $process.StandardOutput.ReadToEndAsync(); StdErr = $process.StandardError.ReadToEndAsync(); Log = $Log }
    }

    function Wait-KvTestTask {
        param($Task)
        if (-not $Task.Process.WaitForExit(120000)) { $Task.Process.Kill(); throw 'The task did not finish within 120 seconds.' }
        $Task.Process.WaitForExit()
        return [pscustomobject]@{
            ExitCode = $Task.Process.ExitCode
            StdOut   = $Task.StdOut.Result
            StdErr   = $Task.StdErr.Result
            Log      = $(if (Test-Path $Task.Log) { Get-Content -Raw -Path $Task.Log } else { '' })
        }
    }
}

AfterAll { Remove-Item -Recurse -Force -Path $LogDir -ErrorAction SilentlyContinue }

Describe 'A scheduled task reading a secret' {
    BeforeEach { Use-KvTestVm }

    It 'reads the secret and writes nothing secret to its output, errors or transcript' {
        $r = Wait-KvTestTask (Start-KvTestTask -SecretName secret-for-vm -Log (Join-Path $LogDir 'ok.log'))
        $r.ExitCode | Should -Be 0 -Because $r.StdErr
        $r.StdOut | Should -Match 'OK read kv-demo/secret-for-vm version [0-9a-f]{32}'
        $r.StdErr | Should -BeNullOrEmpty
        $r.Log | Should -Match 'OK read kv-demo/secret-for-vm'
        foreach ($text in $r.StdOut, $r.StdErr, $r.Log) { $text | Should -Not -Match 'this-is-test-secret' }
    }

    It 'ends with exit code 4 and one line naming the refusal when the role is removed' {
        Use-KvTestAdmin
        $assignment = Get-KvTestVmRoleAssignment
        Invoke-KvRestMethod -Method DELETE -Path $assignment.id -ApiVersion 2022-04-01 -Force | Out-Null
        Use-KvTestVm
        try { $r = Wait-KvTestTask (Start-KvTestTask -SecretName secret-for-vm -Log (Join-Path $LogDir 'refused.log')) }
        finally {
            Use-KvTestAdmin
            Add-KvTestRoleAssignment -RoleDefinitionId $assignment.properties.roleDefinitionId -PrincipalId $Manifest.vm.principalId
            Use-KvTestVm
        }
        $r.ExitCode | Should -Be 4
        $lines = @($r.StdErr -split "`r?`n" | Where-Object { $_.Trim() })
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match 'FAILED ForbiddenByRbac,Get-KvSecret: .*getSecret/action'
        $r.StdOut | Should -Not -Match 'OK read'
        foreach ($text in $r.StdOut, $r.StdErr, $r.Log) { $text | Should -Not -Match 'this-is-test-secret' }
    }

    It 'ends with exit code 5 for a secret that does not exist' {
        $r = Wait-KvTestTask (Start-KvTestTask -SecretName 'no-such-secret' -Log (Join-Path $LogDir 'missing.log'))
        $r.ExitCode | Should -Be 5
        @($r.StdErr -split "`r?`n" | Where-Object { $_.Trim() }) | Should -Match 'FAILED SecretNotFound,Get-KvSecret'
    }

    It 'runs two tasks started at the same moment side by side, both succeeding' {
        $a = Start-KvTestTask -SecretName secret-for-vm -Log (Join-Path $LogDir 'a.log')
        $b = Start-KvTestTask -SecretName secret-for-vm -Log (Join-Path $LogDir 'b.log')
        $ra = Wait-KvTestTask $a
        $rb = Wait-KvTestTask $b
        $ra.ExitCode | Should -Be 0 -Because $ra.StdErr
        $rb.ExitCode | Should -Be 0 -Because $rb.StdErr
        $ra.StdOut | Should -Match 'OK read'
        $rb.StdOut | Should -Match 'OK read'
        $a.Process.StartTime | Should -BeLessThan $b.Process.ExitTime
        $b.Process.StartTime | Should -BeLessThan $a.Process.ExitTime
    }
}
