function Resolve-KvmiCommand {
    <#
    .SYNOPSIS
    Finds the kvmi executable: $env:KVMI_PATH (which may be a command line such as
    'deno run --allow-all C:\src\kvmi\src\main.ts'), else kvmi(.exe) in the module's bin folder.
    .OUTPUTS
    A hashtable with FilePath and PrefixArguments (string[]).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()

    if ($env:KVMI_PATH) {
        $parts = Split-KvCommandLine -CommandLine $env:KVMI_PATH
        if ($parts.Count -eq 0) {
            throw "KVMI_PATH is set but empty."
        }
        $rest = @()
        if ($parts.Count -gt 1) { $rest = $parts[1..($parts.Count - 1)] }
        return @{ FilePath = $parts[0]; PrefixArguments = [string[]]$rest }
    }
    $bin = Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'bin'
    foreach ($name in @('kvmi.exe', 'kvmi')) {
        $candidate = Join-Path -Path $bin -ChildPath $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) {
            return @{ FilePath = $candidate; PrefixArguments = [string[]]@() }
        }
    }
    return $null
}
