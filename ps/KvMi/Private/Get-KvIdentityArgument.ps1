function Get-KvIdentityArgument {
    <#
    .SYNOPSIS
    The kvmi arguments for the identity chosen with Connect-KvIdentity in this session.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param()

    $arguments = @()
    if ($script:KvIdentity.ContainsKey('ClientId')) { $arguments += @('--client-id', $script:KvIdentity.ClientId) }
    if ($script:KvIdentity.ContainsKey('ObjectId')) { $arguments += @('--object-id', $script:KvIdentity.ObjectId) }
    if ($script:KvIdentity.ContainsKey('ResourceId')) { $arguments += @('--msi-res-id', $script:KvIdentity.ResourceId) }
    if ($script:KvIdentity.ContainsKey('Cloud')) { $arguments += @('--cloud', $script:KvIdentity.Cloud) }
    return [string[]]$arguments
}
