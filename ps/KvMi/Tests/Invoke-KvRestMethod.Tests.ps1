# Invoke-KvRestMethod on the emulator: Invoke-AzRestMethod's shape, the raw body as Content,
# confirmation by method, pipelines of writes, errors by status.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:VmsPath = "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines"
}

Describe 'Invoke-KvRestMethod' {
    AfterEach { Use-KvTestVm }

    It 'returns StatusCode, Content, Headers, Method, RequestUri and Version (the second seed story: list the VMs)' {
        $r = Invoke-KvRestMethod -Path $VmsPath -ApiVersion 2022-03-01
        $r.PSObject.TypeNames | Should -Contain 'KvMi.HttpResponse'
        $r.StatusCode | Should -Be 200
        $r.Method | Should -Be 'GET'
        $r.RequestUri | Should -Be "$VmsPath`?api-version=2022-03-01"
        $r.Version | Should -Be '1.1'
        $r.Headers.Keys | Should -Contain 'x-ms-request-id'
        (($r.Content | ConvertFrom-Json).value.name | Sort-Object) | Should -Be @('vm-app-01', 'vm-demo')
    }

    It 'gives Content as the exact text the service sent (dates and empty arrays untouched)' {
        Use-KvTestAdmin
        $name = New-KvTestName 'ps-raw'
        $body = '{"value":"v","tags":{"when":"2024-05-06T07:08:09+09:00"},"contentType":"x"}'
        $put = Invoke-KvRestMethod -Method PUT -Uri "$($Manifest.vaults.'kv-demo')/secrets/${name}?api-version=7.5" -Payload $body
        $put.StatusCode | Should -Be 200
        $get = Invoke-KvRestMethod -Uri "$($Manifest.vaults.'kv-demo')/secrets/${name}?api-version=7.5"
        $get.Content | Should -BeOfType [string]
        $get.Content | Should -Match ([regex]::Escape('"when":"2024-05-06T07:08:09+09:00"'))
        $list = Invoke-KvRestMethod -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments?`$filter=principalId eq '00000000-0000-0000-0000-000000000000'" -ApiVersion 2022-04-01
        $list.Content | Should -Match '"value"\s*:\s*\[\s*\]'
    }

    It 'merges every page with -Paginate' {
        $r = Invoke-KvRestMethod -Path $VmsPath -ApiVersion 2022-03-01 -Paginate
        @(($r.Content | ConvertFrom-Json).value).Count | Should -Be 2
    }

    It 'sends nothing with -WhatIf' {
        Use-KvTestAdmin
        Invoke-KvRestMethod -Method DELETE -Path "$VmsPath/vm-app-01" -ApiVersion 2024-07-01 -WhatIf | Should -BeNullOrEmpty
        (Get-KvVM -Name vm-app-01).Name | Should -Be 'vm-app-01'
    }

    It 'asks before a DELETE, so a -NonInteractive host refuses it without -Force' {
        Use-KvTestAdmin
        $child = Invoke-KvTestChildPwsh -Command "Invoke-KvRestMethod -Method DELETE -Path '$VmsPath/vm-app-01' -ApiVersion 2024-07-01"
        $child.Output | Should -Match 'needs confirmation'
        (Get-KvVM -Name vm-app-01).Name | Should -Be 'vm-app-01'
    }

    It 'does not ask before a PUT by default' {
        Use-KvTestAdmin
        $name = New-KvTestName 'ps-put'
        $child = Invoke-KvTestChildPwsh -Command "(Invoke-KvRestMethod -Method PUT -Uri '$($Manifest.vaults.'kv-demo')/secrets/${name}?api-version=7.5' -Payload '{`"value`":`"p`"}').StatusCode"
        $child.Output.Trim() | Should -Be '200'
    }

    It 'ends with PermissionDenied naming the action when ARM refuses' {
        $body = @{ properties = @{ roleDefinitionId = '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635'; principalId = $Manifest.vm.principalId } } | ConvertTo-Json
        try { Invoke-KvRestMethod -Method PUT -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())" -ApiVersion 2022-04-01 -Payload $body -Confirm:$false; throw 'expected an error' }
        catch {
            $_.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $_.FullyQualifiedErrorId | Should -Match '^AuthorizationFailed,Invoke-KvRestMethod$'
            $_.Exception.Message | Should -Match 'Microsoft.Authorization/roleAssignments/write'
        }
    }

    It 'writes a 404 as a non-terminating ObjectNotFound' {
        Invoke-KvRestMethod -Path "$VmsPath/vm-none" -ApiVersion 2024-07-01 -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
