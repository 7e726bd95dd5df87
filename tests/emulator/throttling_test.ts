import assert from "node:assert/strict";
import { ArmThrottle, SlidingWindow, TokenBucket, vaultOperationClass } from "../../src/emulator/throttling.ts";
import { adminToken, call, startEmulator } from "../fixtures/emulator.ts";

Deno.test("throttling bookkeeping: sliding windows, token buckets, Key Vault operation classes", () => {
  const window = new SlidingWindow(2, 10_000);
  assert.equal(window.admit(0), undefined);
  assert.equal(window.admit(1000), undefined);
  assert.equal(window.admit(2000), 8, "seconds until the first admission leaves the window");
  assert.equal(window.admit(10_000), undefined);
  const bucket = new TokenBucket(2, 1);
  assert.equal(bucket.take(0), undefined);
  assert.equal(bucket.take(0), undefined);
  assert.equal(bucket.take(0), 1);
  assert.equal(bucket.take(1000), undefined, "refilled");
  assert.equal(vaultOperationClass("PUT", "/secrets/a"), "secretCreate");
  assert.equal(vaultOperationClass("POST", "/keys/k/create"), "keyCreate");
  assert.equal(vaultOperationClass("GET", "/secrets/a/"), "other");
  const arm = new ArmThrottle();
  for (let i = 0; i < 200; i++) assert.equal(arm.admit("PUT", 0), undefined);
  assert.ok(arm.admit("PUT", 0)! >= 1, "the 201st write in the same instant");
  assert.equal(arm.admit("GET", 0), undefined, "reads have their own bucket");
});

Deno.test("Key Vault throttles per vault with 429 Throttled and Retry-After; --throttling off lifts it", async () => {
  for (const throttling of ["on", "off"] as const) {
    const emu = await startEmulator({ seed: "empty", throttling });
    try {
      const token = await adminToken(emu, "https://vault.azure.net");
      const statuses: number[] = [];
      let throttled: { body: Record<string, unknown>; headers: Headers } | undefined;
      for (let i = 0; i < 24; i++) {
        const r = await call(emu, "POST", `${emu.manifest.vaults["kv-demo"]}/keys/k${i}/create?api-version=7.4`, token, { kty: "EC", crv: "P-256" });
        statuses.push(r.status);
        if (r.status === 429) throttled ??= r;
      }
      if (throttling === "off") {
        assert.ok(statuses.every((s) => s === 200), statuses.join(","));
        continue;
      }
      assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200), "20 key creations per 10 s");
      assert.deepEqual(statuses.slice(20), [429, 429, 429, 429]);
      assert.deepEqual(throttled!.body, {
        error: { code: "Throttled", message: "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached" },
      });
      assert.ok(Number(throttled!.headers.get("retry-after")) >= 1);
      const read = await call(emu, "GET", `${emu.manifest.vaults["kv-demo"]}/keys/k0?api-version=7.4`, token);
      assert.equal(read.status, 200, "other transactions have their own limit");
    } finally {
      await emu.stop();
    }
  }
});
