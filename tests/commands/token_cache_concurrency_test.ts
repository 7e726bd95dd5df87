/**
 * Scheduled tasks at scale (#10): up to 200 kvmi processes of one user started at once share one
 * token per (identity, resource) through the token cache. Half read a secret as the VM's
 * system-assigned identity, half get a Key Vault token as its user-assigned identity; the
 * emulator's counters must show exactly one IMDS token request per identity. The number of
 * processes is bounded by available memory (never more than 200); all start together.
 * @module
 */
import assert from "node:assert/strict";
import { type KvmiResult, startEmulator, tokenCacheOn } from "../fixtures/emulator.ts";
import { memAvailableMiB } from "../bench/machine.ts";

const SECRET = "this-is-test-secret";
const DEADLINE_MS = 240_000;
/** A generous estimate of one `deno run src/main.ts` process's memory, to bound the burst. */
const MIB_PER_PROCESS = 100;

function burstSize(): number {
  const available = memAvailableMiB();
  const byMemory = Number.isFinite(available) ? Math.floor(available / MIB_PER_PROCESS) : 200;
  return Math.max(20, Math.min(200, byMemory - (byMemory % 2)));
}

Deno.test("token cache: processes started at once make exactly one IMDS token request per (identity, resource), all succeed", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-burst-" });
  const env = tokenCacheOn(dir);
  const uami =
    `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
  const n = burstSize();
  try {
    await emu.resetFaults();
    const timer = setTimeout(() => console.error(`the burst of ${n} is still running after ${DEADLINE_MS / 1000} s`), DEADLINE_MS);
    const started = performance.now();
    const results: KvmiResult[] = await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          i % 2 === 0
            ? emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], { env })
            : emu.kvmi(["token", "--resource", "https://vault.azure.net", "--msi-res-id", uami], { env }),
      ),
    );
    clearTimeout(timer);
    const wallMs = Math.round(performance.now() - started);
    const failures = results.filter((r, i) => r.code !== 0 || (i % 2 === 0 ? r.stdout !== SECRET : JSON.parse(r.stdout).resourceId === null));
    assert.equal(failures.length, 0, `${failures.length} of ${n} failed; first: ${failures[0]?.stderr}`);
    const counts = await emu.requests();
    console.log(`${n} processes at once in ${wallMs} ms: ${JSON.stringify(counts)}`);
    assert.equal(counts["imds-token"], 2, "one IMDS token request for the system identity, one for the user-assigned one");
    assert.equal(counts.keyvault, n / 2);
    assert.ok(wallMs < DEADLINE_MS, `the burst took ${wallMs} ms`);
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((name) => !name.endsWith(".json"));
    assert.deepEqual(left, [], "no lock or temporary file left behind");
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
