# The runner every cmdlet goes through: finding kvmi (KVMI_PATH as one path or a command line, the
# bin folder), passing arguments and standard input exactly, and turning kvmi's failures into the
# calling cmdlet's ErrorRecords. A stand-in kvmi (a POSIX shell script) records how it was called,
# so these run where there is /bin/sh; on Windows the release workflow skips them.

BeforeDiscovery {
    $script:NoShell = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    if ($OnWindows) { return }
    $script:RealKvmiPath = $env:KVMI_PATH
    $script:FakeDir = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi fake ' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $FakeDir | Out-Null
    $script:FakeKvmi = Join-Path $FakeDir 'kvmi'
    $fake = @(
        '#!/bin/sh'
        '# Stand-in kvmi: records its arguments (NUL-separated) and stdin, answers as told.'
        'for a in "$@"; do printf ''%s\0'' "$a"; done > "$KVMI_FAKE_DIR/args"'
        'cat > "$KVMI_FAKE_DIR/stdin"'
        'if [ -n "$KVMI_FAKE_STDERR" ]; then printf ''%s\n'' "$KVMI_FAKE_STDERR" >&2; fi'
        'printf ''%s'' "$KVMI_FAKE_STDOUT"'
        'exit "${KVMI_FAKE_EXIT:-0}"'
    ) -join "`n"
    [System.IO.File]::WriteAllText($FakeKvmi, $fake + "`n")
    & chmod 755 $FakeKvmi
    $env:KVMI_FAKE_DIR = $FakeDir

    function Get-FakeArgs {
        $text = [System.IO.File]::ReadAllText((Join-Path $FakeDir 'args'), [System.Text.Encoding]::UTF8)
        return @($text.TrimEnd([char]0).Split([char]0))
    }
}

AfterAll {
    if ($OnWindows) { return }
    $env:KVMI_PATH = $RealKvmiPath
    Remove-Item -Path env:KVMI_FAKE_DIR, env:KVMI_FAKE_STDOUT, env:KVMI_FAKE_STDERR, env:KVMI_FAKE_EXIT -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force -Path $FakeDir -ErrorAction SilentlyContinue
}

