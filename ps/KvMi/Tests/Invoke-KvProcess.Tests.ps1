# Invoke-KvProcess on the emulator: 'kvmi run' under a cmdlet. The program is a child pwsh that
# writes what it sees to a file (its output goes to the console, not the pipeline).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Pwsh = $env:KVMI_TEST_PWSH
    $script:Dir = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-process-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $Dir | Out-Null

    function Get-ChildArgument {
        # A child pwsh that writes $env:<Names> (one per line, 'unset' when absent) to $Out, then exits with $Code.
        param([string]$Out, [string[]]$Names, [int]$Code = 0)
        $values = ($Names | ForEach-Object { "`$(if (`$null -eq `$env:$_) { 'unset' } else { `$env:$_ })" }) -join '|'
        return @('-NoLogo', '-NoProfile', '-NonInteractive', '-Command', "[System.IO.File]::WriteAllText('$Out', `"$values`"); exit $Code")
    }
}

AfterAll {
    Remove-Item -LiteralPath $Dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-KvProcess' {
    AfterEach { Use-KvTestVm }

    It 'gives the program the secrets in its environment only, from both reference forms' {
        $out = Join-Path $Dir 'env.txt'
        $r = Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'KV_ONE', 'KV_TWO', 'KV_UNSET') -Environment @{
            KV_ONE = 'kv://kv-demo/secret-for-vm'
            KV_TWO = '@Microsoft.KeyVault(VaultName=kv-demo;SecretName=secret-for-vm)'
        } -PassThru
        $r.PSObject.TypeNames | Should -Contain 'KvMi.ProcessResult'
        $r.ExitCode | Should -Be 0
        Get-Content -Raw -LiteralPath $out | Should -Be 'this-is-test-secret|this-is-test-secret|unset'
        $env:KV_ONE | Should -BeNullOrEmpty -Because 'the secret never enters this session'
    }

    It 'returns the program''s exit code with -PassThru, and writes a non-terminating ProcessExitCode error without it' {
        $out = Join-Path $Dir 'code.txt'
        (Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'S' -Code 42) -Environment @{ S = 'kv://kv-demo/secret-for-vm' } -PassThru).ExitCode | Should -Be 42
        $errors = $null
        Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'S' -Code 3) -Environment @{ S = 'kv://kv-demo/secret-for-vm' } -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be 'ProcessExitCode,Invoke-KvProcess'
        $errors[0].Exception.Message | Should -Match 'exited with code 3'
    }

    It 'starts nothing when a secret is missing, and returns kvmi''s not-found exit code' {
        $out = Join-Path $Dir 'missing.txt'
        $r = Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'S') -Environment @{ S = 'kv://kv-demo/secret-for-vm'; GONE = 'kv://kv-demo/no-such-secret' } -PassThru 2>$null
        $r.ExitCode | Should -Be 5
        Test-Path -LiteralPath $out | Should -BeFalse
    }

    It 'resolves and starts nothing with -WhatIf, and never shows a value in -Verbose' {
        $out = Join-Path $Dir 'whatif.txt'
        Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'S') -Environment @{ S = 'kv://kv-demo/secret-for-vm' } -WhatIf
        Test-Path -LiteralPath $out | Should -BeFalse
        $verbose = Invoke-KvProcess -FilePath $Pwsh -ArgumentList (Get-ChildArgument -Out $out -Names 'S') -Environment @{ S = 'kv://kv-demo/secret-for-vm' } -Verbose 4>&1 2>$null | Out-String
        $verbose | Should -Match 'kvmi run --env S=kv://kv-demo/secret-for-vm'
        $verbose | Should -Not -Match 'this-is-test-secret'
        Get-Content -Raw -LiteralPath $out | Should -Be 'this-is-test-secret'
    }

    It 'refuses an empty -Environment' {
        { Invoke-KvProcess -FilePath $Pwsh -Environment @{} } | Should -Throw -ErrorId 'NoEnvironment,Invoke-KvProcess'
    }
}
