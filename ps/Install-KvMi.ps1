<#
.SYNOPSIS
Installs kvmi and the KvMi PowerShell module from the unpacked release zip, offline.

.DESCRIPTION
Run it from the folder the release zip was unpacked into. Before anything is copied, every file
of the package is checked against the package's SHA256SUMS: a changed, missing or extra file
stops the installation and nothing is touched.

Then kvmi (the program, its runtime and code) goes to the install root and the KvMi module to a
module folder PowerShell searches, wired to that kvmi:
- -Scope AllUsers (default, needs an elevated prompt on Windows): $env:ProgramFiles\kvmi and
  $env:ProgramFiles\WindowsPowerShell\Modules (searched by Windows PowerShell 5.1 and PowerShell 7);
  on Linux /opt/kvmi and /usr/local/share/powershell/Modules.
- -Scope CurrentUser (no elevation): $env:LOCALAPPDATA\Programs\kvmi and Documents\WindowsPowerShell\Modules;
  on Linux ~/.local/share/kvmi and ~/.local/share/powershell/Modules.

An upgrade replaces the installation in place and keeps the one before it (kvmi.previous beside
the install root, and the previous module version beside the new one); if anything fails, the
previous installation is left working. -AddToPath puts kvmi on PATH (the machine's or the user's
PATH on Windows, a link in /usr/local/bin or ~/.local/bin on Linux). -Uninstall removes what an
installation added. -WhatIf shows what would be done. The script prints each step, and exits with
1 and one line saying why on any failure.

.PARAMETER Scope
AllUsers (default) or CurrentUser.

.PARAMETER InstallRoot
Where kvmi goes, instead of the scope's default.

.PARAMETER ModuleRoot
The module folder KvMi goes into, instead of the scope's default.

.PARAMETER AddToPath
Put kvmi on PATH.

.PARAMETER BinDirectory
On Linux, where -AddToPath links kvmi (default /usr/local/bin or ~/.local/bin).

.PARAMETER Uninstall
Remove kvmi, its previous version, the KvMi module and the PATH entry.

.EXAMPLE
.\Install-KvMi.ps1 -AddToPath

.EXAMPLE
.\Install-KvMi.ps1 -Scope CurrentUser -WhatIf

.EXAMPLE
& 'C:\Program Files\kvmi\Install-KvMi.ps1' -Uninstall
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
param(
    [ValidateSet('AllUsers', 'CurrentUser')][string]$Scope = 'AllUsers',
    [string]$InstallRoot,
    [string]$ModuleRoot,
    [switch]$AddToPath,
    [string]$BinDirectory,
    [switch]$Uninstall
)

$ErrorActionPreference = 'Stop'
$onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
$program = 'kvmi'
if ($onWindows) { $program = 'kvmi.exe' }

function Stop-Install {
    param([string]$Reason)
    [Console]::Error.WriteLine("Install-KvMi: $Reason")
    exit 1
}

function Test-Step {
    # ShouldProcess that stops (instead of going on) where the host cannot ask for confirmation.
    param([string]$Target, [string]$Action)
    try { return $PSCmdlet.ShouldProcess($Target, $Action) }
    catch { Stop-Install "'$Action' on '$Target' needs confirmation and this host cannot ask: run without -Confirm." }
}

function Get-DefaultLocation {
    $documents = [System.Environment]::GetFolderPath('MyDocuments')
    $userHome = [System.Environment]::GetFolderPath('UserProfile')
    if ($onWindows -and $Scope -eq 'AllUsers') { return @{ Install = Join-Path $env:ProgramFiles 'kvmi'; Modules = Join-Path $env:ProgramFiles 'WindowsPowerShell\Modules'; Bin = $null } }
    if ($onWindows) { return @{ Install = Join-Path $env:LOCALAPPDATA 'Programs\kvmi'; Modules = Join-Path $documents 'WindowsPowerShell\Modules'; Bin = $null } }
    if ($Scope -eq 'AllUsers') { return @{ Install = '/opt/kvmi'; Modules = '/usr/local/share/powershell/Modules'; Bin = '/usr/local/bin' } }
    return @{ Install = Join-Path $userHome '.local/share/kvmi'; Modules = Join-Path $userHome '.local/share/powershell/Modules'; Bin = Join-Path $userHome '.local/bin' }
}

function Test-Elevated {
    if ($onWindows) {
        $principal = New-Object System.Security.Principal.WindowsPrincipal -ArgumentList ([System.Security.Principal.WindowsIdentity]::GetCurrent())
        return $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
    }
    return ((& id -u) -eq '0')
}

