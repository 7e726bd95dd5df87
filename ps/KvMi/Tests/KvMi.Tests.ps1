# Pester 5 tests of the KvMi module against the kvmi emulator started by Invoke-KvMiTests.ps1
# (the environment points KVMI_PATH at 'deno run src/main.ts' and the SDK variables at the emulator).

BeforeAll {
    Import-Module (Join-Path (Split-Path $PSScriptRoot -Parent) 'KvMi.psd1') -Force
    $script:Manifest = Get-Content -Raw -Path $env:KVMI_TEST_MANIFEST | ConvertFrom-Json
    $script:VaultScope = "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/$($Manifest.resourceGroup)/providers/Microsoft.KeyVault/vaults/kv-demo"
    function Use-Admin {
        $env:AZURE_CLIENT_ID = $Manifest.admin.clientId
        $env:AZURE_TENANT_ID = $Manifest.tenantId
        $env:AZURE_CLIENT_SECRET = $Manifest.admin.clientSecret
    }
    function Use-Vm {
        Remove-Item -Path @("env:AZURE_CLIENT_ID", "env:AZURE_TENANT_ID", "env:AZURE_CLIENT_SECRET") -ErrorAction SilentlyContinue
    }
}

AfterEach { Use-Vm; Disconnect-KvIdentity }

Describe 'Module' {
    It 'exports exactly the manifest functions, all with approved verbs' {
        $commands = Get-Command -Module KvMi
        $commands.Count | Should -Be 13
        $approved = (Get-Verb).Verb
        foreach ($c in $commands) { $approved | Should -Contain $c.Verb }
    }
    It 'has help with a synopsis and an example for <_>' -ForEach @(
        'Connect-KvIdentity', 'Disconnect-KvIdentity', 'Get-KvAccessToken', 'Get-KvSecret', 'Set-KvSecret', 'Remove-KvSecret',
        'Undo-KvSecretRemoval', 'Invoke-KvRestMethod', 'Get-KvVM', 'Get-KvKey', 'Invoke-KvKeyRelease', 'Get-KvImdsInstance', 'Get-KvScheduledEvent'
    ) {
        $help = Get-Help -Name $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$_\s*$"
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
    }
}

