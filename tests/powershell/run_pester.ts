/**
 * Runs the KvMi PowerShell module's Pester tests when `pwsh` is available (on PATH, or at
 * `KVMI_PWSH`, or in `.tools/pwsh` where .ci/run installs it). When it is not, says so plainly
 * and counts nothing: PowerShell coverage is never claimed for tests that did not run.
 * @module
 */

/** Counts of PowerShell test results. */
export interface PowerShellResult {
  passed: number;
  failed: number;
}

/** Finds pwsh, or returns undefined. */
export async function findPwsh(root: string): Promise<string | undefined> {
  const candidates = [Deno.env.get("KVMI_PWSH"), `${root}.tools/pwsh/pwsh`, "pwsh"].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) {
    try {
      const out = await new Deno.Command(candidate, {
        args: ["-NoLogo", "-NoProfile", "-Command", "$PSVersionTable.PSVersion.ToString()"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (out.success) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Runs `ps/KvMi/Tests` with Pester and returns the counts. */
export async function runPowerShellTests(root: string, env: Record<string, string>): Promise<PowerShellResult> {
  const pwsh = await findPwsh(root);
  if (!pwsh) {
    console.log("PowerShell tests: NOT RUN: no PowerShell (pwsh) on this machine; see .ci/run for the install attempt and its error.");
    return { passed: 0, failed: 0 };
  }
  const script = `${root}ps/KvMi/Tests/Invoke-KvMiTests.ps1`;
  const out = await new Deno.Command(pwsh, {
    args: ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-DenoPath", Deno.execPath(), "-RepoRoot", root],
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  console.log(text);
  const match = text.match(/KVMI-PESTER passed=(\d+) failed=(\d+)/);
  if (!match) return { passed: 0, failed: 1 };
  return { passed: Number(match[1]), failed: Number(match[2]) + (out.success ? 0 : Number(match[2]) === 0 ? 1 : 0) };
}
