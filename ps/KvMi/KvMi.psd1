@{
    RootModule           = 'KvMi.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f1a47-3c0e-4d55-9d3e-7f1c6a2e4b91'
    Author               = 'kvmi developers'
    CompanyName          = 'kvmi'
    Copyright            = '(c) kvmi developers. All rights reserved.'
    Description          = 'Azure managed identity, Key Vault, ARM and Secure Key Release for scripts and scheduled tasks, without a credential in the script. A thin wrapper around the kvmi executable that emits objects.'
    CompatiblePSEditions = @('Desktop', 'Core')
    PowerShellVersion    = '5.1'
    FormatsToProcess     = @('KvMi.Format.ps1xml')
    FunctionsToExport    = @(
        'Approve-KvScheduledEvent',
        'Clear-KvTokenCache',
        'Connect-KvIdentity',
        'Disconnect-KvIdentity',
        'Get-KvAccessToken',
        'Get-KvSecret',
        'Set-KvSecret',
        'Remove-KvSecret',
        'Undo-KvSecretRemoval',
        'Invoke-KvRestMethod',
        'Get-KvVM',
        'Get-KvKey',
        'Get-KvCertificate',
        'Import-KvCertificate',
        'Invoke-KvKeyRelease',
        'Invoke-KvProcess',
        'Get-KvImdsInstance',
        'Get-KvScheduledEvent'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Azure', 'KeyVault', 'ManagedIdentity', 'IMDS', 'SecureKeyRelease', 'ARM', 'Certificates')
            ProjectUri = 'https://github.com/kvmi/kvmi'
        }
    }
}
