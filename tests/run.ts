/**
 * The test command (`deno task test`): prepares one CA for every emulator the tests start and
 * trusts it for in-process Azure SDK peers, runs `deno test`, then the PowerShell module tests
 * when PowerShell is available, and ends with the plain line `N passed, N failed`.
 * @module
 */
import { loadOrCreateCa } from "../src/emulator/tls.ts";

const root = new URL("../", import.meta.url).pathname;
const outDir = `${root}tests/.out`;
await Deno.mkdir(outDir, { recursive: true });
const caDir = await Deno.makeTempDir({ prefix: "kvmi-test-ca-" });
await loadOrCreateCa(caDir);
const junit = `${outDir}/junit.xml`;
await Deno.remove(junit).catch(() => {});

const filters = Deno.args;
const env = { KVMI_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: `${caDir}/ca.pem`, NO_COLOR: "1" };
const deno = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", "--parallel", `--junit-path=${junit}`, ...(filters.length ? filters : [`${root}tests/`])],
  env,
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();

let passed = 0;
let failed = 0;
try {
  const xml = await Deno.readTextFile(junit);
  for (const testcase of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const inner = testcase[2] ?? "";
    if (/<skipped/.test(inner)) continue;
    if (/<failure|<error/.test(inner)) failed++;
    else passed++;
  }
} catch {
  console.error("tests/run.ts: no JUnit report was written; counting the run as failed.");
  failed++;
}
if (deno.code !== 0 && failed === 0) failed++;

// Lint and formatting gates count as one check each (no explicit any, no unused variables, one style).
if (filters.length === 0) {
  for (const gate of [["lint"], ["fmt", "--check"]]) {
    const result = await new Deno.Command(Deno.execPath(), { args: gate, cwd: root, env, stdout: "inherit", stderr: "inherit" }).output();
    console.log(`deno ${gate.join(" ")}: ${result.success ? "ok" : "FAILED"}`);
    if (result.success) passed++;
    else failed++;
  }
}

const ps = await import("./powershell/run_pester.ts").then((m) => m.runPowerShellTests(root, env)).catch((error) => {
  console.error(`PowerShell tests: could not run: ${error instanceof Error ? error.message : error}`);
  return { passed: 0, failed: 1 };
});
passed += ps.passed;
failed += ps.failed;

await Deno.remove(caDir, { recursive: true }).catch(() => {});
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
