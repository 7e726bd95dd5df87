# Install-KvMi.ps1 from the Linux release zip (built by the test command into
# KVMI_TEST_PACKAGE_DIR), run as an admin would, in its own pwsh, with temporary install and
# module roots: install, verify, refuse a tampered or extra file, upgrade keeping one previous
# version, -WhatIf, -Uninstall.

BeforeDiscovery {
    $script:NoLinuxZip = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Version = (Import-PowerShellDataFile -Path (Join-Path (Split-Path $PSScriptRoot -Parent) 'KvMi.psd1')).ModuleVersion
    $script:Zip = Join-Path $env:KVMI_TEST_PACKAGE_DIR "kvmi-$Version-linux-x64.zip"
    $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-install-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Work | Out-Null

    function New-KvTestPackage {
        # Unpacks the release zip into a new folder; -Version rewrites ModuleVersion and SHA256SUMS
        # as a later release would have them.
        param([string]$Name, [string]$AsVersion)
        $dir = Join-Path $Work $Name
        & unzip -q $Zip -d $dir
        if ($LASTEXITCODE -ne 0) { throw "unzip failed for $Zip" }
        if ($AsVersion) {
            $psd1 = Join-Path $dir 'KvMi/KvMi.psd1'
            [System.IO.File]::WriteAllText($psd1, ([System.IO.File]::ReadAllText($psd1) -replace "ModuleVersion\s*=\s*'[^']+'", "ModuleVersion        = '$AsVersion'"))
            Update-KvTestSums -Folder $dir
        }
        return $dir
    }

    function Update-KvTestSums {
        param([string]$Folder)
        $root = (Resolve-Path $Folder).ProviderPath
        $lines = Get-ChildItem -LiteralPath $root -Recurse -File | Where-Object Name -ne 'SHA256SUMS' | ForEach-Object {
            '{0}  {1}' -f (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash.ToLowerInvariant(), $_.FullName.Substring($root.Length + 1)
        } | Sort-Object { $_.Substring(66) }
        [System.IO.File]::WriteAllText((Join-Path $root 'SHA256SUMS'), (($lines -join "`n") + "`n"))
    }

    function Invoke-KvTestInstaller {
        param([string]$Package, [string[]]$Arguments)
        $installer = Join-Path $Package 'Install-KvMi.ps1'
        $all = @('-NoLogo', '-NoProfile', '-NonInteractive', '-File', $installer, '-InstallRoot', (Join-Path $Work 'root/kvmi'), '-ModuleRoot', (Join-Path $Work 'modules')) + $Arguments
        $output = & $env:KVMI_TEST_PWSH @all 2>&1 | Out-String
        return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
    }

    function Invoke-KvTestInstalledModule {
        # Imports the installed module in a new pwsh with no KVMI_PATH and reads the demo secret.
        $module = Join-Path $Work "modules/KvMi/$Version/KvMi.psd1"
        $saved = $env:KVMI_PATH
        Remove-Item env:KVMI_PATH
        try { return (& $env:KVMI_TEST_PWSH -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$module'; Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText" 2>&1 | Out-String).Trim() }
        finally { $env:KVMI_PATH = $saved }
    }
}

AfterAll { Remove-Item -Recurse -Force -Path $Work -ErrorAction SilentlyContinue }

Describe 'Install-KvMi.ps1 (from the Linux zip; on Windows the release workflow skips it)' -Skip:$NoLinuxZip {
    BeforeEach {
        Remove-Item -Recurse -Force -Path (Join-Path $Work 'root'), (Join-Path $Work 'modules') -ErrorAction SilentlyContinue
    }

    It 'verifies every file, installs kvmi and the module wired to it, and says what it did' {
        $package = New-KvTestPackage -Name 'fresh'
        $r = Invoke-KvTestInstaller -Package $package -Arguments @()
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'Verified \d+ files against SHA256SUMS'
        $r.Output | Should -Match "Installed kvmi $([regex]::Escape($Version))"
        $r.Output | Should -Match 'Installed the KvMi module'
        (& (Join-Path $Work 'root/kvmi/kvmi') --version) | Should -Be "kvmi $Version"
        [System.IO.File]::ReadAllText((Join-Path $Work "modules/KvMi/$Version/kvmi.path")) | Should -Be (Join-Path $Work 'root/kvmi/kvmi')
        Join-Path $Work "modules/KvMi/$Version/Tests" | Should -Not -Exist
        Invoke-KvTestInstalledModule | Should -Be 'this-is-test-secret'
    }

    It 'refuses a tampered file before copying anything' {
        $package = New-KvTestPackage -Name 'tampered'
        Add-Content -Path (Join-Path $package 'lib/main.js') -Value '// changed'
        $r = Invoke-KvTestInstaller -Package $package -Arguments @()
        $r.ExitCode | Should -Be 1
        $r.Output | Should -Match 'lib/main.js does not match SHA256SUMS'
        $r.Output | Should -Match 'Nothing was installed'
        Join-Path $Work 'root' | Should -Not -Exist
        Join-Path $Work 'modules' | Should -Not -Exist
    }

    It 'refuses a file the package does not list, and leaves the installed version working' {
        $good = New-KvTestPackage -Name 'good'
        (Invoke-KvTestInstaller -Package $good -Arguments @()).ExitCode | Should -Be 0
        $package = New-KvTestPackage -Name 'extra'
        Set-Content -Path (Join-Path $package 'lib/evil.js') -Value 'x'
        $r = Invoke-KvTestInstaller -Package $package -Arguments @()
        $r.ExitCode | Should -Be 1
        $r.Output | Should -Match 'lib/evil.js is not part of the package'
        Invoke-KvTestInstalledModule | Should -Be 'this-is-test-secret'
    }

    It 'upgrades in place, keeping exactly one previous version' {
        (Invoke-KvTestInstaller -Package (New-KvTestPackage -Name 'v1') -Arguments @()).ExitCode | Should -Be 0
        $r = Invoke-KvTestInstaller -Package (New-KvTestPackage -Name 'v2' -AsVersion '99.0.1') -Arguments @()
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'previous version is kept'
        Join-Path $Work 'root/kvmi.previous/kvmi' | Should -Exist
        @(Get-ChildItem (Join-Path $Work 'modules/KvMi') -Directory).Name | Sort-Object | Should -Be (@($Version, '99.0.1') | Sort-Object)
        (Invoke-KvTestInstaller -Package (New-KvTestPackage -Name 'v3' -AsVersion '99.0.2') -Arguments @()).ExitCode | Should -Be 0
        @(Get-ChildItem (Join-Path $Work 'modules/KvMi') -Directory).Name | Sort-Object | Should -Be @('99.0.1', '99.0.2')
        (& (Join-Path $Work 'root/kvmi/kvmi') --version) | Should -Be "kvmi $Version"
    }

    It 'changes nothing with -WhatIf' {
        $r = Invoke-KvTestInstaller -Package (New-KvTestPackage -Name 'whatif') -Arguments @('-WhatIf')
        $r.ExitCode | Should -Be 0
        $r.Output | Should -Match 'What if'
        Join-Path $Work 'root/kvmi' | Should -Not -Exist
        Join-Path $Work 'modules/KvMi' | Should -Not -Exist
    }

    It 'links kvmi with -AddToPath and removes everything with -Uninstall' {
        $package = New-KvTestPackage -Name 'uninstall'
        $bin = Join-Path $Work 'bin'
        (Invoke-KvTestInstaller -Package $package -Arguments @('-AddToPath', '-BinDirectory', $bin)).ExitCode | Should -Be 0
        (& (Join-Path $bin 'kvmi') --version) | Should -Be "kvmi $Version"
        $r = Invoke-KvTestInstaller -Package $package -Arguments @('-Uninstall', '-BinDirectory', $bin)
        $r.ExitCode | Should -Be 0 -Because $r.Output
        $r.Output | Should -Match 'kvmi is uninstalled'
        Join-Path $Work 'root/kvmi' | Should -Not -Exist
        Join-Path $Work 'modules/KvMi' | Should -Not -Exist
        Join-Path $bin 'kvmi' | Should -Not -Exist
    }
}
