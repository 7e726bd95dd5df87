# Windows PowerShell 5.1 must load the module and run its tests: no PowerShell 7-only syntax,
# parameter or cmdlet, found with the real PowerShell parser's AST (not with text patterns).
# What this cannot see (.NET APIs missing from .NET Framework, behaviour differences) is guarded
# at run time in the module and listed in the README as verified only on Windows.

BeforeDiscovery {
    # Everything under ps/: the module, its tests and examples, and Install-KvMi.ps1.
    $root = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:Files = Get-ChildItem -Path $root -Recurse -Include '*.ps1', '*.psm1', '*.psd1' | ForEach-Object {
        @{ Path = $_.FullName; Name = $_.FullName.Substring($root.Length + 1) }
    }
}

BeforeAll {
    # Parameters that exist only in PowerShell 6 or 7, by cmdlet.
    $script:Ps7Parameters = @{
        'ConvertFrom-Json'       = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
        'ConvertTo-Json'         = @('AsArray', 'EscapeHandling')
        'ForEach-Object'         = @('Parallel', 'ThrottleLimit', 'AsJob', 'TimeoutSeconds', 'UseNewRunspace')
        'ConvertFrom-SecureString' = @('AsPlainText')
        'Get-Content'            = @('AsByteStream')
        'Set-Content'            = @('AsByteStream')
        'Add-Content'            = @('AsByteStream')
        'Invoke-RestMethod'      = @('SkipCertificateCheck', 'Authentication', 'Token', 'StatusCodeVariable', 'ResponseHeadersVariable', 'SkipHttpErrorCheck', 'SslProtocol', 'Form')
        'Invoke-WebRequest'      = @('SkipCertificateCheck', 'Authentication', 'Token', 'SkipHttpErrorCheck', 'SslProtocol', 'Form')
        'Select-String'          = @('Raw', 'NoEmphasis')
        'Test-Connection'        = @('TargetName', 'TcpPort')
        'Get-ChildItem'          = @('FollowSymlink')
        'Start-Process'          = @('Environment')
    }
    $script:Ps7Commands = @('Join-String', 'Test-Json', 'Get-Error', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-MarkdownOption')
    $script:Ps7Variables = @('IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR', 'PSStyle')

    function Find-Ps7Only {
        param([System.Management.Automation.Language.Ast]$Ast)
        $Ast.FindAll({
                param($node)
                switch ($node.GetType().Name) {
                    'TernaryExpressionAst' { return $true }
                    'PipelineChainAst' { return $true }
                    'BinaryExpressionAst' { return $node.Operator.ToString() -eq 'QuestionQuestion' }
                    'AssignmentStatementAst' { return $node.Operator.ToString() -eq 'QuestionQuestionEquals' }
                    'NamedBlockAst' { return $node.BlockKind.ToString() -eq 'Clean' }
                    'VariableExpressionAst' { return $node.VariablePath.UserPath -in $Ps7Variables }
                    'CommandAst' {
                        $name = $node.GetCommandName()
                        if ($name -in $Ps7Commands) { return $true }
                        $canonical = @{ '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; 'irm' = 'Invoke-RestMethod'; 'iwr' = 'Invoke-WebRequest'; 'gc' = 'Get-Content' }[[string]$name]
                        if (-not $canonical) { $canonical = $name }
                        if (-not $canonical -or -not $Ps7Parameters.ContainsKey($canonical)) { return $false }
                        foreach ($element in $node.CommandElements) {
                            if ($element -is [System.Management.Automation.Language.CommandParameterAst]) {
                                foreach ($p in $Ps7Parameters[$canonical]) { if ($p -like "$($element.ParameterName)*" -and $element.ParameterName.Length -ge 2) { return $true } }
                            }
                        }
                        return $false
                    }
                }
                if ($node -is [System.Management.Automation.Language.MemberExpressionAst] -and $null -ne $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) { return $true }
                if ($node -is [System.Management.Automation.Language.IndexExpressionAst] -and $null -ne $node.PSObject.Properties['NullConditional'] -and $node.NullConditional) { return $true }
                return $false
            }, $true)
    }

    function Test-Ps7Source {
        param([string]$Source)
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Source, [ref]$tokens, [ref]$errors)
        return @(Find-Ps7Only -Ast $ast).Count
    }
}

Describe 'The 5.1 check itself' {
    It 'finds <Construct>' -ForEach @(
        @{ Construct = 'a ternary'; Source = '$a = $b ? 1 : 2' }
        @{ Construct = 'a pipeline chain'; Source = 'Get-Item x && Get-Item y' }
        @{ Construct = '??'; Source = '$a = $b ?? 3' }
        @{ Construct = '??='; Source = '$a ??= 3' }
        @{ Construct = '?.'; Source = '${a}?.Name' }
        @{ Construct = '?[]'; Source = '${a}?[0]' }
        @{ Construct = 'a clean block'; Source = 'function f { process { 1 } clean { 2 } }' }
        @{ Construct = 'ForEach-Object -Parallel'; Source = '1..3 | ForEach-Object -Parallel { $_ }' }
        @{ Construct = 'ConvertFrom-Json -AsHashtable'; Source = '$x | ConvertFrom-Json -AsHashtable' }
        @{ Construct = 'an abbreviated -AsHash'; Source = '$x | ConvertFrom-Json -AsHash' }
        @{ Construct = 'ConvertFrom-SecureString -AsPlainText'; Source = 'ConvertFrom-SecureString $s -AsPlainText' }
        @{ Construct = '$IsWindows'; Source = 'if ($IsWindows) { 1 }' }
        @{ Construct = 'Join-String'; Source = '1, 2 | Join-String' }
    ) {
        Test-Ps7Source -Source $Source | Should -BeGreaterThan 0
    }

    It 'accepts 5.1 code: <Construct>' -ForEach @(
        @{ Construct = 'if/else'; Source = 'if ($a) { 1 } else { 2 }' }
        @{ Construct = 'a splatted parameter'; Source = '$o = @{ DateKind = "String" }; $x | ConvertFrom-Json @o' }
        @{ Construct = '-and/-or'; Source = '$a -and $b -or $c' }
        @{ Construct = 'a question mark in a string'; Source = '"a ?? b ?. c && d"' }
    ) {
        Test-Ps7Source -Source $Source | Should -Be 0
    }
}

Describe 'Windows PowerShell 5.1 compatibility of <Name>' -ForEach $Files {
    It 'parses without errors and uses no PowerShell 7-only syntax' {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty
        @(Find-Ps7Only -Ast $ast | ForEach-Object { "line $($_.Extent.StartLineNumber): $($_.Extent.Text)" }) | Should -BeNullOrEmpty
    }

    It 'is ASCII, which Windows PowerShell 5.1 reads the same whatever the code page' {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        @($bytes | Where-Object { $_ -gt 127 }).Count | Should -Be 0
    }
}
