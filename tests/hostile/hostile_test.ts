/**
 * The generated bad-input suite: every case from `cases.ts` runs the real kvmi against one
 * emulator and must end with its documented exit code, a one-line message (plus at most one
 * hint line), no "Unexpected failure", no stack trace, no token or secret in any output, and
 * within a time bound. A second test fails when a command has an option without cases.
 * @module
 */
import assert from "node:assert/strict";
import { adminEnv, baseEnv, type EmulatorHandle, startEmulator } from "../fixtures/emulator.ts";
import { generateCases, type HostileCase, PSEUDO_OPTIONS } from "./cases.ts";
import { COMMANDS, FIXTURE_FILES, FIXTURE_JWTS, NO_BAD_VALUE } from "./tables.ts";
import { defaultCvmPolicy } from "../../src/skr/release_policy.ts";
import { ATTEST_HELP } from "../../src/commands/attest.ts";
import { CERT_HELP } from "../../src/commands/cert.ts";
import { DOCTOR_HELP } from "../../src/commands/doctor.ts";
import { EMULATOR_HELP } from "../../src/commands/emulator.ts";
import { IMDS_HELP } from "../../src/commands/imds.ts";
import { KEY_HELP } from "../../src/commands/key.ts";
import { REST_HELP } from "../../src/commands/rest.ts";
import { ROLE_HELP } from "../../src/commands/role.ts";
import { SECRET_HELP } from "../../src/commands/secret.ts";
import { TOKEN_HELP } from "../../src/commands/token.ts";
import { VM_HELP } from "../../src/commands/vm.ts";
import { WHOAMI_HELP } from "../../src/commands/whoami.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const CASE_BOUND_SECONDS = 20;
const WORKERS = 3;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;

/** The help text of each top-level command: its options are the ones that need cases. */
const HELP: Record<string, string> = {
  attest: ATTEST_HELP,
  cert: CERT_HELP,
  doctor: DOCTOR_HELP,
  emulator: EMULATOR_HELP,
  imds: IMDS_HELP,
  key: KEY_HELP,
  rest: REST_HELP,
  role: ROLE_HELP,
  secret: SECRET_HELP,
  token: TOKEN_HELP,
  vm: VM_HELP,
  whoami: WHOAMI_HELP,
};

/** Options every command shares, covered by the generic identity/environment cases or their own rows. */
const SHARED = ["output", "verbose", "help", "timeout", "credential", "client-id", "object-id", "msi-res-id", "cloud"];

interface Fixtures {
  dir: string;
  paths: Record<string, string>;
  victim: string;
}

