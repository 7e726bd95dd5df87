function Clear-KvTokenCache {
    <#
    .SYNOPSIS
    Empties kvmi's per-user token cache, so the next command fetches fresh tokens.

    .DESCRIPTION
    kvmi keeps access tokens (never secrets or keys) in a per-user cache shared by every kvmi
    process, and so by every KvMi cmdlet and scheduled task of this user: Get-KvAccessToken,
    Get-KvSecret and the others reuse one token per identity and resource until five minutes
    before it expires. The cache is %LOCALAPPDATA%\kvmi\tokens on Windows (protected with DPAPI),
    else $XDG_CACHE_HOME/kvmi/tokens or ~/.cache/kvmi/tokens, or $env:KVMI_TOKEN_CACHE_DIR.
    Clear-KvTokenCache runs 'kvmi token cache clear': use it after a role or group change you want
    seen at once. It supports -WhatIf and -Confirm. Set $env:KVMI_TOKEN_CACHE = 'off' to stop
    caching altogether.

    .PARAMETER PassThru
    Return an object with the cache Folder and how many files were Removed.

    .EXAMPLE
    Clear-KvTokenCache

    .EXAMPLE
    Clear-KvTokenCache -PassThru | Select-Object Folder, Removed

    .EXAMPLE
    Clear-KvTokenCache -WhatIf
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('KvMi.TokenCacheCleared')]
    param(
        [switch]$PassThru
    )

    if (-not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target "kvmi token cache of $([System.Environment]::UserName)" -Action 'Remove every cached access token')) { return }
    $result = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('token', 'cache', 'clear')
    if ($PassThru -and $null -ne $result) {
        [pscustomobject]@{ PSTypeName = 'KvMi.TokenCacheCleared'; Folder = [string]$result.folder; Removed = [int]$result.removed }
    }
}
