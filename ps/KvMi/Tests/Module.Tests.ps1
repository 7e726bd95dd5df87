# The module as a whole: what it exports, and that every cmdlet documents itself.

BeforeDiscovery {
    $script:Exported = (Import-PowerShellDataFile -Path (Join-Path (Split-Path $PSScriptRoot -Parent) 'KvMi.psd1')).FunctionsToExport
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'KvMi module' {
    It 'exports exactly the functions in Public, with approved verbs' {
        $public = Get-ChildItem -Path (Join-Path (Split-Path $PSScriptRoot -Parent) 'Public') -Filter '*.ps1' | ForEach-Object { $_.BaseName } | Sort-Object
        (Get-Command -Module KvMi).Name | Sort-Object | Should -Be $public
        $approved = (Get-Verb).Verb
        foreach ($c in (Get-Command -Module KvMi)) { $approved | Should -Contain $c.Verb }
    }

    It 'has one Pester file per public cmdlet' {
        foreach ($c in (Get-Command -Module KvMi)) {
            Join-Path $PSScriptRoot "$($c.Name).Tests.ps1" | Should -Exist
        }
    }

    It 'keeps its private helpers private' {
        Get-Command -Name 'Invoke-Kvmi', 'Invoke-KvmiProcess' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'loads with no variables, aliases or cmdlets of its own' {
        $module = Get-Module -Name KvMi
        $module.ExportedVariables.Count | Should -Be 0
        $module.ExportedAliases.Count | Should -Be 0
        $module.ExportedCmdlets.Count | Should -Be 0
    }
}

Describe 'Get-Help -Full <_>' -ForEach $Exported {
    BeforeAll {
        $script:Help = Get-Help -Name $_ -Full
        $script:Name = $_
    }

    It 'has a synopsis of its own' {
        $Help.Synopsis | Should -Not -BeNullOrEmpty
        $Help.Synopsis.Trim() | Should -Not -Be $Name
        $Help.Synopsis | Should -Not -Match '^\s*\r?\n'
    }

    It 'has a description' {
        ($Help.Description | Out-String).Trim().Length | Should -BeGreaterThan 40
    }

    It 'has examples that call it' {
        $examples = @($Help.Examples.Example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($e in $examples) { ($e.Code + ($e.Remarks | Out-String)) | Should -Match ([regex]::Escape($Name)) }
    }

    It 'documents every parameter of its own' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $documented = @($Help.Parameters.Parameter | Where-Object { ($_.Description | Out-String).Trim() } | ForEach-Object { $_.Name })
        foreach ($p in (Get-Command -Name $Name).Parameters.Keys) {
            if ($p -in $common) { continue }
            $documented | Should -Contain $p -Because "$Name -$p needs a .PARAMETER entry"
        }
    }

    It 'shows readable types in its syntax' {
        (Get-Command -Name $Name -Syntax) | Should -Not -Match 'Nullable|`1'
    }
}

Describe 'KvMi manifest and views' {
    BeforeAll {
        $script:Root = Split-Path $PSScriptRoot -Parent
        $script:Data = Import-PowerShellDataFile -Path (Join-Path $Root 'KvMi.psd1')
    }

    It 'declares both editions, PowerShell 5.1, its format file and no wildcard exports' {
        $Data.CompatiblePSEditions | Should -Be @('Desktop', 'Core')
        $Data.PowerShellVersion | Should -Be '5.1'
        $Data.FormatsToProcess | Should -Be @('KvMi.Format.ps1xml')
        foreach ($key in 'CmdletsToExport', 'VariablesToExport', 'AliasesToExport') { @($Data[$key]).Count | Should -Be 0 }
        $Data.FunctionsToExport | Should -Not -Contain '*'
    }

    It 'has a view for every object type it emits, and no view shows SecretValue or Token' {
        [xml]$xml = Get-Content -Raw -Path (Join-Path $Root 'KvMi.Format.ps1xml')
        $types = @($xml.Configuration.ViewDefinitions.View | ForEach-Object { $_.ViewSelectedBy.TypeName })
        $emitted = Select-String -Path (Join-Path $Root '*/*.ps1') -Pattern "PSTypeName\s*=\s*'(KvMi\.\w+)'|TypeNames\.Insert\(0, '(KvMi\.\w+)'\)" -AllMatches |
            ForEach-Object { $_.Matches } | ForEach-Object { @($_.Groups[1].Value, $_.Groups[2].Value) | Where-Object { $_ } } | Sort-Object -Unique
        foreach ($t in $emitted) { $types | Should -Contain $t }
        $xml.OuterXml | Should -Not -Match '<PropertyName>(SecretValue|Token)</PropertyName>'
    }

    It 'confirms every write through the NonInteractive-safe ShouldProcess helper' {
        foreach ($c in Get-Command -Module KvMi) {
            $binding = $c.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
            if ($binding.SupportsShouldProcess) {
                $c.Definition | Should -Match 'Test-KvShouldProcess -Cmdlet \$PSCmdlet' -Because "$($c.Name) supports -WhatIf"
            }
            $c.Definition | Should -Not -Match '\$PSCmdlet\.ShouldProcess\(' -Because "$($c.Name) must not let a NonInteractive refusal fall through"
        }
    }

    It 'never puts a secret value on kvmi''s command line' {
        $set = (Get-Command Set-KvSecret).Definition
        $set | Should -Match '-InputText \$plain'
        $set | Should -Not -Match '\$arguments \+= .*\$plain'
    }
}