async function writeFixtures(emu: EmulatorHandle): Promise<Fixtures> {
  const dir = await Deno.makeTempDir({ prefix: "kvmi-hostile-" });
  const paths: Record<string, string> = {};
  const files: Record<string, string | Uint8Array> = { ...FIXTURE_FILES, ...FIXTURE_JWTS };
  files["@VALID_POLICY"] = JSON.stringify(defaultCvmPolicy("https://attest.example"));
  const keys = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign"],
  );
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  files["@TRANSFER_KEY"] = `-----BEGIN PRIVATE KEY-----\n${btoa(String.fromCharCode(...der)).replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
  for (const [name, content] of Object.entries(files)) {
    const path = `${dir}/${name.slice(1).toLowerCase()}`;
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    paths[name] = path;
  }
  const victim = `${dir}/victim.txt`;
  await Deno.writeTextFile(victim, "do not overwrite");
  await Deno.symlink(victim, `${dir}/link.pem`);
  paths["@SYMLINK"] = `${dir}/link.pem`;
  paths["@MANIFEST"] = emu.manifestPath;
  return { dir, paths, victim };
}

/** Replaces placeholders: `@NAME` (a fixture path), `@@NAME` (`@` + path, for --body), `@OUT_NEW` (a fresh path). */
function resolve(text: string, fixtures: Fixtures, index: number): string {
  if (text === "@OUT_NEW") return `${fixtures.dir}/out-${index}.pem`;
  if (text.startsWith("@@") && fixtures.paths[text.slice(1)]) return `@${fixtures.paths[text.slice(1)]}`;
  return fixtures.paths[text] ?? text;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

async function run(c: HostileCase, index: number, emu: EmulatorHandle, fixtures: Fixtures): Promise<Outcome> {
  const env: Record<string, string> = { ...emu.env, ...(c.admin ? adminEnv(emu) : {}) };
  for (const [k, v] of Object.entries(c.env ?? {})) env[k] = resolve(v, fixtures, index);
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, ...c.args.map((a) => resolve(a, fixtures, index))],
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CASE_BOUND_SECONDS * 1500),
  }).spawn();
  const writer = child.stdin.getWriter();
  try {
    if (c.stdin !== undefined) await writer.write(typeof c.stdin === "string" ? new TextEncoder().encode(c.stdin) : c.stdin);
    await writer.close();
  } catch { /* kvmi stopped reading early (a limit): that is allowed */ }
  const out = await child.output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Every assertion a case must pass; returns the problems found (empty when it passed). */
function problems(c: HostileCase, o: Outcome, emu: EmulatorHandle): string[] {
  const found: string[] = [];
  const all = o.stdout + o.stderr;
  if (o.code !== c.code) found.push(`exit ${o.code}, expected ${c.code}`);
  if (/Unexpected failure/.test(all)) found.push("Unexpected failure");
  if (/\n\s+at \S+ \(|^\s+at file:/m.test(all)) found.push("stack trace");
  if (JWT_LIKE.test(all)) found.push("a token in the output");
  if (all.includes("this-is-test-secret") || all.includes(emu.manifest.admin.clientSecret)) found.push("a secret in the output");
  const lines = o.stderr.split("\n").filter((l) => l !== "");
  if (o.code !== 0 && o.code !== 4 && o.stderr.startsWith("{")) {
    // With an explicit --output json, errors are kvmi's documented JSON shape.
    const error = (JSON.parse(o.stderr) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code !== "string" || typeof error.message !== "string" || error.message.includes("\n")) found.push("not kvmi's JSON error shape");
  } else if (o.code !== 0 && o.code !== 4) {
    if (!/^kvmi: error: \S/.test(lines[0] ?? "")) found.push(`no 'kvmi: error:' line`);
    if (lines.length > 2 || (lines.length === 2 && !lines[1].startsWith("kvmi: hint: "))) found.push(`${lines.length} lines on stderr`);
  }
  if (c.message && !c.message.test(o.stderr)) found.push(`message does not match ${c.message}`);
  if (o.seconds > CASE_BOUND_SECONDS) found.push(`took ${o.seconds.toFixed(1)} s`);
  return found;
}

Deno.test("hostile inputs: every generated case ends with its documented exit code, one clear line, nothing leaked, in time", async () => {
  const cases = generateCases();
  assert.ok(cases.length >= 300, `only ${cases.length} cases`);
  const emu = await startEmulator();
  const fixtures = await writeFixtures(emu);
  const failures: string[] = [];
  let next = 0;
  try {
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index];
        const outcome = await run(c, index, emu, fixtures);
        const found = problems(c, outcome, emu);
        if (found.length) failures.push(`${c.name}: ${found.join("; ")}\n    ${JSON.stringify(outcome.stderr.slice(0, 300))}`);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    assert.equal(await Deno.readTextFile(fixtures.victim), "do not overwrite", "a symlink target was written");
  } finally {
    await emu.stop();
    await Deno.remove(fixtures.dir, { recursive: true }).catch(() => {});
  }
  console.log(`hostile inputs: ${cases.length} cases, ${failures.length} failed`);
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases failed:\n${failures.join("\n")}`);
});

Deno.test("hostile tables cover every option of every command (a new option needs cases)", () => {
  const covered = new Map<string, Set<string>>();
  for (const table of COMMANDS) {
    const set = covered.get(table.command[0]) ?? new Set<string>();
    for (const option of Object.keys(table.options)) if (!PSEUDO_OPTIONS.includes(option)) set.add(option);
    covered.set(table.command[0], set);
  }
  const missing: string[] = [];
  for (const [command, help] of Object.entries(HELP)) {
    const options = new Set([...help.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1]));
    for (const option of options) {
      if (SHARED.includes(option) || option in NO_BAD_VALUE || `${command} --${option}` in NO_BAD_VALUE) continue;
      if (!covered.get(command)?.has(option)) missing.push(`${command} --${option}`);
    }
  }
  assert.deepEqual(missing, [], `options without hostile cases (add rows to tests/hostile/tables.ts): ${missing.join(", ")}`);
});
