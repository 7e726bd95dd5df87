<#
.SYNOPSIS
Runs the KvMi Pester suite against a fresh kvmi emulator and prints 'KVMI-PESTER passed=N failed=N'.

.DESCRIPTION
Called by tests/run.ts (the README's test command) with pwsh 7.6.9 and Pester 5.7.1 from the
project's .tools folder. Starts 'kvmi emulator start' with the test CA, points the KvMi module at
'deno run src/main.ts' through KVMI_PATH and the emulator's variables, runs every *.Tests.ps1 in
this folder and stops the emulator.

.EXAMPLE
pwsh -NoProfile -File ps/KvMi/Tests/Invoke-KvMiTests.ps1 -DenoPath (Get-Command deno).Source -RepoRoot .
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$DenoPath,
    [Parameter(Mandatory = $true)][string]$RepoRoot,
    [string[]]$Path = @($PSScriptRoot)
)

$ErrorActionPreference = 'Stop'
$pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -eq [version]'5.7.1' } | Select-Object -First 1
if (-not $pester) {
    Write-Output 'PowerShell tests: Pester 5.7.1 is not on PSModulePath; the module tests cannot run.'
    Write-Output 'KVMI-PESTER passed=0 failed=1'
    exit 1
}
Import-Module $pester -Force

$main = Join-Path $RepoRoot 'src/main.ts'
$dir = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-pester-' + [guid]::NewGuid())
New-Item -ItemType Directory -Path $dir | Out-Null
$manifestPath = Join-Path $dir 'manifest.json'
$psi = New-Object System.Diagnostics.ProcessStartInfo
$psi.FileName = $DenoPath
$psi.Arguments = "run --allow-all --quiet `"$main`" emulator start --manifest `"$manifestPath`""
if ($env:KVMI_TEST_CA_DIR) { $psi.Arguments += " --ca-dir `"$env:KVMI_TEST_CA_DIR`"" }
$psi.UseShellExecute = $false
$psi.RedirectStandardError = $true
$psi.RedirectStandardOutput = $true
$emulator = [System.Diagnostics.Process]::Start($psi)
$emulatorOut = $emulator.StandardOutput.ReadToEndAsync()
$emulatorErr = $emulator.StandardError.ReadToEndAsync()
try {
    $deadline = (Get-Date).AddSeconds(60)
    while (-not (Test-Path $manifestPath)) {
        if ($emulator.HasExited -or (Get-Date) -gt $deadline) {
            throw "The emulator did not write its manifest: $($emulatorErr.Result)"
        }
        Start-Sleep -Milliseconds 100
    }
    Start-Sleep -Milliseconds 200
    $manifest = Get-Content -Raw -Path $manifestPath | ConvertFrom-Json
    foreach ($p in $manifest.env.PSObject.Properties) { Set-Item -Path "env:$($p.Name)" -Value $p.Value }
    $env:KVMI_PATH = "`"$DenoPath`" run --allow-all --quiet `"$main`""
    $env:KVMI_RETRY_DELAY_SCALE = '0.01'
    # The token cache is off for the suite (no test sees another's token, nothing under HOME);
    # Clear-KvTokenCache.Tests.ps1 turns it on in this run's own folder.
    $env:KVMI_TOKEN_CACHE = 'off'
    $env:KVMI_TOKEN_CACHE_DIR = Join-Path $dir 'tokens'
    $env:KVMI_TEST_MANIFEST = $manifestPath
    $env:KVMI_TEST_DENO = $DenoPath
    $env:KVMI_TEST_MAIN = $main

    $config = New-PesterConfiguration
    $config.Run.Path = $Path
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.Output.RenderMode = 'Plaintext'
    $result = Invoke-Pester -Configuration $config
    if ($null -eq $result) { throw 'Invoke-Pester returned no result.' }
    Write-Output ('KVMI-PESTER passed={0} failed={1}' -f $result.PassedCount, ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount))
    if ($result.Result -ne 'Passed') { exit 1 }
}
catch {
    Write-Output "PowerShell tests: the run failed: $($_.Exception.Message)"
    Write-Output 'KVMI-PESTER passed=0 failed=1'
    exit 1
}
finally {
    if (-not $emulator.HasExited) { $emulator.Kill() }
    Remove-Item -Recurse -Force -Path $dir -ErrorAction SilentlyContinue
}
