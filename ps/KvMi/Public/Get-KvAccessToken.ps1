function Get-KvAccessToken {
    <#
    .SYNOPSIS
    Gets an access token for a resource from the managed identity, like Get-AzAccessToken.

    .DESCRIPTION
    Returns a KvMi.AccessToken whose Token is a SecureString (as in Az.Accounts 5 / Az 14), with
    ExpiresOn, TenantId, UserId (the identity's object id), ClientId and Type 'Bearer'. The
    default view never shows the token.

    .PARAMETER ResourceTypeName
    Arm (default), KeyVault, MSGraph, Storage or Attestation.

    .PARAMETER ResourceUrl
    The audience (resource) of the token, e.g. https://vault.azure.net.

    .PARAMETER AsSecureString
    Accepted for compatibility with Get-AzAccessToken scripts; Token is always a SecureString.

    .EXAMPLE
    $t = Get-KvAccessToken -ResourceUrl https://vault.azure.net
    $t.ExpiresOn

    .EXAMPLE
    Get-KvAccessToken -ResourceTypeName KeyVault

    .OUTPUTS
    KvMi.AccessToken
    #>
    [CmdletBinding(DefaultParameterSetName = 'KnownResourceTypeName')]
    [OutputType('KvMi.AccessToken')]
    param(
        [Parameter(ParameterSetName = 'KnownResourceTypeName')]
        [ValidateSet('Arm', 'KeyVault', 'MSGraph', 'Storage', 'Attestation')]
        [string]$ResourceTypeName = 'Arm',

        [Parameter(Mandatory = $true, ParameterSetName = 'ResourceUrl')]
        [Alias('Resource', 'ResourceUri')]
        [ValidateNotNullOrEmpty()]
        [string]$ResourceUrl,

        [switch]$AsSecureString
    )

    $known = @{
        Arm         = 'https://management.azure.com/'
        KeyVault    = 'https://vault.azure.net'
        MSGraph     = 'https://graph.microsoft.com/'
        Storage     = 'https://storage.azure.com/'
        Attestation = 'https://attest.azure.net'
    }
    $resource = $ResourceUrl
    if ($PSCmdlet.ParameterSetName -eq 'KnownResourceTypeName') { $resource = $known[$ResourceTypeName] }
    $raw = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('token', '--resource', $resource) -Output 'raw' -ParameterMap @{ '--resource' = '-ResourceUrl' }
    if ($null -eq $raw) { return }
    $raw = $raw.Trim()
    $claims = ConvertFrom-KvJwt -Token $raw
    $expires = $null
    if ($null -ne $claims -and $null -ne $claims.PSObject.Properties['exp']) { $expires = [System.DateTimeOffset]::FromUnixTimeSeconds([long]$claims.exp) }
    $get = { param($name) if ($null -ne $claims -and $null -ne $claims.PSObject.Properties[$name]) { [string]$claims.$name } else { $null } }
    [pscustomobject]@{
        PSTypeName = 'KvMi.AccessToken'
        Token      = ConvertTo-KvSecureString -Text $raw
        ExpiresOn  = $expires
        TenantId   = & $get 'tid'
        UserId     = & $get 'oid'
        ClientId   = & $get 'appid'
        Resource   = $resource
        Type       = 'Bearer'
    }
}
