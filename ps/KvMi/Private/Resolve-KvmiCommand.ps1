function Resolve-KvmiCommand {
    <#
    .SYNOPSIS
    Finds the kvmi program the cmdlets run.

    .DESCRIPTION
    $env:KVMI_PATH wins: either the path of one executable (spaces allowed, no quotes needed, such as
    C:\Program Files\kvmi\kvmi.exe) or a command line whose first word is the program (for example
    'deno run --allow-all C:\src\kvmi\src\main.ts'). Otherwise kvmi.exe or kvmi in the module's bin
    folder (a development checkout), else the program named by the module's kvmi.path file: the
    release zip ships it as '..\kvmi.exe' (relative to the module folder) and Install-KvMi.ps1
    rewrites it with the installed program's full path.

    .OUTPUTS
    A hashtable with FilePath and PrefixArguments (string[]), and ErrorMessage when kvmi cannot be found.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()

    $configured = $env:KVMI_PATH
    if ($configured -and $configured.Trim()) {
        if (Test-Path -LiteralPath $configured -PathType Leaf) {
            return @{ FilePath = $configured; PrefixArguments = [string[]]@() }
        }
        $parts = @(Split-KvCommandLine -CommandLine $configured)
        $rest = [string[]]@()
        if ($parts.Count -gt 1) { $rest = [string[]]$parts[1..($parts.Count - 1)] }
        $program = $parts[0]
        if (-not (Test-Path -LiteralPath $program -PathType Leaf) -and -not (Get-Command -Name $program -CommandType Application -ErrorAction SilentlyContinue)) {
            return @{ FilePath = $program; PrefixArguments = $rest; ErrorMessage = "KVMI_PATH is '$configured': that is not an executable file, nor a command line whose program ('$program') exists or is on PATH." }
        }
        return @{ FilePath = $program; PrefixArguments = $rest }
    }
    $bin = Join-Path -Path (Split-Path -Path $PSScriptRoot -Parent) -ChildPath 'bin'
    foreach ($name in @('kvmi.exe', 'kvmi')) {
        $candidate = Join-Path -Path $bin -ChildPath $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) {
            return @{ FilePath = $candidate; PrefixArguments = [string[]]@() }
        }
    }
    $moduleBase = Split-Path -Path $PSScriptRoot -Parent
    $pointer = Join-Path -Path $moduleBase -ChildPath 'kvmi.path'
    if (Test-Path -LiteralPath $pointer -PathType Leaf) {
        $named = ([System.IO.File]::ReadAllText($pointer)).Trim()
        if ($named -and -not [System.IO.Path]::IsPathRooted($named)) { $named = Join-Path -Path $moduleBase -ChildPath $named }
        if ($named -and (Test-Path -LiteralPath $named -PathType Leaf)) {
            return @{ FilePath = [System.IO.Path]::GetFullPath($named); PrefixArguments = [string[]]@() }
        }
        return @{ FilePath = $named; PrefixArguments = [string[]]@(); ErrorMessage = "The kvmi program named by $pointer ('$named') does not exist. Reinstall kvmi with Install-KvMi.ps1, or set KVMI_PATH to the kvmi executable." }
    }
    return @{ FilePath = $bin; PrefixArguments = [string[]]@(); ErrorMessage = "The kvmi program was not found in the module's bin folder ($bin) and KVMI_PATH is not set. Reinstall kvmi with Install-KvMi.ps1, or set KVMI_PATH to the kvmi executable." }
}