Describe 'Get-KvSecret' {
    It 'returns a KvMi.Secret whose SecretValue is a SecureString' {
        $s = Get-KvSecret -VaultName kv-demo -Name secret-for-vm
        $s.PSObject.TypeNames | Should -Contain 'KvMi.Secret'
        $s.SecretValue | Should -BeOfType [System.Security.SecureString]
        $s.Name | Should -Be 'secret-for-vm'
        $s.Version | Should -Match '^[0-9a-f]{32}$'
    }
    It 'returns the string with -AsPlainText' {
        Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText | Should -Be 'this-is-test-secret'
    }
    It 'never shows the value in the default table view' {
        $text = Get-KvSecret -VaultName kv-demo -Name secret-for-vm | Out-String
        $text | Should -Match 'secret-for-vm'
        $text | Should -Not -Match 'this-is-test-secret'
    }
    It 'accepts pipeline input by property name' {
        $item = [pscustomobject]@{ VaultName = 'kv-demo'; Name = 'secret-for-vm' }
        $item | Get-KvSecret -AsPlainText | Should -Be 'this-is-test-secret'
    }
    It 'throws ObjectNotFound for a missing secret' {
        { Get-KvSecret -VaultName kv-demo -Name no-such-secret -AsPlainText -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }
}

Describe 'Set-KvSecret, versions, removal and recovery' {
    It 'round-trips non-ASCII characters, quotes and a newline exactly' {
        Use-Admin
        $value = "p" + [char]0x00E4 + "ss `"quoted`" 'single'`nline two " + [char]0x2603
        $secure = New-Object System.Security.SecureString
        foreach ($ch in $value.ToCharArray()) { $secure.AppendChar($ch) }
        Set-KvSecret -VaultName kv-demo -Name ps-roundtrip -SecretValue $secure -ContentType 'text/plain' | Out-Null
        Get-KvSecret -VaultName kv-demo -Name ps-roundtrip -AsPlainText | Should -BeExactly $value
    }
    It 'does nothing with -WhatIf' {
        Use-Admin
        $secure = New-Object System.Security.SecureString
        'x'.ToCharArray() | ForEach-Object { $secure.AppendChar($_) }
        Set-KvSecret -VaultName kv-demo -Name ps-whatif -SecretValue $secure -WhatIf
        { Get-KvSecret -VaultName kv-demo -Name ps-whatif -ErrorAction Stop } | Should -Throw -ErrorId 'SecretNotFound,Get-KvSecret'
    }
    It 'lists versions and pipes them back into Get-KvSecret' {
        Use-Admin
        $secure = New-Object System.Security.SecureString
        'v2'.ToCharArray() | ForEach-Object { $secure.AppendChar($_) }
        Set-KvSecret -VaultName kv-demo -Name ps-roundtrip -SecretValue $secure | Out-Null
        $versions = Get-KvSecret -VaultName kv-demo -Name ps-roundtrip -IncludeVersions
        @($versions).Count | Should -Be 2
        @($versions | Get-KvSecret).Count | Should -Be 2
    }
    It 'removes, shows and recovers a secret' {
        Use-Admin
        Remove-KvSecret -VaultName kv-demo -Name ps-roundtrip -Confirm:$false
        (Get-KvSecret -VaultName kv-demo -InRemovedState).Name | Should -Contain 'ps-roundtrip'
        Undo-KvSecretRemoval -VaultName kv-demo -Name ps-roundtrip | Out-Null
        Get-KvSecret -VaultName kv-demo -Name ps-roundtrip -AsPlainText | Should -Be 'v2'
    }
}

Describe 'Seed story: the role is removed' {
    It 'throws a terminating PermissionDenied error naming the action and the role' {
        $oid = $Manifest.vm.principalId
        Use-Admin
        $list = Invoke-KvRestMethod -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments?`$filter=principalId eq '$oid'" -ApiVersion 2022-04-01
        $assignment = ($list.Content | ConvertFrom-Json).value | Where-Object { $_.properties.scope -eq $VaultScope }
        Invoke-KvRestMethod -Method DELETE -Path $assignment.id -ApiVersion 2022-04-01 -Confirm:$false | Out-Null
        Use-Vm
        try {
            Get-KvSecret -VaultName kv-demo -Name secret-for-vm -ErrorAction Stop
            throw 'expected an error'
        }
        catch {
            $_.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $_.FullyQualifiedErrorId | Should -Be 'ForbiddenByRbac,Get-KvSecret'
            $_.Exception.Message | Should -Match 'getSecret/action'
            $_.Exception.Message | Should -Match 'Key Vault Secrets User'
        }
        finally {
            Use-Admin
            $body = @{ properties = @{ roleDefinitionId = $assignment.properties.roleDefinitionId; principalId = $oid; principalType = 'ServicePrincipal' } } | ConvertTo-Json -Depth 5
            Invoke-KvRestMethod -Method PUT -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())" -ApiVersion 2022-04-01 -Payload $body -Confirm:$false | Out-Null
        }
    }
}

Describe 'Get-KvAccessToken and Connect-KvIdentity' {
    It 'returns a SecureString token with expiry and identity' {
        $t = Get-KvAccessToken -ResourceUrl 'https://vault.azure.net'
        $t.Token | Should -BeOfType [System.Security.SecureString]
        $t.UserId | Should -Be $Manifest.vm.principalId
        $t.ExpiresOn | Should -BeGreaterThan ([System.DateTimeOffset]::UtcNow)
        ($t | Out-String) | Should -Not -Match 'eyJ'
    }
    It 'uses the user-assigned identity chosen with Connect-KvIdentity' {
        $id = "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts"
        $who = Connect-KvIdentity -ResourceId $id
        $who.ObjectId | Should -Not -Be $Manifest.vm.principalId
        (Get-KvAccessToken).UserId | Should -Be $who.ObjectId
        { Get-KvSecret -VaultName kv-demo -Name secret-for-vm -ErrorAction Stop } | Should -Throw -ErrorId 'ForbiddenByRbac,Get-KvSecret'
    }
    It 'maps an unknown identity to AuthenticationError' {
        try { Connect-KvIdentity -ClientId '00000000-0000-0000-0000-000000000000'; throw 'expected an error' }
        catch { $_.CategoryInfo.Category | Should -Be 'AuthenticationError' }
    }
}

Describe 'ARM' {
    It 'Get-KvVM lists the VMs of the resource group' {
        (Get-KvVM).Name | Sort-Object | Should -Be @('vm-app-01', 'vm-demo')
    }
    It 'Invoke-KvRestMethod returns StatusCode, Content, Headers, Method and RequestUri' {
        $r = Invoke-KvRestMethod -Path "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines" -ApiVersion 2022-03-01
        $r.StatusCode | Should -Be 200
        $r.Method | Should -Be 'GET'
        (($r.Content | ConvertFrom-Json).value).Count | Should -Be 2
        $r.Headers.Keys | Should -Contain 'x-ms-request-id'
    }
    It 'Invoke-KvRestMethod -WhatIf sends nothing' {
        Use-Admin
        Invoke-KvRestMethod -Method DELETE -Path "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-app-01" -ApiVersion 2024-07-01 -WhatIf
        (Get-KvVM -Name vm-app-01).Name | Should -Be 'vm-app-01'
    }
}

Describe 'Keys, release and IMDS' {
    It 'Invoke-KvKeyRelease writes the released key' {
        $out = Join-Path ([System.IO.Path]::GetTempPath()) ("cvm-key-" + [guid]::NewGuid() + '.pem')
        $r = Invoke-KvKeyRelease -VaultName kv-demo -Name cvm-key -OutFile $out
        $r.KeyType | Should -Be 'RSA-HSM'
        (Get-Content -Raw $out) | Should -Match 'BEGIN PRIVATE KEY'
        Remove-Item $out
    }
    It 'Get-KvKey returns the exportable key for the admin' {
        Use-Admin
        $k = Get-KvKey -VaultName kv-demo -Name cvm-key
        $k.Exportable | Should -BeTrue
        $k.KeyType | Should -Be 'RSA-HSM'
    }
    It 'Get-KvImdsInstance and Get-KvScheduledEvent read IMDS' {
        (Get-KvImdsInstance).compute.name | Should -Be 'vm-demo'
        @(Get-KvScheduledEvent).Count | Should -BeGreaterOrEqual 0
    }
}

Describe 'Argument quoting for Windows PowerShell 5.1' {
    It 'quotes like CommandLineToArgvW: spaces, quotes, trailing backslashes and empty arguments' {
        InModuleScope KvMi {
            ConvertTo-KvArgumentString -Arguments @('plain', 'a b', 'x"y', 'c:\dir\', 'a b\', '') | Should -BeExactly 'plain "a b" "x\"y" c:\dir\ "a b\\" ""'
        }
    }
    It 'splits KVMI_PATH command lines with quoted paths' {
        InModuleScope KvMi {
            Split-KvCommandLine -CommandLine '"C:\Program Files\deno\deno.exe" run -A "C:\src\kvmi\src\main.ts"' | Should -Be @('C:\Program Files\deno\deno.exe', 'run', '-A', 'C:\src\kvmi\src\main.ts')
        }
    }
}
