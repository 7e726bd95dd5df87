# KvMi root module: dot-sources one function per file from Private\ and Public\.
# Module state lives in script scope only (no global variables, mutexes or shared files), so
# concurrent scheduled tasks never contend with each other.

$script:KvIdentity = @{}

foreach ($folder in @('Private', 'Public')) {
    $path = Join-Path -Path $PSScriptRoot -ChildPath $folder
    foreach ($file in (Get-ChildItem -Path $path -Filter '*.ps1' | Sort-Object -Property Name)) {
        . $file.FullName
    }
}
