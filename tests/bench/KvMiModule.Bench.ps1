<#
.SYNOPSIS
Measures the KvMi module's own cost, in one pwsh process: Import-Module KvMi, and Get-KvSecret
against the bare 'kvmi secret get' it wraps, called from the same PowerShell in alternating pairs.

.DESCRIPTION
Called by tests/bench/ps_module_bench.ts, which starts the emulator and sets KVMI_PATH and the
emulator's variables. Prints one JSON document on stdout.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$ModulePath,
    [Parameter(Mandatory = $true)][string]$Pwsh,
    [int]$Runs = 15
)

$ErrorActionPreference = 'Stop'

function Get-Median([double[]]$Values) {
    $sorted = $Values | Sort-Object
    return $sorted[[int][math]::Floor($sorted.Count / 2)]
}

# Import-Module in fresh processes (the cost a scheduled task pays on every run): as the first
# thing pwsh does, and after the first formatted output (PowerShell's formatting system costs a few
# hundred milliseconds once per process, paid by any script that prints; a module with a format
# file pays it at import instead).
$imports = New-Object System.Collections.Generic.List[double]
$importsWarm = New-Object System.Collections.Generic.List[double]
foreach ($i in 1..$Runs) {
    $imports.Add([double](& $Pwsh -NoLogo -NoProfile -NonInteractive -Command "(Measure-Command { Import-Module '$ModulePath' }).TotalMilliseconds"))
    $importsWarm.Add([double](& $Pwsh -NoLogo -NoProfile -NonInteractive -Command "[pscustomobject]@{ a = 1 } | Out-String | Out-Null; (Measure-Command { Import-Module '$ModulePath' }).TotalMilliseconds"))
}

Import-Module $ModulePath
$kvmi = & (Get-Module KvMi) { Resolve-KvmiCommand }
$bare = @($kvmi.PrefixArguments) + @('secret', 'get', '--vault', 'kv-demo', '--name', 'secret-for-vm', '-o', 'raw')

# Warm both paths once (file system caches, Deno's module cache).
$null = Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText
$null = & $kvmi.FilePath @bare

$module = New-Object System.Collections.Generic.List[double]
$direct = New-Object System.Collections.Generic.List[double]
$ratios = New-Object System.Collections.Generic.List[double]
foreach ($i in 1..$Runs) {
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $a = Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText
    $sw.Stop(); $m = $sw.Elapsed.TotalMilliseconds
    $sw = [System.Diagnostics.Stopwatch]::StartNew()
    $b = & $kvmi.FilePath @bare
    $sw.Stop(); $d = $sw.Elapsed.TotalMilliseconds
    if ($a -ne 'this-is-test-secret' -or $b -ne 'this-is-test-secret') { throw "a run read the wrong value (exit $LASTEXITCODE)" }
    $module.Add($m); $direct.Add($d); $ratios.Add($m / $d)
}

[pscustomobject]@{
    runs                = $Runs
    importModuleMs      = @{ median = (Get-Median $imports.ToArray()); min = ($imports | Measure-Object -Minimum).Minimum; max = ($imports | Measure-Object -Maximum).Maximum }
    importAfterOutputMs = @{ median = (Get-Median $importsWarm.ToArray()); min = ($importsWarm | Measure-Object -Minimum).Minimum; max = ($importsWarm | Measure-Object -Maximum).Maximum }
    getKvSecretMs       = @{ median = (Get-Median $module.ToArray()); min = ($module | Measure-Object -Minimum).Minimum; max = ($module | Measure-Object -Maximum).Maximum }
    bareKvmiSecretGetMs = @{ median = (Get-Median $direct.ToArray()); min = ($direct | Measure-Object -Minimum).Minimum; max = ($direct | Measure-Object -Maximum).Maximum }
    ratio               = @{ medianOfMedians = (Get-Median $module.ToArray()) / (Get-Median $direct.ToArray()); medianPerPair = (Get-Median $ratios.ToArray()); min = ($ratios | Measure-Object -Minimum).Minimum; max = ($ratios | Measure-Object -Maximum).Maximum }
} | ConvertTo-Json -Depth 4
