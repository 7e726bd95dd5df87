import assert from "node:assert/strict";
import { AZURE_IMDS_LIMITS, ImdsLimiter } from "../../src/emulator/imds_limits.ts";
import { startEmulator } from "../fixtures/emulator.ts";

Deno.test("IMDS limiter: 20 per sliding second and 5 at once", () => {
  const limiter = new ImdsLimiter(AZURE_IMDS_LIMITS);
  for (let i = 0; i < 5; i++) assert.equal(limiter.enter(1000), true);
  assert.equal(limiter.enter(1000), false, "a sixth concurrent request");
  for (let i = 0; i < 5; i++) limiter.leave();
  for (let i = 0; i < 15; i++) {
    assert.equal(limiter.enter(1500), true);
    limiter.leave();
  }
  assert.equal(limiter.enter(1999), false, "the 21st within one second");
  assert.equal(limiter.enter(2000), true, "the first five have left the window");
});

const TOKEN_PATH = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net";

async function burst(imds: string, n: number): Promise<{ status: number; body: Record<string, string> }[]> {
  return await Promise.all(Array.from({ length: n }, async () => {
    const res = await fetch(`${imds}${TOKEN_PATH}`, { headers: { Metadata: "true" } });
    return { status: res.status, body: await res.json() };
  }));
}

Deno.test("IMDS enforces Azure's limits by default with its 429 body, and --imds-limits off lifts them", async () => {
  const limited = await startEmulator();
  try {
    const results = await burst(limited.manifest.imdsEndpoint, 40);
    const ok = results.filter((r) => r.status === 200).length;
    const throttled = results.filter((r) => r.status === 429);
    assert.ok(ok >= 1 && ok <= 20, `${ok} admitted`);
    assert.equal(ok + throttled.length, 40);
    assert.deepEqual(throttled[0].body, {
      error: "too_many_requests",
      error_description: "Too many requests. The identity endpoint allows 20 requests per second per VM.",
    });
    await new Promise((r) => setTimeout(r, 1100));
    const after = await fetch(`${limited.manifest.imdsEndpoint}${TOKEN_PATH}`, { headers: { Metadata: "true" } });
    await after.body?.cancel();
    assert.equal(after.status, 200, "the next second admits again");
    const instance = await Promise.all(Array.from({ length: 30 }, async () => {
      const res = await fetch(`${limited.manifest.imdsEndpoint}/metadata/instance?api-version=2021-02-01`, { headers: { Metadata: "true" } });
      await res.body?.cancel();
      return res.status;
    }));
    assert.ok(instance.every((s) => s === 200), "the limits are the identity endpoint's");
  } finally {
    await limited.stop();
  }
  const unlimited = await startEmulator({ imdsLimits: "off" });
  try {
    const results = await burst(unlimited.manifest.imdsEndpoint, 40);
    assert.ok(results.every((r) => r.status === 200));
  } finally {
    await unlimited.stop();
  }
});
