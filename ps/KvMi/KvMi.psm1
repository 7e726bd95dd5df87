# KvMi root module: dot-sources one function per file from Private\ and Public\.
# Module state lives in script scope only (no global variables, mutexes or shared files), so
# concurrent scheduled tasks never contend with each other; tokens are shared by kvmi's own
# per-user token cache (lock-free reads). The files are listed with .NET
# rather than Get-ChildItem, whose first call in a session costs tens of milliseconds.

$script:KvIdentity = @{}

foreach ($folder in @('Private', 'Public')) {
    $files = [System.IO.Directory]::GetFiles((Join-Path -Path $PSScriptRoot -ChildPath $folder), '*.ps1')
    [System.Array]::Sort($files, [System.StringComparer]::Ordinal)
    foreach ($file in $files) {
        . $file
    }
}
