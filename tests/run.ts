/**
 * The test command (`deno task test`). Outside the sandbox it installs what the suites need
 * (PowerShell 7.6.9 and Pester 5.7.1 into `.tools/`, kvmi's npm packages into Deno's cache), restores
 * and builds the .NET peer (tests/peers/dotnet, into `tests/.out/dotnet-peer`, skipped while its
 * sources are unchanged) and builds the release zips the package tests check (`tests/.out/package`), then runs itself again inside a private network namespace with only loopback. Inside, it
 * prepares one CA for every emulator the tests start, runs `deno test`, `deno lint`,
 * `deno fmt --check` and the KvMi module's Pester suite, and ends with the plain line
 * `N passed, N failed` counting all of them.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task test                      # everything
 * npx --yes deno@2.9.5 task test tests/commands/      # some Deno tests, plus the Pester suite
 * ```
 * @module
 */
import { loadOrCreateCa } from "../src/emulator/tls.ts";
import { insideNetworkSandbox, rerunInNetworkSandbox } from "./network_sandbox.ts";
import { ensurePowerShellTools, type PowerShellTools } from "./powershell/tools.ts";
import { runPowerShellTests } from "./powershell/run_pester.ts";
import { ensureDotnetPeer } from "./peers/dotnet_peer.ts";

const root = new URL("../", import.meta.url).pathname;
const filters = Deno.args;
const PACKAGE_DIR = `${root}tests/.out/package`;

if (!insideNetworkSandbox()) {
  try {
    await ensurePowerShellTools(root);
    await cacheDependencies();
    await ensureDotnetPeer();
    await buildPackage();
  } catch (error) {
    console.error(`tests/run.ts: ${(error as Error).message}`);
    console.log("0 passed, 1 failed");
    Deno.exit(1);
  }
  const code = await rerunInNetworkSandbox(["run", "--allow-all", `${root}tests/run.ts`, ...filters], root);
  if (code !== undefined) Deno.exit(code);
}

/** Fetches every npm package the suites import, so nothing needs the network afterwards. */
async function cacheDependencies(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["install", "--quiet"], cwd: root, stdout: "inherit", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`'deno install' could not cache the npm packages (exit ${out.code}).`);
}

/** Builds the release zips once for the package tests (the runtime download needs the network). */
async function buildPackage(): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${root}build.ts`, "package", "--out", PACKAGE_DIR],
    cwd: root,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`'deno task package' failed (exit ${out.code}); the package tests need its zips.`);
}

const outDir = `${root}tests/.out`;
await Deno.mkdir(outDir, { recursive: true });
const caDir = await Deno.makeTempDir({ prefix: "kvmi-test-ca-" });
await loadOrCreateCa(caDir);
const junit = `${outDir}/junit.xml`;
await Deno.remove(junit).catch(() => {});

const env = { KVMI_TEST_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: `${caDir}/ca.pem`, NO_COLOR: "1", KVMI_TEST_PACKAGE_DIR: PACKAGE_DIR };
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

// Lint, formatting and type-check gates count as one check each (no explicit any, no unused variables,
// one style, and every module type-checked: the commands and the emulator are imported by name, so
// checking main.ts alone would not reach them).
if (filters.length === 0) {
  for (const gate of [["lint"], ["fmt", "--check"], ["check", "src/", "tests/", "build.ts"]]) {
    const result = await new Deno.Command(Deno.execPath(), { args: gate, cwd: root, env, stdout: "inherit", stderr: "inherit" }).output();
    console.log(`deno ${gate.join(" ")}: ${result.success ? "ok" : "FAILED"}`);
    if (result.success) passed++;
    else failed++;
  }
}

// The KvMi module's Pester suite, in pwsh 7.6.9 (installed above), counted test by test.
const ps = await ensurePowerShellTools(root)
  .then((tools: PowerShellTools) => runPowerShellTests(root, tools, env))
  .catch((error) => {
    console.error(`PowerShell tests: could not run: ${error instanceof Error ? error.message : error}`);
    return { passed: 0, failed: 1 };
  });
passed += ps.passed;
failed += ps.failed;

await Deno.remove(caDir, { recursive: true }).catch(() => {});
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
