function Remove-KvSecret {
    <#
    .SYNOPSIS
    Deletes a Key Vault secret (soft delete), or purges a deleted one with -InRemovedState.

    .DESCRIPTION
    Like Remove-AzKeyVaultSecret: a soft-deleted secret can be brought back with
    Undo-KvSecretRemoval until it is purged. Asks for confirmation unless -Force or -Confirm:$false
    is given (a scheduled task runs with -NonInteractive, where a prompt is an error); -WhatIf shows
    what would be deleted. VaultName and Name bind from the pipeline by property name.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The secret name.

    .PARAMETER InRemovedState
    Purge (permanently delete) a secret that is already soft-deleted.

    .PARAMETER PassThru
    Return the deleted secret.

    .PARAMETER Force
    Do not ask for confirmation (for scheduled tasks), as Remove-AzKeyVaultSecret -Force does.

    .EXAMPLE
    Remove-KvSecret -VaultName kv-demo -Name old-secret -Force

    .EXAMPLE
    Remove-KvSecret -VaultName kv-demo -Name old-secret -InRemovedState -Confirm:$false
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('KvMi.DeletedSecret')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)][ValidateNotNullOrEmpty()][string]$VaultName,
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)][Alias('SecretName')][ValidateNotNullOrEmpty()][string]$Name,
        [switch]$InRemovedState,
        [switch]$PassThru,
        [switch]$Force
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        if ($InRemovedState) {
            if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name" -Action 'Purge deleted secret')) { return }
            [void](Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'purge', '--vault', $VaultName, '--name', $Name) -TargetObject $Name)
            return
        }
        if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "$VaultName/$Name" -Action 'Delete secret')) { return }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'delete', '--vault', $VaultName, '--name', $Name) -TargetObject $Name
        if ($PassThru -and $null -ne $bundle) { ConvertTo-KvSecretObject -Bundle $bundle -VaultName $VaultName }
    }
}
