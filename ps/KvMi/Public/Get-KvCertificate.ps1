function Get-KvCertificate {
    <#
    .SYNOPSIS
    Gets Key Vault certificates with the managed identity, like Get-AzKeyVaultCertificate.

    .DESCRIPTION
    With -Name, returns the certificate (latest, or -Version) as a KvMi.Certificate: Subject,
    Issuer, Thumbprint (the hex form of Key Vault's x5t, as the Windows certificate store shows it),
    NotBefore, NotAfter, Version, Enabled, the certificate itself as an X509Certificate2 (public
    part only) and its policy. Without -Name, lists the vault's certificates; -IncludeVersions
    lists every version of one. List items carry Thumbprint, NotBefore, NotAfter and Version but
    no Subject (Key Vault's lists have no certificate): pipe them to Get-KvCertificate for the
    details. VaultName, Name and Version bind from the pipeline by property name; a missing
    certificate is a non-terminating error. The private key is never read here (see
    Import-KvCertificate). Needs a role with certificates/read, such as Key Vault Certificate User.

    .PARAMETER VaultName
    The vault name (or its https URL).

    .PARAMETER Name
    The certificate name; without it, the vault's certificates are listed.

    .PARAMETER Version
    A specific version (32 hexadecimal characters).

    .PARAMETER IncludeVersions
    List every version of the certificate.

    .EXAMPLE
    Get-KvCertificate -VaultName kv-demo -Name web

    .EXAMPLE
    Get-KvCertificate -VaultName kv-demo | Where-Object NotAfter -lt (Get-Date).AddDays(30)

    .EXAMPLE
    Get-KvCertificate -VaultName kv-demo -Name web -IncludeVersions | Get-KvCertificate | Select-Object Version, Subject, Thumbprint

    .OUTPUTS
    KvMi.Certificate
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByVaultName')]
    [OutputType('KvMi.Certificate')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string]$VaultName,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'ByVaultName')]
        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'ByCertificateVersions')]
        [Alias('CertificateName')]
        [string]$Name,

        [Parameter(Position = 2, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'ByVaultName')]
        [string]$Version,

        [Parameter(Mandatory = $true, ParameterSetName = 'ByCertificateVersions')]
        [switch]$IncludeVersions
    )

    process {
        if ($IncludeVersions) {
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('cert', 'versions', '--vault', $VaultName, '--name', $Name) -TargetObject $Name
            foreach ($item in $items) { ConvertTo-KvCertificateObject -Bundle $item -VaultName $VaultName }
            return
        }
        if (-not $Name) {
            $items = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('cert', 'list', '--vault', $VaultName) -TargetObject $VaultName
            foreach ($item in $items) { ConvertTo-KvCertificateObject -Bundle $item -VaultName $VaultName }
            return
        }
        $arguments = @('cert', 'show', '--vault', $VaultName, '--name', $Name)
        if ($Version) { $arguments += @('--version', $Version) }
        $bundle = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -TargetObject $Name
        if ($null -eq $bundle) { return }
        ConvertTo-KvCertificateObject -Bundle $bundle -VaultName $VaultName
    }
}
