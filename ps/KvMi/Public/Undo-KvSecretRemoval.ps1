function Undo-KvSecretRemoval {
    <#
    .SYNOPSIS
    Recovers a soft-deleted Key Vault secret, like Undo-AzKeyVaultSecretRemoval.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The secret name.

    .EXAMPLE
    Undo-KvSecretRemoval -VaultName kv-demo -Name old-secret

    .OUTPUTS
    KvMi.SecretIdentityItem
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Low')]
    [OutputType('KvMi.SecretIdentityItem')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('SecretName')][ValidateNotNullOrEmpty()][string]$Name
    )

    process {
        if (-not $PSCmdlet.ShouldProcess("$VaultName/$Name", 'Recover deleted secret')) { return }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'recover', '--vault', $VaultName, '--name', $Name) -TargetObject $Name | ConvertFrom-Json
        ConvertTo-KvSecretObject -Bundle $bundle -VaultName $VaultName
    }
}
