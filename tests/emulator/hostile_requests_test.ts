/**
 * Requests a hostile client sends the emulator: a vault list with `//` in its path must not
 * produce a protocol-relative `nextLink` (which named a host `secrets`).
 * @module
 */
import assert from "node:assert/strict";
import { adminToken, startEmulator } from "../fixtures/emulator.ts";

Deno.test("vault nextLink stays on the vault's origin whatever the raw request path", async () => {
  const emu = await startEmulator();
  try {
    const vault = emu.manifest.vaults["kv-demo"];
    const token = await adminToken(emu, "https://vault.azure.net");
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    const put = await fetch(`${vault}/secrets/second?api-version=7.4`, { method: "PUT", headers, body: JSON.stringify({ value: "v" }), client: emu.http });
    assert.equal(put.status, 200, await put.text());
    for (const path of ["//secrets", "/secrets", "///secrets/"]) {
      const res = await fetch(`${vault}${path}?api-version=7.4&maxresults=1`, { headers, client: emu.http });
      const body = await res.json();
      if (res.status !== 200) continue; // a path the emulator does not route is fine; a bad link is not
      assert.equal(typeof body.nextLink, "string", `${path}: ${JSON.stringify(body)}`);
      assert.equal(new URL(body.nextLink).origin, new URL(vault).origin, `${path} gave ${body.nextLink}`);
    }
  } finally {
    await emu.stop();
  }
});
