function Undo-KvSecretRemoval {
    <#
    .SYNOPSIS
    Recovers a soft-deleted Key Vault secret, like Undo-AzKeyVaultSecretRemoval.

    .DESCRIPTION
    Brings a deleted secret back with all its versions, as long as it has not been purged and the
    vault's retention period has not passed. Supports -WhatIf and -Confirm. VaultName and Name bind
    from the pipeline by property name, so the output of Get-KvSecret -InRemovedState can be piped in.

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
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name" -Action 'Recover deleted secret')) { return }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'recover', '--vault', $VaultName, '--name', $Name) -TargetObject $Name
        if ($null -ne $bundle) { ConvertTo-KvSecretObject -Bundle $bundle -VaultName $VaultName }
    }
}