Describe 'Finding kvmi' -Skip:$NoShell {
    AfterEach {
        $env:KVMI_PATH = $RealKvmiPath
        Remove-Item -Path env:KVMI_FAKE_STDOUT, env:KVMI_FAKE_STDERR, env:KVMI_FAKE_EXIT -ErrorAction SilentlyContinue
    }

    It 'runs KVMI_PATH as one executable path, spaces and all, with no quotes' {
        $env:KVMI_PATH = $FakeKvmi
        $env:KVMI_FAKE_STDOUT = '{"value":"from-the-fake"}'
        Get-KvSecret -VaultName kv-demo -Name one-path -AsPlainText | Should -BeExactly 'from-the-fake'
        Get-FakeArgs | Should -Be @('secret', 'get', '--vault', 'kv-demo', '--name', 'one-path', '--output', 'json')
    }

    It 'runs KVMI_PATH as one real kvmi path against the emulator' {
        $wrapper = Join-Path $FakeDir 'kvmi-real'
        [System.IO.File]::WriteAllText($wrapper, "#!/bin/sh`nexec `"$env:KVMI_TEST_DENO`" run --allow-all --quiet `"$env:KVMI_TEST_MAIN`" `"`$@`"`n")
        & chmod 755 $wrapper
        $env:KVMI_PATH = $wrapper
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Should -BeExactly 'this-is-test-secret'
    }

    It 'splits KVMI_PATH as a command line whose program is quoted' {
        $env:KVMI_PATH = "`"$FakeKvmi`" --first-word"
        $env:KVMI_FAKE_STDOUT = '{"value":"x"}'
        Get-KvSecret -VaultName kv-demo -Name split -AsPlainText | Should -BeExactly 'x'
        (Get-FakeArgs)[0] | Should -BeExactly '--first-word'
        InModuleScope KvMi {
            $c = Resolve-KvmiCommand
            $c.FilePath | Should -BeExactly $FakeKvmi
            $c.PrefixArguments | Should -Be @('--first-word')
        } -Parameters @{ FakeKvmi = $FakeKvmi }
    }

    It 'splits command lines the way the module documents' {
        InModuleScope KvMi {
            @(Split-KvCommandLine -CommandLine '/opt/kvmi/kvmi').Count | Should -Be 1
            @(Split-KvCommandLine -CommandLine '/opt/kvmi/kvmi')[0] | Should -BeExactly '/opt/kvmi/kvmi'
            Split-KvCommandLine -CommandLine '"C:\Program Files\deno\deno.exe" run -A "C:\src\kvmi\src\main.ts"' | Should -Be @('C:\Program Files\deno\deno.exe', 'run', '-A', 'C:\src\kvmi\src\main.ts')
        }
    }

    It 'ends the statement, not the script, with KvmiNotFound when KVMI_PATH names nothing' {
        $env:KVMI_PATH = Join-Path $FakeDir 'no-such-kvmi'
        try { Get-KvSecret -VaultName kv-demo -Name x; throw 'expected an error' }
        catch {
            $_.FullyQualifiedErrorId | Should -Be 'KvmiNotFound,Get-KvSecret'
            $_.CategoryInfo.Category | Should -Be 'NotInstalled'
            $_.Exception.Message | Should -Match 'no-such-kvmi'
            $_.InvocationInfo.MyCommand.Name | Should -Be 'Get-KvSecret'
            $_.InvocationInfo.ScriptName | Should -Be $PSCommandPath
        }
        # In a script (default $ErrorActionPreference) the next statement still runs.
        $child = Invoke-KvTestChildPwsh -Command "Get-KvSecret -VaultName kv-demo -Name x; 'the script goes on'; `$Error[0].FullyQualifiedErrorId"
        $child.Output | Should -Match 'the script goes on'
        $child.Output | Should -Match 'KvmiNotFound,Get-KvSecret'
    }

    It 'says where it looked when KVMI_PATH is not set and bin holds no kvmi' {
        Remove-Item -Path env:KVMI_PATH
        { Get-KvSecret -VaultName kv-demo -Name x } | Should -Throw -ErrorId 'KvmiNotFound,Get-KvSecret' -ExpectedMessage '*bin*KVMI_PATH*'
    }
}

Describe 'Arguments and standard input' -Skip:$NoShell {
    BeforeAll { $env:KVMI_PATH = $FakeKvmi }
    AfterAll { $env:KVMI_PATH = $RealKvmiPath }

    It 'passes every argument exactly: spaces, quotes, backslashes, empty, non-ASCII, shell characters' {
        $arguments = @('a b', 'x"y', '', 'c:\dir\', 'a b\', ([string][char]0x00E9 + [char]0x2603), '$HOME', '%PATH%', 'a&b|c^d', "tab`there")
        InModuleScope KvMi { Invoke-KvmiProcess -Arguments $arguments } -Parameters @{ arguments = $arguments } | Out-Null
        Get-FakeArgs | Should -Be $arguments
    }

    It 'writes the secret to standard input as UTF-8 with no byte-order mark and nothing added' {
        $env:KVMI_FAKE_STDOUT = '{"id":"https://kv-demo.vault.azure.net/secrets/s/0123456789abcdef0123456789abcdef","attributes":{"enabled":true}}'
        $value = [string][char]0x00E4 + " tab`t crlf`r`n end "
        Set-KvSecret -VaultName kv-demo -Name s -SecretValue (New-KvTestSecureString $value) -Confirm:$false | Out-Null
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $FakeDir 'stdin'))
        [System.Text.Encoding]::UTF8.GetString($bytes) | Should -BeExactly $value
        $bytes[0] | Should -Not -Be 0xEF
        Get-FakeArgs | Should -Not -Contain $value
        Remove-Item env:KVMI_FAKE_STDOUT
    }

    It 'quotes for CommandLineToArgvW on Windows PowerShell 5.1, including an empty argument' {
        InModuleScope KvMi {
            ConvertTo-KvArgumentString -Arguments @('plain', 'a b', 'x"y', 'c:\dir\', 'a b\', '') | Should -BeExactly 'plain "a b" "x\"y" c:\dir\ "a b\\" ""'
            ConvertTo-KvArgumentString -Arguments @('') | Should -BeExactly '""'
        }
    }
}

Describe 'kvmi failures as ErrorRecords' -Skip:$NoShell {
    BeforeAll { $env:KVMI_PATH = $FakeKvmi }
    AfterAll { $env:KVMI_PATH = $RealKvmiPath }
    AfterEach { Remove-Item -Path env:KVMI_FAKE_STDOUT, env:KVMI_FAKE_STDERR, env:KVMI_FAKE_EXIT -ErrorAction SilentlyContinue }

    It 'raises a refusal as a terminating error of the cmdlet: code, category, message once, hint as RecommendedAction' {
        $env:KVMI_FAKE_EXIT = '4'
        $env:KVMI_FAKE_STDERR = '{"error":{"code":"ForbiddenByRbac","status":403,"message":"ForbiddenByRbac: not allowed the data action X.","hint":"Assign the role, then retry with --force."}}'
        $e = $null
        try { Get-KvSecret -VaultName kv-demo -Name x -AsPlainText } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -Be 'ForbiddenByRbac,Get-KvSecret'
        $e.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e.Exception.Message | Should -BeExactly 'ForbiddenByRbac: not allowed the data action X.'
        $e.ErrorDetails.RecommendedAction | Should -BeExactly 'Assign the role, then retry with -Force.'
        $e.TargetObject | Should -Be 'x'
        ([regex]::Matches(($e | Out-String), 'not allowed the data action')).Count | Should -Be 1
    }

    It 'maps <Exit>/<Status> to <Category>' -ForEach @(
        @{ Exit = 2; Status = 0; Category = 'InvalidArgument' }
        @{ Exit = 3; Status = 401; Category = 'AuthenticationError' }
        @{ Exit = 6; Status = 503; Category = 'ResourceUnavailable' }
        @{ Exit = 6; Status = 429; Category = 'LimitsExceeded' }
        @{ Exit = 1; Status = 0; Category = 'InvalidResult' }
    ) {
        $env:KVMI_FAKE_EXIT = [string]$Exit
        $env:KVMI_FAKE_STDERR = '{"error":{"code":"SomeCode","status":' + $Status + ',"message":"m"}}'
        try { Get-KvVM -ErrorAction Stop; throw 'expected an error' }
        catch {
            $_.CategoryInfo.Category | Should -Be $Category
            $_.FullyQualifiedErrorId | Should -Be 'SomeCode,Get-KvVM'
        }
    }

    It 'keeps a plain-text failure readable' {
        $env:KVMI_FAKE_EXIT = '1'
        $env:KVMI_FAKE_STDERR = 'kvmi: something odd happened'
        { Get-KvVM -ErrorAction Stop } | Should -Throw -ErrorId 'KvmiExit1,Get-KvVM' -ExpectedMessage 'kvmi: something odd happened'
    }

    It 'forwards kvmi verbose lines to the verbose stream, never as errors' {
        $env:KVMI_FAKE_STDOUT = '[]'
        $env:KVMI_FAKE_STDERR = 'kvmi: verbose: GET https://example/ 200'
        $out = Get-KvVM -Verbose 4>&1 2>&1
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -eq 'GET https://example/ 200' }).Count | Should -Be 1
        @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
        Get-FakeArgs | Should -Contain '--verbose'
    }
}
