/**
 * The fault matrix: IMDS, Entra ID, Key Vault, ARM and Attestation failing in every way we can
 * make them fail on loopback (the emulator's fault injection, and listeners of our own that
 * black-hole, reset or trickle). Each row asserts the exit code, the message and a time bound.
 * Rows that test the real delays run with `KVMI_RETRY_DELAY_SCALE=1` and a short `--timeout`.
 * @module
 */
import assert from "node:assert/strict";
import { adminEnv, type EmulatorHandle, type KvmiResult, startEmulator } from "../fixtures/emulator.ts";
import { badListener, type Misbehaviour } from "../fixtures/bad_listeners.ts";

/** One row: a fault, a command, what must come out and how fast. */
interface FaultRow {
  name: string;
  /** Emulator faults to queue first. */
  faults?: Record<string, unknown>[];
  /** A listener of ours standing in for IMDS or for a vault. */
  listener?: { kind: Misbehaviour; as: "imds" | "vault" };
  args: string[];
  admin?: boolean;
  /** Real delays (scale 1) instead of the suite's 0.01. */
  realDelays?: boolean;
  code: number;
  message: RegExp;
  /** The whole run, spawn included, must end within this many seconds. */
  withinSeconds: number;
}

const SECRET_GET = ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm"];
const VM_LIST = ["vm", "list"];

const ROWS: FaultRow[] = [
  // IMDS
  {
    name: "IMDS accepts the connection and never answers",
    listener: { kind: "black-hole", as: "imds" },
    args: SECRET_GET,
    code: 3,
    message: /could not be reached.*no answer within 10000 ms/,
    withinSeconds: 12,
  },
  { name: "doctor with an IMDS black hole", listener: { kind: "black-hole", as: "imds" }, args: ["doctor"], code: 1, message: /^$/, withinSeconds: 10 },
  { name: "IMDS resets connections", listener: { kind: "reset", as: "imds" }, args: SECRET_GET, code: 3, message: /could not be reached/, withinSeconds: 6 },
  { name: "IMDS trickles its body", listener: { kind: "trickle", as: "imds" }, args: SECRET_GET, code: 3, message: /could not be reached/, withinSeconds: 12 },
  { name: "IMDS 410 for a while", faults: [{ target: "imds-token", status: 410, count: 3 }], args: SECRET_GET, code: 0, message: /^$/, withinSeconds: 10 },
  {
    name: "IMDS 429 without Retry-After, then ok",
    faults: [{ target: "imds-token", status: 429, count: 2 }],
    args: SECRET_GET,
    code: 0,
    message: /^$/,
    withinSeconds: 10,
  },
  {
    name: "IMDS 429 with a huge Retry-After",
    faults: [{ target: "imds-token", status: 429, count: 10, retryAfter: 100000 }],
    args: [...SECRET_GET, "--timeout", "3"],
    realDelays: true,
    code: 6,
    message: /429/,
    withinSeconds: 6,
  },
  { name: "IMDS 500 throughout", faults: [{ target: "imds-token", status: 500, count: 10 }], args: SECRET_GET, code: 6, message: /500/, withinSeconds: 10 },
  { name: "IMDS expired token", faults: [{ target: "imds-token", kind: "expired-token" }], args: SECRET_GET, code: 3, message: /expired/i, withinSeconds: 10 },
  {
    name: "IMDS malformed token",
    faults: [{ target: "imds-token", kind: "malformed-token" }],
    args: SECRET_GET,
    code: 3,
    message: /token/i,
    withinSeconds: 10,
  },
  { name: "instance metadata 500 throughout", faults: [{ target: "imds", status: 500, count: 10 }], args: VM_LIST, code: 6, message: /500/, withinSeconds: 10 },
  // Entra ID (the admin service principal)
  {
    name: "Entra 503 throughout",
    faults: [{ target: "entra", status: 503, count: 10 }],
    args: SECRET_GET,
    admin: true,
    code: 6,
    message: /temporarily_unavailable/,
    withinSeconds: 10,
  },
  {
    name: "Entra 429 with a huge Retry-After",
    faults: [{ target: "entra", status: 429, count: 10, retryAfter: 100000 }],
    args: [...SECRET_GET, "--timeout", "3"],
    admin: true,
    realDelays: true,
    code: 6,
    message: /temporarily_unavailable|429/,
    withinSeconds: 6,
  },
  // Key Vault
  {
    name: "Key Vault 429 then ok",
    faults: [{ target: "keyvault", status: 429, count: 2, retryAfter: 1 }],
    args: SECRET_GET,
    code: 0,
    message: /^$/,
    withinSeconds: 10,
  },
  {
    name: "Key Vault 429 with a huge Retry-After",
    faults: [{ target: "keyvault", status: 429, count: 10, retryAfter: 100000 }],
    args: [...SECRET_GET, "--timeout", "3"],
    realDelays: true,
    code: 6,
    message: /429|Throttled/,
    withinSeconds: 6,
  },
  {
    name: "Key Vault 503 throughout",
    faults: [{ target: "keyvault", status: 503, count: 10 }],
    args: SECRET_GET,
    code: 6,
    message: /InternalServerError/,
    withinSeconds: 10,
  },
  {
    name: "Key Vault 501",
    faults: [{ target: "keyvault", status: 501, count: 10 }],
    args: SECRET_GET,
    code: 6,
    message: /InternalServerError/,
    withinSeconds: 10,
  },
  {
    name: "vault black hole",
    listener: { kind: "black-hole", as: "vault" },
    args: ["secret", "get", "--vault", "kv-hole", "--name", "x", "--timeout", "3"],
    code: 6,
    message: /deadline|No response/,
    withinSeconds: 6,
  },
  {
    name: "vault resets connections",
    listener: { kind: "reset", as: "vault" },
    args: ["secret", "get", "--vault", "kv-hole", "--name", "x", "--timeout", "5"],
    code: 6,
    message: /Cannot connect|deadline/,
    withinSeconds: 8,
  },
  {
    name: "vault trickles",
    listener: { kind: "trickle", as: "vault" },
    args: ["secret", "get", "--vault", "kv-hole", "--name", "x", "--timeout", "3"],
    code: 6,
    message: /deadline|No response|Cannot connect/,
    withinSeconds: 6,
  },
  // ARM
  {
    name: "ARM 500 throughout",
    faults: [{ target: "arm", status: 500, count: 10 }],
    args: VM_LIST,
    code: 6,
    message: /answered 500|after retries/,
    withinSeconds: 10,
  },
  { name: "ARM 429 then ok", faults: [{ target: "arm", status: 429, count: 1 }], args: VM_LIST, code: 0, message: /^$/, withinSeconds: 10 },
  // Attestation
  {
    name: "Attestation 503 throughout",
    faults: [{ target: "attestation", status: 503, count: 10 }],
    args: ["attest"],
    code: 6,
    message: /Injected fault/,
    withinSeconds: 10,
  },
];

