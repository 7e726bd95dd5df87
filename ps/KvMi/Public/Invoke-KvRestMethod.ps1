function Invoke-KvRestMethod {
    <#
    .SYNOPSIS
    Calls an Azure REST API with the managed identity, like Invoke-AzRestMethod.

    .DESCRIPTION
    -Path goes to the cloud's ARM endpoint (add -ApiVersion, or put ?api-version= in the path);
    -Uri calls any https URL: ARM, Key Vault and Microsoft Graph get their token automatically,
    other hosts get one only when -ResourceId names the audience. -Paginate merges every page;
    -WaitForCompletion follows a long-running operation to its final result. Returns StatusCode,
    Content (the response body exactly as the service sent it, as Invoke-AzRestMethod does),
    Headers, Method, RequestUri and Version. Writes (every method but GET) support -WhatIf and
    -Confirm; DELETE asks for confirmation unless -Force or -Confirm:$false is given (a scheduled
    task runs with -NonInteractive, where a prompt is an error). The payload travels on standard
    input. A response that is not a success ends the command with an ErrorRecord (Az returns it as
    an object): the category follows the status (403 PermissionDenied, 404 ObjectNotFound, ...).

    .PARAMETER Path
    An ARM path such as /subscriptions/{id}/resourceGroups.

    .PARAMETER Uri
    A full https URL.

    .PARAMETER ResourceId
    The token audience for -Uri on a host kvmi does not know.

    .PARAMETER Method
    GET (default), PUT, PATCH, POST or DELETE.

    .PARAMETER Payload
    The JSON request body.

    .PARAMETER ApiVersion
    Appended as ?api-version= when the path has none.

    .PARAMETER Paginate
    Follow nextLink and merge the value arrays.

    .PARAMETER WaitForCompletion
    Follow Azure-AsyncOperation/Location to the final result.

    .PARAMETER Force
    Do not ask for confirmation, for DELETE in unattended scripts.

    .EXAMPLE
    Invoke-KvRestMethod -Path "/subscriptions/$sub/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines" -ApiVersion 2022-03-01

    .EXAMPLE
    Invoke-KvRestMethod -Method PUT -Path $vmPath -ApiVersion 2024-07-01 -Payload (Get-Content vm.json -Raw) -WaitForCompletion

    .EXAMPLE
    Invoke-KvRestMethod -Method DELETE -Path "/subscriptions/$sub/resourceGroups/rg-old" -ApiVersion 2021-04-01 -Force

    .OUTPUTS
    KvMi.HttpResponse
    #>
    [CmdletBinding(DefaultParameterSetName = 'ByPath', SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType('KvMi.HttpResponse')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'ByPath')][ValidatePattern('^/')][string]$Path,
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'ByURI')][uri]$Uri,
        [Parameter(ParameterSetName = 'ByURI')][string]$ResourceId,
        [ValidateSet('GET', 'PUT', 'PATCH', 'POST', 'DELETE')][string]$Method = 'GET',
        [string]$Payload,
        [string]$ApiVersion,
        [switch]$Paginate,
        [switch]$WaitForCompletion,
        [switch]$Force
    )

    # DELETE asks for confirmation by default (as Az's Remove- cmdlets do); other writes only when
    # $ConfirmPreference is Medium or lower, or with -Confirm. -Force or -Confirm:$false skip it.
    if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    elseif ($Method -ne 'DELETE' -and $ConfirmPreference -eq 'High') { $ConfirmPreference = 'None' }

    $target = $Path
    if ($PSCmdlet.ParameterSetName -eq 'ByURI') { $target = $Uri.AbsoluteUri }
    if ($ApiVersion -and $target -notmatch '[?&]api-version=') {
        $separator = '?'
        if ($target.Contains('?')) { $separator = '&' }
        $target = "$target${separator}api-version=$ApiVersion"
    }
    if ($Method -ne 'GET' -and -not (Test-KvShouldProcess -Cmdlet $PSCmdlet -Target $target -Action $Method)) { return }
    $arguments = @('rest', '--method', $Method, '--url', $target, '--include')
    if ($ResourceId) { $arguments += @('--resource', $ResourceId) }
    if ($Paginate) { $arguments += '--paginate' }
    if ($WaitForCompletion) { $arguments += '--wait' }
    $inputText = $null
    if ($PSBoundParameters.ContainsKey('Payload')) {
        $arguments += @('--body', '@-')
        $inputText = $Payload
    }
    $map = @{ '--url' = '-Path/-Uri'; '--resource' = '-ResourceId'; '--body' = '-Payload'; '--wait' = '-WaitForCompletion'; '--paginate' = '-Paginate' }
    $response = Invoke-Kvmi -Cmdlet $PSCmdlet -Arguments $arguments -InputText $inputText -TargetObject $target -ParameterMap $map
    if ($null -eq $response) { return }
    $headers = @{}
    if ($null -ne $response.headers) { foreach ($p in $response.headers.PSObject.Properties) { $headers[$p.Name] = [string]$p.Value } }
    [pscustomobject]@{
        PSTypeName = 'KvMi.HttpResponse'
        StatusCode = [int]$response.status
        Content    = [string]$response.content
        Headers    = $headers
        Method     = $Method
        RequestUri = $target
        Version    = '1.1'
    }
}
