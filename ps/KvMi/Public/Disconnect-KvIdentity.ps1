function Disconnect-KvIdentity {
    <#
    .SYNOPSIS
    Forgets the identity chosen with Connect-KvIdentity; later cmdlets use the default identity.

    .EXAMPLE
    Disconnect-KvIdentity
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    $script:KvIdentity = @{}
}