function Test-PackageFiles {
    # Every file of the package must be listed in SHA256SUMS with its hash, and nothing else may be there.
    param([string]$Folder)
    $sums = Join-Path $Folder 'SHA256SUMS'
    if (-not (Test-Path -LiteralPath $sums -PathType Leaf)) { Stop-Install "SHA256SUMS is missing from ${Folder}: run this script from the unpacked release zip. Nothing was installed." }
    $expected = @{}
    foreach ($line in [System.IO.File]::ReadAllLines($sums)) {
        if (-not $line.Trim()) { continue }
        if ($line -notmatch '^([0-9a-f]{64})  (.+)$') { Stop-Install "SHA256SUMS has a malformed line: '$line'. Nothing was installed." }
        $expected[$Matches[2]] = $Matches[1]
    }
    $root = (Resolve-Path -LiteralPath $Folder).ProviderPath.TrimEnd('\', '/')
    $found = @{}
    foreach ($file in Get-ChildItem -LiteralPath $root -Recurse -File -Force) {
        $relative = $file.FullName.Substring($root.Length + 1).Replace('\', '/')
        if ($relative -eq 'SHA256SUMS') { continue }
        $found[$relative] = $true
        if (-not $expected.ContainsKey($relative)) { Stop-Install "$relative is not part of the package (not in SHA256SUMS): the package was changed. Nothing was installed." }
        $hash = (Get-FileHash -LiteralPath $file.FullName -Algorithm SHA256).Hash.ToLowerInvariant()
        if ($hash -ne $expected[$relative]) { Stop-Install "$relative does not match SHA256SUMS (expected $($expected[$relative]), found $hash): the package is damaged or was changed. Nothing was installed." }
    }
    foreach ($name in $expected.Keys) {
        if (-not $found.ContainsKey($name)) { Stop-Install "$name is listed in SHA256SUMS but missing: the package is incomplete. Nothing was installed." }
    }
    Write-Host "Verified $($expected.Count) files against SHA256SUMS."
}

function Copy-Tree {
    param([string]$From, [string]$To, [string[]]$Exclude = @())
    New-Item -ItemType Directory -Path $To -Force | Out-Null
    foreach ($item in Get-ChildItem -LiteralPath $From -Force) {
        if ($Exclude -ccontains $item.Name) { continue }
        Copy-Item -LiteralPath $item.FullName -Destination $To -Recurse -Force
    }
    if (-not $onWindows) {
        foreach ($exe in @((Join-Path $To 'kvmi'), (Join-Path $To 'runtime/deno'))) { if (Test-Path -LiteralPath $exe) { & chmod 755 $exe } }
    }
}

function Switch-Folder {
    # Puts $Staged at $Target, keeping what was there as $Previous (one previous version only).
    # On failure the previous installation is put back.
    param([string]$Staged, [string]$Target, [string]$Previous)
    if (Test-Path -LiteralPath $Previous) { Remove-Item -LiteralPath $Previous -Recurse -Force }
    $moved = $false
    try {
        if (Test-Path -LiteralPath $Target) { Move-Item -LiteralPath $Target -Destination $Previous; $moved = $true }
        Move-Item -LiteralPath $Staged -Destination $Target
    }
    catch {
        if ($moved -and -not (Test-Path -LiteralPath $Target)) { Move-Item -LiteralPath $Previous -Destination $Target }
        throw
    }
}

function Add-KvmiToPath {
    param([string]$Folder, [string]$Bin)
    if ($onWindows) {
        $target = 'User'
        if ($Scope -eq 'AllUsers') { $target = 'Machine' }
        $current = [System.Environment]::GetEnvironmentVariable('Path', $target)
        if (($current -split ';') -contains $Folder) { Write-Host "$Folder is already on the $target PATH."; return }
        if (Test-Step -Target "$target PATH" -Action "Add $Folder") {
            [System.Environment]::SetEnvironmentVariable('Path', ($current.TrimEnd(';') + ';' + $Folder), $target)
            Write-Host "Added $Folder to the $target PATH (new sessions see it)."
        }
        return
    }
    $link = Join-Path $Bin 'kvmi'
    if (Test-Step -Target $link -Action "Link to $(Join-Path $Folder 'kvmi')") {
        New-Item -ItemType Directory -Path $Bin -Force | Out-Null
        if (Test-Path -LiteralPath $link) { Remove-Item -LiteralPath $link -Force }
        New-Item -ItemType SymbolicLink -Path $link -Value (Join-Path $Folder 'kvmi') | Out-Null
        Write-Host "Linked $link to $(Join-Path $Folder 'kvmi')."
    }
}

function Remove-KvmiFromPath {
    param([string]$Folder, [string]$Bin)
    if ($onWindows) {
        foreach ($target in @('User', 'Machine')) {
            $current = [System.Environment]::GetEnvironmentVariable('Path', $target)
            if ($null -eq $current -or -not (($current -split ';') -contains $Folder)) { continue }
            if (Test-Step -Target "$target PATH" -Action "Remove $Folder") {
                [System.Environment]::SetEnvironmentVariable('Path', ((($current -split ';') | Where-Object { $_ -and $_ -ne $Folder }) -join ';'), $target)
                Write-Host "Removed $Folder from the $target PATH."
            }
        }
        return
    }
    $link = Join-Path $Bin 'kvmi'
    $item = Get-Item -LiteralPath $link -Force -ErrorAction SilentlyContinue
    if ($null -ne $item -and $item.LinkType -eq 'SymbolicLink' -and (Test-Step -Target $link -Action 'Remove link')) {
        Remove-Item -LiteralPath $link -Force
        Write-Host "Removed the link $link."
    }
}

try {
    $defaults = Get-DefaultLocation
    if (-not $InstallRoot) { $InstallRoot = $defaults.Install }
    if (-not $ModuleRoot) { $ModuleRoot = $defaults.Modules }
    if (-not $BinDirectory) { $BinDirectory = $defaults.Bin }
    $InstallRoot = [System.IO.Path]::GetFullPath($InstallRoot).TrimEnd('\', '/')
    $ModuleRoot = [System.IO.Path]::GetFullPath($ModuleRoot).TrimEnd('\', '/')
    $previousRoot = "$InstallRoot.previous"
    $moduleHome = Join-Path $ModuleRoot 'KvMi'
    if ($Scope -eq 'AllUsers' -and -not $PSBoundParameters.ContainsKey('InstallRoot') -and -not (Test-Elevated)) {
        Stop-Install 'Installing for all users needs an elevated PowerShell (Run as administrator). Or use -Scope CurrentUser.'
    }

    if ($Uninstall) {
        foreach ($folder in @($InstallRoot, $previousRoot, $moduleHome)) {
            if ((Test-Path -LiteralPath $folder) -and (Test-Step -Target $folder -Action 'Remove')) {
                Remove-Item -LiteralPath $folder -Recurse -Force
                Write-Host "Removed $folder."
            }
        }
        Remove-KvmiFromPath -Folder $InstallRoot -Bin $BinDirectory
        Write-Host 'kvmi is uninstalled.'
        exit 0
    }

    $source = $PSScriptRoot
    Test-PackageFiles -Folder $source
    $version = (Import-PowerShellDataFile -Path (Join-Path $source 'KvMi/KvMi.psd1')).ModuleVersion
    $moduleTarget = Join-Path $moduleHome $version

    if (Test-Step -Target $InstallRoot -Action "Install kvmi $version") {
        $staged = "$InstallRoot.new"
        if (Test-Path -LiteralPath $staged) { Remove-Item -LiteralPath $staged -Recurse -Force }
        New-Item -ItemType Directory -Path (Split-Path $InstallRoot -Parent) -Force | Out-Null
        Copy-Tree -From $source -To $staged -Exclude @('KvMi')
        Switch-Folder -Staged $staged -Target $InstallRoot -Previous $previousRoot
        Write-Host "Installed kvmi $version in $InstallRoot$(if (Test-Path -LiteralPath $previousRoot) { " (the previous version is kept in $previousRoot)" })."
    }

    if (Test-Step -Target $moduleTarget -Action "Install the KvMi module $version") {
        $staged = "$moduleTarget.new"
        if (Test-Path -LiteralPath $staged) { Remove-Item -LiteralPath $staged -Recurse -Force }
        Copy-Tree -From (Join-Path $source 'KvMi') -To $staged
        [System.IO.File]::WriteAllText((Join-Path $staged 'kvmi.path'), (Join-Path $InstallRoot $program))
        Switch-Folder -Staged $staged -Target $moduleTarget -Previous "$moduleTarget.previous"
        Remove-Item -LiteralPath "$moduleTarget.previous" -Recurse -Force -ErrorAction SilentlyContinue
        # Keep the newest other version, remove older ones.
        $others = @(Get-ChildItem -LiteralPath $moduleHome -Directory | Where-Object { $_.Name -ne $version -and $_.Name -as [version] } | Sort-Object { [version]$_.Name } -Descending)
        foreach ($old in ($others | Select-Object -Skip 1)) {
            Remove-Item -LiteralPath $old.FullName -Recurse -Force
            Write-Host "Removed the old module version $($old.Name)."
        }
        Write-Host "Installed the KvMi module $version in $moduleTarget, wired to $(Join-Path $InstallRoot $program)."
    }

    if ($AddToPath) { Add-KvmiToPath -Folder $InstallRoot -Bin $BinDirectory }
    if (-not $WhatIfPreference) {
        Write-Host "Done. Try: $(Join-Path $InstallRoot $program) --version; Import-Module KvMi; Get-Help Get-KvSecret -Examples"
    }
    exit 0
}
catch {
    Stop-Install "$($_.Exception.Message) The previous installation, if any, is unchanged."
}
