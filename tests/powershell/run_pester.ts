/**
 * Runs the KvMi module's Pester suite (`ps/KvMi/Tests`) in pwsh against a fresh emulator and
 * returns its counts. Every test Pester runs is counted; a suite that does not report counts
 * (crashed, Pester missing) counts as one failure.
 *
 * @example
 * ```ts
 * const { passed, failed } = await runPowerShellTests("/repo/", await ensurePowerShellTools("/repo/"), {});
 * ```
 * @module
 */
import type { PowerShellTools } from "./tools.ts";

/** Counts of PowerShell test results. */
export interface PowerShellResult {
  passed: number;
  failed: number;
}

/** Runs `ps/KvMi/Tests` with Pester and returns the counts. */
export async function runPowerShellTests(root: string, tools: PowerShellTools, env: Record<string, string>): Promise<PowerShellResult> {
  const script = `${root}ps/KvMi/Tests/Invoke-KvMiTests.ps1`;
  const out = await new Deno.Command(tools.pwsh, {
    args: ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-DenoPath", Deno.execPath(), "-RepoRoot", root],
    env: { ...env, ...tools.env, PSModulePath: tools.modulePath, KVMI_TEST_PWSH: tools.pwsh },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  console.log(text);
  const match = text.match(/KVMI-PESTER passed=(\d+) failed=(\d+)/);
  if (!match) {
    console.error(`PowerShell tests: the Pester run reported no counts (pwsh exit ${out.code}).`);
    return { passed: 0, failed: 1 };
  }
  const failed = Number(match[2]);
  return { passed: Number(match[1]), failed: failed === 0 && !out.success ? 1 : failed };
}
