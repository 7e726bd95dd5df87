function ConvertTo-KvPowerShellText {
    <#
    .SYNOPSIS
    Rewords a kvmi message or hint for a PowerShell user.

    .DESCRIPTION
    kvmi's hints name its own commands and options (--force, `kvmi secret recover`). Where a KvMi
    cmdlet or parameter does the same, the text names that instead: the calling cmdlet's map from
    kvmi options to its parameters first (for example --out to -OutFile), then the module's own
    table of kvmi commands and their cmdlets.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [AllowEmptyString()][AllowNull()][string]$Text,
        [hashtable]$ParameterMap = @{}
    )

    if (-not $Text) { return $Text }
    $commands = [ordered]@{
        '`kvmi secret show-deleted`' = '`Get-KvSecret -InRemovedState`'
        '`kvmi secret recover`'      = '`Undo-KvSecretRemoval`'
        '`kvmi secret purge`'        = '`Remove-KvSecret -InRemovedState`'
    }
    foreach ($kvmi in $commands.Keys) { $Text = $Text.Replace($kvmi, $commands[$kvmi]) }
    $options = @{ '--force' = '-Force' }
    foreach ($key in $ParameterMap.Keys) { $options[$key] = $ParameterMap[$key] }
    foreach ($option in $options.Keys) {
        $Text = [regex]::Replace($Text, '(?<![\w-])' + [regex]::Escape($option) + '(?![\w-])', $options[$option])
    }
    return $Text
}
