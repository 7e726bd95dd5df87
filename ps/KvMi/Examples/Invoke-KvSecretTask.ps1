<#
.SYNOPSIS
Template for a scheduled task that reads a Key Vault secret with the machine's managed identity.

.DESCRIPTION
Copy this file, put your work where it says so, and register it with Register-ScheduledTask (see
the KvMi README). It runs unattended under 'pwsh' or 'powershell.exe' with -NonInteractive:
- no credential in the script: the VM's managed identity gets the token;
- the secret stays a SecureString and is never written to the output, the log or the transcript;
- any failure ends the script with one line on stderr and in the log, and an exit code Task
  Scheduler shows as Last Run Result: 2 bad input, 3 authentication, 4 permission (a role or
  access policy is missing), 5 not found, 6 Key Vault or IMDS unavailable, 1 anything else;
- nothing is shared between runs or tasks (no lock file, no mutex), so tasks that fire at the
  same moment do not wait for each other.

.PARAMETER VaultName
The Key Vault name (or its https URL).

.PARAMETER SecretName
The secret to read.

.PARAMETER UserName
The account the secret is the password of (used to build a PSCredential).

.PARAMETER LogPath
Where the transcript goes; default %ProgramData%\kvmi\logs\<script>.log.

.EXAMPLE
pwsh -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File C:\Tasks\Invoke-KvSecretTask.ps1 -VaultName kv-prod -SecretName sql-app-password
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string]$VaultName,
    [Parameter(Mandatory = $true)][string]$SecretName,
    [string]$UserName = 'app',
    [string]$LogPath
)

$ErrorActionPreference = 'Stop'
trap {
    # One line, no secret: the error id names what failed (e.g. ForbiddenByRbac,Get-KvSecret).
    $line = '{0} FAILED {1}: {2}' -f (Get-Date -Format 'o'), $_.FullyQualifiedErrorId, $_.Exception.Message
    [Console]::Error.WriteLine($line)
    $codes = @{ InvalidArgument = 2; AuthenticationError = 3; PermissionDenied = 4; ObjectNotFound = 5; ResourceUnavailable = 6; LimitsExceeded = 6 }
    $code = 1
    if ($codes.ContainsKey([string]$_.CategoryInfo.Category)) { $code = $codes[[string]$_.CategoryInfo.Category] }
    try { Stop-Transcript | Out-Null } catch { $null = $_ }
    exit $code
}

if (-not $LogPath) {
    $base = $env:ProgramData
    if (-not $base) { $base = [System.IO.Path]::GetTempPath() }
    $LogPath = Join-Path $base ('kvmi\logs\{0}.log' -f [System.IO.Path]::GetFileNameWithoutExtension($PSCommandPath))
}
$logDir = Split-Path -Path $LogPath -Parent
if (-not (Test-Path -LiteralPath $logDir)) { New-Item -ItemType Directory -Path $logDir -Force | Out-Null }
Start-Transcript -Path $LogPath -Append | Out-Null

Import-Module KvMi
$secret = Get-KvSecret -VaultName $VaultName -Name $SecretName
$credential = New-Object System.Management.Automation.PSCredential -ArgumentList $UserName, $secret.SecretValue

# ---- Your work goes here, with $credential (for example Invoke-Sqlcmd -Credential $credential).
# ---- Never write $credential.GetNetworkCredential().Password anywhere.

Write-Output ('{0} OK read {1}/{2} version {3} for {4}' -f (Get-Date -Format 'o'), $VaultName, $SecretName, $secret.Version, $credential.UserName)
Stop-Transcript | Out-Null
exit 0
