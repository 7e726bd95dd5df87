function Get-KvSecret {
    <#
    .SYNOPSIS
    Gets Key Vault secrets with the managed identity, like Get-AzKeyVaultSecret.

    .DESCRIPTION
    With -Name, returns the secret (latest, or -Version) as a KvMi.Secret whose SecretValue is a
    SecureString; -AsPlainText returns just the value as a string. Without -Name, lists the
    vault's secrets (no values). -IncludeVersions lists a secret's versions. -InRemovedState
    shows soft-deleted secrets. Pipeline input by property name (VaultName, Name, Version), so
    the output of Get-KvSecret, Import-Csv or any object with those properties can be piped in.
    A secret that is missing or disabled is a non-terminating error (the pipeline goes on with the
    next one; -ErrorAction Stop makes it terminating); a refusal by RBAC, an authentication or a
    network failure ends the command.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The secret name.

    .PARAMETER Version
    A specific version (32 hexadecimal characters).

    .PARAMETER AsPlainText
    Return the value as a plain string.

    .PARAMETER IncludeVersions
    List every version of the secret (no values).

    .PARAMETER InRemovedState
    Show soft-deleted secrets instead.

    .EXAMPLE
    Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText

    .EXAMPLE
    Get-KvSecret -VaultName kv-demo -Name app-pw -IncludeVersions | Get-KvSecret

    .EXAMPLE
    Get-KvSecret -VaultName kv-demo

    .EXAMPLE
    Import-Csv .\secrets.csv | Get-KvSecret -AsPlainText

    .OUTPUTS
    KvMi.Secret, KvMi.SecretIdentityItem, KvMi.DeletedSecret, System.String
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByVaultName')]
    [OutputType('KvMi.Secret', 'KvMi.SecretIdentityItem', [string])]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string]$VaultName,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'ByVaultName')]
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'BySecretVersions')]
        [Alias('SecretName')]
        [string]$Name,

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'ByVaultName')]
        [Alias('SecretVersion')]
        [string]$Version,

        [Parameter(ParameterSetName = 'ByVaultName')]
        [switch]$AsPlainText,

        [Parameter(Mandatory = $true, ParameterSetName = 'BySecretVersions')]
        [switch]$IncludeVersions,

        [Parameter(ParameterSetName = 'ByVaultName')]
        [switch]$InRemovedState
    )

    process {
        if ($IncludeVersions) {
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'versions', '--vault', $VaultName, '--name', $Name) -TargetObject $Name
            foreach ($item in $items) { ConvertTo-KvSecretObject -Bundle $item -VaultName $VaultName }
            return
        }
        if ($InRemovedState) {
            $arguments = @('secret', 'show-deleted', '--vault', $VaultName)
            if ($Name) { $arguments += @('--name', $Name) }
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name
            foreach ($item in $items) { ConvertTo-KvSecretObject -Bundle $item -VaultName $VaultName }
            return
        }
        if (-not $Name) {
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('secret', 'list', '--vault', $VaultName) -TargetObject $VaultName
            foreach ($item in $items) { ConvertTo-KvSecretObject -Bundle $item -VaultName $VaultName }
            return
        }
        $arguments = @('secret', 'get', '--vault', $VaultName, '--name', $Name)
        if ($Version) { $arguments += @('--version', $Version) }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name
        if ($null -eq $bundle) { return }
        if ($AsPlainText) {
            return [string]$bundle.value
        }
        ConvertTo-KvSecretObject -Bundle $bundle -VaultName $VaultName
    }
}
