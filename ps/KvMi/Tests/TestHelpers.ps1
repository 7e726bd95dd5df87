# Shared by every KvMi Pester file: dot-source it in the file's BeforeAll. The emulator and the
# environment (KVMI_PATH, the emulator's variables, KVMI_TEST_MANIFEST) come from
# Invoke-KvMiTests.ps1; one emulator serves the whole run, so tests create uniquely named objects
# and put back any role they take away.

Import-Module (Join-Path (Split-Path $PSScriptRoot -Parent) 'KvMi.psd1') -Force
$script:Manifest = Get-Content -Raw -Path $env:KVMI_TEST_MANIFEST | ConvertFrom-Json
# Tests that need a POSIX shell, chmod or the Linux zip are skipped on Windows (with Pester's reason).
$script:OnWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
$script:VaultScope = "/subscriptions/$($Manifest.subscriptionId)/resourceGroups/$($Manifest.resourceGroup)/providers/Microsoft.KeyVault/vaults/kv-demo"

function Use-KvTestAdmin {
    # The emulator's admin service principal (Owner, Key Vault Administrator) through AZURE_* variables.
    $env:AZURE_CLIENT_ID = $Manifest.admin.clientId
    $env:AZURE_TENANT_ID = $Manifest.tenantId
    $env:AZURE_CLIENT_SECRET = $Manifest.admin.clientSecret
}

function Use-KvTestVm {
    # The VM's system-assigned managed identity (no AZURE_* variables, no Connect-KvIdentity choice).
    Remove-Item -Path @('env:AZURE_CLIENT_ID', 'env:AZURE_TENANT_ID', 'env:AZURE_CLIENT_SECRET') -ErrorAction SilentlyContinue
    Disconnect-KvIdentity
}

function New-KvTestSecureString {
    param([AllowEmptyString()][string]$Text)
    $secure = New-Object System.Security.SecureString
    foreach ($ch in $Text.ToCharArray()) { $secure.AppendChar($ch) }
    $secure.MakeReadOnly()
    return $secure
}

function New-KvTestName {
    param([string]$Prefix)
    return ('{0}-{1}' -f $Prefix, ([guid]::NewGuid().ToString('N').Substring(0, 10)))
}

function Get-KvTestVmRoleAssignment {
    # The VM identity's role assignment at the vault scope (Key Vault Secrets User in the seed).
    $oid = $Manifest.vm.principalId
    $list = Invoke-KvRestMethod -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments?`$filter=principalId eq '$oid'" -ApiVersion 2022-04-01
    return (($list.Content | ConvertFrom-Json).value | Where-Object { $_.properties.scope -eq $VaultScope })
}

function Add-KvTestRoleAssignment {
    param([string]$RoleDefinitionId, [string]$PrincipalId)
    $body = @{ properties = @{ roleDefinitionId = $RoleDefinitionId; principalId = $PrincipalId; principalType = 'ServicePrincipal' } } | ConvertTo-Json -Depth 5
    Invoke-KvRestMethod -Method PUT -Path "$VaultScope/providers/Microsoft.Authorization/roleAssignments/$([guid]::NewGuid())" -ApiVersion 2022-04-01 -Payload $body -Confirm:$false | Out-Null
}

function Wait-KvTestDeleted {
    # Key Vault (and the emulator) take a moment before a deleted secret shows as deleted.
    param([string]$Name)
    for ($i = 0; $i -lt 50; $i++) {
        if ((Get-KvSecret -VaultName kv-demo -InRemovedState).Name -contains $Name) { return }
        Start-Sleep -Milliseconds 100
    }
    throw "The deleted secret $Name never showed in the deleted list."
}

function Invoke-KvTestChildPwsh {
    # Runs commands in a new 'pwsh -NoProfile -NonInteractive' with KvMi imported, as a scheduled
    # task would; returns its combined output and exit code.
    param([string]$Command)
    $pwsh = $env:KVMI_TEST_PWSH  # the pwsh that runs the suite (tests/powershell/run_pester.ts sets it)
    $module = Join-Path (Split-Path $PSScriptRoot -Parent) 'KvMi.psd1'
    $output = & $pwsh -NoLogo -NoProfile -NonInteractive -Command "Import-Module '$module'; $Command" 2>&1 | Out-String
    return [pscustomobject]@{ Output = $output; ExitCode = $LASTEXITCODE }
}