async function runRow(emu: EmulatorHandle, row: FaultRow): Promise<{ result: KvmiResult; seconds: number }> {
  await emu.resetFaults();
  for (const f of row.faults ?? []) await emu.fault(f);
  const listener = row.listener ? badListener(row.listener.kind) : undefined;
  const env: Record<string, string> = { ...(row.admin ? adminEnv(emu) : {}), ...(row.realDelays ? { KVMI_RETRY_DELAY_SCALE: "1" } : {}) };
  try {
    if (row.listener?.as === "imds") env.AZURE_POD_IDENTITY_AUTHORITY_HOST = `http://127.0.0.1:${listener!.port}`;
    if (row.listener?.as === "vault") {
      const profile = { ...emu.manifest, vaults: { ...emu.manifest.vaults, "kv-hole": `https://127.0.0.1:${listener!.port}` } };
      const path = await Deno.makeTempFile({ suffix: ".json" });
      await Deno.writeTextFile(path, JSON.stringify(profile));
      env.KVMI_CLOUD_PROFILE = path;
    }
    const started = performance.now();
    const result = await emu.kvmi(row.args, { env });
    return { result, seconds: (performance.now() - started) / 1000 };
  } finally {
    listener?.close();
  }
}

Deno.test("fault matrix: every fault ends with its exit code, one clear message, within its bound", async (t) => {
  const emu = await startEmulator();
  try {
    for (const row of ROWS) {
      await t.step(row.name, async () => {
        const { result, seconds } = await runRow(emu, row);
        assert.equal(result.code, row.code, `${row.name}: ${result.stderr}`);
        assert.match(result.stderr, row.message);
        assert.doesNotMatch(result.stderr, /Unexpected failure|\n\s+at /);
        assert.ok(seconds < row.withinSeconds, `${row.name} took ${seconds.toFixed(1)} s (bound ${row.withinSeconds} s)`);
      });
    }
  } finally {
    await emu.resetFaults();
    await emu.stop();
  }
});
