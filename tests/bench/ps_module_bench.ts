/**
 * Benchmark of the KvMi PowerShell module against the kvmi it wraps, on the local emulator:
 * `Import-Module KvMi` in fresh pwsh processes, and `Get-KvSecret` against a bare
 * `kvmi secret get` started from the same PowerShell, in alternating pairs. Reports medians,
 * min–max and the ratio (the module's budget: at most 1.30), never asserts a time. Writes the
 * same figures to tests/.out/bench-ps-module.json.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task bench:ps 20
 * ```
 * @module
 */
import { startEmulator } from "../fixtures/emulator.ts";
import { ensurePowerShellTools, PWSH_VERSION } from "../powershell/tools.ts";

const runs = Number(Deno.args[0] ?? "15");
const root = new URL("../../", import.meta.url).pathname;
const tools = await ensurePowerShellTools(root);
const emu = await startEmulator();
try {
  const out = await new Deno.Command(tools.pwsh, {
    args: [
      "-NoLogo",
      "-NoProfile",
      "-NonInteractive",
      "-File",
      `${root}tests/bench/KvMiModule.Bench.ps1`,
      "-ModulePath",
      `${root}ps/KvMi/KvMi.psd1`,
      "-Pwsh",
      tools.pwsh,
      "-Runs",
      String(runs),
    ],
    env: {
      ...emu.env,
      ...tools.env,
      PSModulePath: tools.modulePath,
      KVMI_PATH: `"${Deno.execPath()}" run --allow-all --quiet "${root}src/main.ts"`,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the PowerShell benchmark failed (exit ${out.code})`);
  const result = JSON.parse(new TextDecoder().decode(out.stdout));
  await Deno.mkdir(`${root}tests/.out`, { recursive: true });
  await Deno.writeTextFile(`${root}tests/.out/bench-ps-module.json`, JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + "\n");
  const f = (x: { median: number; min: number; max: number }) => `median ${x.median.toFixed(0)} ms (${x.min.toFixed(0)}–${x.max.toFixed(0)})`;
  console.log(`KvMi module, ${runs} runs each, pwsh ${PWSH_VERSION}, same emulator (kvmi as deno run, not compiled):`);
  console.log(`  Import-Module KvMi (fresh pwsh):          ${f(result.importModuleMs)}`);
  console.log(`  the same after the first output:          ${f(result.importAfterOutputMs)}`);
  console.log(`  Get-KvSecret -AsPlainText:                ${f(result.getKvSecretMs)}`);
  console.log(`  bare kvmi secret get -o raw (from pwsh):  ${f(result.bareKvmiSecretGetMs)}`);
  const r = result.ratio;
  console.log(
    `  ratio Get-KvSecret / bare kvmi: ${r.medianOfMedians.toFixed(2)} (per pair median ${r.medianPerPair.toFixed(2)}, ${r.min.toFixed(2)}–${
      r.max.toFixed(2)
    }); budget 1.30: ${r.medianPerPair <= 1.3 ? "within" : "OVER"}`,
  );
} finally {
  await emu.stop();
}
