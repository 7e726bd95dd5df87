import assert from "node:assert/strict";
import { adminToken, call, startEmulator } from "../fixtures/emulator.ts";
import { apiShape, KEYVAULT_API_VERSIONS } from "../../src/emulator/keyvault/api_versions.ts";

Deno.test("Key Vault api-versions: the table of what each version adds", () => {
  assert.deepEqual(apiShape("2015-06-01"), { version: "2015-06-01", softDelete: false, recoverableDays: false, keyRelease: false, keyRotation: false });
  assert.deepEqual(apiShape("2016-10-01"), { version: "2016-10-01", softDelete: true, recoverableDays: false, keyRelease: false, keyRotation: false });
  assert.deepEqual(apiShape("7.0"), { version: "7.0", softDelete: true, recoverableDays: false, keyRelease: false, keyRotation: false });
  assert.deepEqual(apiShape("7.1"), { version: "7.1", softDelete: true, recoverableDays: true, keyRelease: false, keyRotation: false });
  for (const v of ["7.3", "7.3-preview", "7.6", "2025-07-01", "2026-04-01"]) assert.equal(apiShape(v)?.keyRelease, true, v);
  for (const v of ["7.3", "7.6", "2025-07-01"]) assert.equal(apiShape(v)?.keyRotation, true, v);
  for (const v of ["2016-10-01.1", "7.7", "8.0", "2099-01-01", "", null]) assert.equal(apiShape(v), undefined, String(v));
});

Deno.test("Key Vault answers every api-version the service does, with each version's response shape", async () => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo"];
  const token = await adminToken(emu, "https://vault.azure.net");
  try {
    for (const v of ["2015-06-01", "2016-10-01", "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"]) {
      assert.ok(KEYVAULT_API_VERSIONS.includes(v), v);
      const r = await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=${v}`, token);
      assert.equal(r.status, 200, v);
      assert.equal(r.body.value, "this-is-test-secret", v);
      const attributes = r.body.attributes as Record<string, unknown>;
      assert.equal("recoveryLevel" in attributes, v !== "2015-06-01", `${v} recoveryLevel`);
      assert.equal("recoverableDays" in attributes, !["2015-06-01", "2016-10-01", "7.0"].includes(v), `${v} recoverableDays`);
      const key = await call(emu, "GET", `${vault}/keys/cvm-key?api-version=${v}`, token);
      assert.equal(key.status, 200, v);
      const released = ["7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"].includes(v);
      assert.equal("release_policy" in key.body, released, `${v} release_policy`);
      assert.equal((key.body.attributes as Record<string, unknown>).exportable, released ? true : undefined, `${v} exportable`);
    }
    // The first article's call: 2016-10-01, then the same secret deleted and listed as deleted.
    await call(emu, "PUT", `${vault}/secrets/old-api?api-version=2016-10-01`, token, { value: "v" });
    const del2015 = await call(emu, "DELETE", `${vault}/secrets/old-api?api-version=2015-06-01`, token);
    assert.equal(del2015.status, 200);
    assert.equal(del2015.body.recoveryId, undefined, "2015-06-01 predates soft delete in responses");
    assert.equal(del2015.body.value, undefined);
    const deleted2015 = await call(emu, "GET", `${vault}/deletedsecrets?api-version=2015-06-01`, token);
    assert.equal(deleted2015.status, 404, "2015-06-01 has no deletedsecrets route");
    const deleted2016 = await call(emu, "GET", `${vault}/deletedsecrets/old-api?api-version=2016-10-01`, token);
    assert.equal(deleted2016.status, 200);
    assert.match(String(deleted2016.body.recoveryId), /\/deletedsecrets\/old-api$/);
    const release70 = await call(emu, "POST", `${vault}/keys/cvm-key/release?api-version=7.2`, token, { target: "x" });
    assert.equal(release70.status, 404, "release arrived in 7.3");

    for (const bad of ["7.7", "2016-10-01-preview", "2024-01-01", "1.0"]) {
      const r = await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=${bad}`, token);
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        error: {
          code: "BadParameter",
          message: `The specified version (${bad}) is not recognized. Consider using the latest supported version (2026-04-01).`,
        },
      });
    }
  } finally {
    await emu.stop();
  }
});

Deno.test("Key Vault echoes x-ms-client-request-id only when the client sent one", async () => {
  const emu = await startEmulator();
  const url = `${emu.manifest.vaults["kv-demo"]}/secrets/secret-for-vm?api-version=7.4`;
  const token = await adminToken(emu, "https://vault.azure.net");
  try {
    const send = (headers: Record<string, string>) => fetch(url, { client: emu.http, headers: { Authorization: `Bearer ${token}`, ...headers } });
    const without = await send({});
    await without.body?.cancel();
    assert.equal(without.headers.has("x-ms-client-request-id"), false);
    const empty = await send({ "x-ms-client-request-id": "" });
    await empty.body?.cancel();
    assert.equal(empty.headers.has("x-ms-client-request-id"), false);
    const withId = await send({ "x-ms-client-request-id": "abc-123" });
    await withId.body?.cancel();
    assert.equal(withId.headers.get("x-ms-client-request-id"), "abc-123");
  } finally {
    await emu.stop();
  }
});
