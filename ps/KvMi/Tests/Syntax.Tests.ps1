# Windows PowerShell 5.1 must be able to load the module: no PowerShell-7-only syntax, checked
# with the PowerShell parser's AST (not with text patterns).

Describe 'Windows PowerShell 5.1 compatibility' {
    BeforeDiscovery {
        $root = Split-Path $PSScriptRoot -Parent
        $script:Files = Get-ChildItem -Path $root -Recurse -Include '*.ps1', '*.psm1' | Where-Object { $_.FullName -notlike '*Tests*' } | ForEach-Object { @{ Path = $_.FullName; Name = $_.Name } }
    }
    It '<Name> uses no PowerShell 7-only syntax' -ForEach $Files {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        $found = $ast.FindAll({
                param($node)
                $type = $node.GetType().Name
                if ($type -in @('TernaryExpressionAst', 'PipelineChainAst', 'TypeDefinitionAst')) { return $true }
                if ($type -eq 'BinaryExpressionAst' -and $node.Operator.ToString() -eq 'QuestionQuestion') { return $true }
                if ($type -eq 'AssignmentStatementAst' -and $node.Operator.ToString() -eq 'QuestionQuestionEquals') { return $true }
                if ($type -in @('MemberExpressionAst', 'InvokeMemberExpressionAst', 'IndexExpressionAst') -and $null -ne $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) { return $true }
                if ($type -eq 'CommandAst') {
                    $name = $node.GetCommandName()
                    if ($name -in @('ForEach-Object', '%', 'foreach') -and ($node.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] -and $_.ParameterName -like 'Parallel*' })) { return $true }
                }
                return $false
            }, $true)
        @($found | ForEach-Object { "$($_.GetType().Name) at line $($_.Extent.StartLineNumber): $($_.Extent.Text)" }) | Should -BeNullOrEmpty
    }
}
