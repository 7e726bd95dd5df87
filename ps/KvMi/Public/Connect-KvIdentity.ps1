function Connect-KvIdentity {
    <#
    .SYNOPSIS
    Chooses the managed identity that the KvMi cmdlets use for the rest of this session.

    .DESCRIPTION
    Like Connect-AzAccount -Identity: without parameters the VM's system-assigned identity is used;
    -ClientId, -ObjectId or -ResourceId select a user-assigned identity. The choice is kept in the
    module's scope only (no files, no global state), so scheduled tasks never share or lock it.
    The identity is checked by getting a token, and described without printing the token.

    .PARAMETER ClientId
    Client (application) id of a user-assigned managed identity.

    .PARAMETER ObjectId
    Object (principal) id of a user-assigned managed identity.

    .PARAMETER ResourceId
    ARM resource id of a user-assigned managed identity.

    .PARAMETER Cloud
    AzureCloud, AzureUSGovernment, AzureChinaCloud, or the path of a custom cloud profile.

    .EXAMPLE
    Connect-KvIdentity -ClientId 11111111-2222-3333-4444-555555555555

    .EXAMPLE
    Connect-KvIdentity -ResourceId /subscriptions/SUB/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-scripts

    .OUTPUTS
    KvMi.Identity
    #>
    [CmdletBinding(DefaultParameterSetName = 'SystemAssigned')]
    [OutputType('KvMi.Identity')]
    param(
        [Parameter(Mandatory = $true, ParameterSetName = 'ClientId')][ValidatePattern('^[0-9a-fA-F-]{36}$')][string]$ClientId,
        [Parameter(Mandatory = $true, ParameterSetName = 'ObjectId')][ValidatePattern('^[0-9a-fA-F-]{36}$')][string]$ObjectId,
        [Parameter(Mandatory = $true, ParameterSetName = 'ResourceId')][ValidateNotNullOrEmpty()][string]$ResourceId,
        [ValidateNotNullOrEmpty()][string]$Cloud
    )

    $previous = $script:KvIdentity
    $script:KvIdentity = @{}
    if ($ClientId) { $script:KvIdentity.ClientId = $ClientId }
    if ($ObjectId) { $script:KvIdentity.ObjectId = $ObjectId }
    if ($ResourceId) { $script:KvIdentity.ResourceId = $ResourceId }
    if ($Cloud) { $script:KvIdentity.Cloud = $Cloud }
    # A failure ends this cmdlet with ThrowTerminatingError, which no catch here sees: put the
    # previous choice back in finally.
    $connected = $false
    try {
        $who = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments @('whoami') -ParameterMap @{ '--client-id' = '-ClientId'; '--object-id' = '-ObjectId'; '--msi-res-id' = '-ResourceId'; '--cloud' = '-Cloud' }
        $connected = $null -ne $who
    }
    finally {
        if (-not $connected) { $script:KvIdentity = $previous }
    }
    if (-not $connected) { return }
    [pscustomobject]@{
        PSTypeName = 'KvMi.Identity'
        Source     = $who.source
        TenantId   = $who.tenantId
        ObjectId   = $who.objectId
        ClientId   = $who.clientId
        ResourceId = $who.resourceId
        Cloud      = $who.cloud
    }
}
