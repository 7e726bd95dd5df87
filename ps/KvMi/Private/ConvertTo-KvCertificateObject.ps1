function ConvertTo-KvCertificateObject {
    <#
    .SYNOPSIS
    Turns a Key Vault certificate bundle or list item (kvmi JSON) into a KvMi.Certificate object.

    .DESCRIPTION
    Thumbprint is the upper-case hex of Key Vault's x5t (base64url SHA-1), as Windows shows it.
    NotBefore and NotAfter are the certificate's validity (Key Vault mirrors them in nbf and exp).
    A bundle with its DER certificate (cer) also gets Subject, Issuer and Certificate (an
    X509Certificate2 without a private key); list items have no cer, so those are $null.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)][psobject]$Bundle,
        [Parameter(Mandatory = $true)][string]$VaultName
    )

    $id = [string]$Bundle.id
    $parts = Split-KvObjectId -Id $id
    $attributes = $Bundle.attributes
    $get = { param($name) if ($null -ne $attributes -and $null -ne $attributes.PSObject.Properties[$name]) { $attributes.$name } else { $null } }
    $member = { param($name) if ($null -ne $Bundle.PSObject.Properties[$name]) { $Bundle.$name } else { $null } }
    $tags = ConvertTo-KvTagTable -Bundle $Bundle
    $thumbprint = $null
    $x5t = & $member 'x5t'
    if ($x5t) { $thumbprint = ConvertFrom-KvBase64Url -Text ([string]$x5t) -AsHex }
    $certificate = $null
    $cer = & $member 'cer'
    if ($cer) {
        $certificate = New-Object System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(, [System.Convert]::FromBase64String([string]$cer))
    }
    $object = [ordered]@{
        PSTypeName  = 'KvMi.Certificate'
        VaultName   = $VaultName
        Name        = $parts.Name
        Version     = $parts.Version
        Id          = $id
        Subject     = $null
        Issuer      = $null
        Thumbprint  = $thumbprint
        NotBefore   = ConvertFrom-KvUnixTime -Seconds (& $get 'nbf')
        NotAfter    = ConvertFrom-KvUnixTime -Seconds (& $get 'exp')
        Enabled     = & $get 'enabled'
        Created     = ConvertFrom-KvUnixTime -Seconds (& $get 'created')
        Updated     = ConvertFrom-KvUnixTime -Seconds (& $get 'updated')
        Tags        = $tags
        KeyId       = & $member 'kid'
        SecretId    = & $member 'sid'
        Certificate = $certificate
        Policy      = & $member 'policy'
    }
    if ($null -ne $certificate) {
        $object.Subject = $certificate.Subject
        $object.Issuer = $certificate.Issuer
    }
    return [pscustomobject]$object
}
