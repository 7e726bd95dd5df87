<#
.SYNOPSIS
Runs the KvMi Pester tests against a fresh kvmi emulator and prints 'KVMI-PESTER passed=N failed=N'.
Called by tests/run.ts when pwsh is available.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$DenoPath,
    [Parameter(Mandatory = $true)][string]$RepoRoot
)

$ErrorActionPreference = 'Stop'
$pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version -ge [version]'5.0.0' } | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) {
    Write-Output 'PowerShell tests: Pester 5 is not installed; the module tests cannot run.'
    Write-Output 'KVMI-PESTER passed=0 failed=1'
    exit 1
}
Import-Module $pester -Force

$main = Join-Path $RepoRoot 'src/main.ts'
$dir = Join-Path ([System.IO.Path]::GetTempPath()) ("kvmi-pester-" + [guid]::NewGuid())
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
try {
    $deadline = (Get-Date).AddSeconds(30)
    while (-not (Test-Path $manifestPath)) {
        if ((Get-Date) -gt $deadline) { throw 'The emulator did not write its manifest within 30 seconds.' }
        Start-Sleep -Milliseconds 100
    }
    Start-Sleep -Milliseconds 200
    $manifest = Get-Content -Raw -Path $manifestPath | ConvertFrom-Json
    foreach ($p in $manifest.env.PSObject.Properties) { Set-Item -Path "env:$($p.Name)" -Value $p.Value }
    $env:KVMI_PATH = "`"$DenoPath`" run --allow-all --quiet `"$main`""
    $env:KVMI_RETRY_DELAY_SCALE = '0.01'
    $env:KVMI_TEST_MANIFEST = $manifestPath

    $config = New-PesterConfiguration
    $config.Run.Path = $PSScriptRoot
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $result = Invoke-Pester -Configuration $config
    Write-Output ("KVMI-PESTER passed={0} failed={1}" -f $result.PassedCount, $result.FailedCount)
    if ($result.FailedCount -gt 0) { exit 1 }
}
finally {
    if (-not $emulator.HasExited) { $emulator.Kill() }
    Remove-Item -Recurse -Force -Path $dir -ErrorAction SilentlyContinue
}
