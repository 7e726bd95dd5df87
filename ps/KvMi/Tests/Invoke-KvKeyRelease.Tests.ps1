# Invoke-KvKeyRelease on the emulator's simulated confidential VM: Secure Key Release end to end.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:OutDir = Join-Path ([System.IO.Path]::GetTempPath()) ('kvmi-release-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $OutDir | Out-Null
}

AfterAll { Remove-Item -Recurse -Force -Path $OutDir -ErrorAction SilentlyContinue }

Describe 'Invoke-KvKeyRelease' {
    It 'attests, releases and writes the unwrapped private key readable by its owner only' {
        $out = Join-Path $OutDir 'cvm-key.pem'
        $r = Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile $out
        $r.PSObject.TypeNames | Should -Contain 'KvMi.KeyRelease'
        $r.KeyType | Should -Be 'RSA-HSM'
        $r.OutFile | Should -Be $out
        (Get-Content -Raw $out) | Should -Match '-----BEGIN PRIVATE KEY-----'
        if (-not $OnWindows) { ((& stat -c '%a' $out) | Out-String).Trim() | Should -Be '600' }
        ($r | Out-String) | Should -Not -Match 'PRIVATE KEY'
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $OutDir 'whatif.pem'
        Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile $out -WhatIf
        Test-Path $out | Should -BeFalse
    }

    It 'refuses to overwrite without -Force, saying -Force (not --force)' {
        $out = Join-Path $OutDir 'exists.pem'
        Set-Content -Path $out -Value 'keep me'
        try { Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile $out; throw 'expected an error' }
        catch {
            $_.FullyQualifiedErrorId | Should -Be 'UsageError,Invoke-KvKeyRelease'
            $_.CategoryInfo.Category | Should -Be 'InvalidArgument'
            ($_.Exception.Message + ' ' + $_.ErrorDetails.RecommendedAction) | Should -Match '(^|\s)-Force\b'
            ($_.Exception.Message + ' ' + $_.ErrorDetails.RecommendedAction) | Should -Not -Match '--force'
        }
        (Get-Content -Raw $out).Trim() | Should -Be 'keep me'
        Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile $out -Force | Out-Null
        (Get-Content -Raw $out) | Should -Match 'BEGIN PRIVATE KEY'
    }

    It 'is refused for an identity without the release role' {
        Connect-KvIdentity -ResourceId "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts" | Out-Null
        try {
            { Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile (Join-Path $OutDir 'refused.pem') } | Should -Throw -ErrorId 'ForbiddenByRbac,Invoke-KvKeyRelease'
            Test-Path (Join-Path $OutDir 'refused.pem') | Should -BeFalse
        }
        finally { Disconnect-KvIdentity }
    }
}
