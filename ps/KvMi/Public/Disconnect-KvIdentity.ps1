function Disconnect-KvIdentity {
    <#
    .SYNOPSIS
    Forgets the identity chosen with Connect-KvIdentity; later cmdlets use the default identity.

    .DESCRIPTION
    Clears the user-assigned identity (or cloud) that Connect-KvIdentity chose for this session.
    Later KvMi cmdlets use the VM's system-assigned identity again, or the service principal named by
    the AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET variables when they are set. Nothing
    is written to disk, so other sessions and scheduled tasks are not affected.

    .EXAMPLE
    Disconnect-KvIdentity
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $script:KvIdentity = @{}
}
