import assert from "node:assert/strict";
import { jwtClaims, startEmulator } from "../fixtures/emulator.ts";

Deno.test("IMDS token endpoint speaks the real protocol", async (t) => {
  const emu = await startEmulator();
  const base = `${emu.manifest.imdsEndpoint}/metadata/identity/oauth2/token`;
  const get = async (query: string, headers: Record<string, string> = { Metadata: "true" }) => {
    const res = await fetch(`${base}?${query}`, { headers });
    return { status: res.status, body: await res.json() };
  };
  try {
    await t.step("Metadata: true is required", async () => {
      const r = await get("api-version=2018-02-01&resource=https://vault.azure.net", {});
      assert.equal(r.status, 400);
      assert.equal(r.body.error, "bad_request_102");
      assert.equal(r.body.error_description, "Required metadata header not specified");
    });
    await t.step("X-Forwarded-For is refused", async () => {
      const r = await get("api-version=2018-02-01&resource=https://vault.azure.net", { Metadata: "true", "X-Forwarded-For": "10.0.0.1" });
      assert.equal(r.status, 400);
    });
    await t.step("every field is a string and resource is echoed exactly", async () => {
      for (const resource of ["https://vault.azure.net", "https://vault.azure.net/", "https://management.azure.com"]) {
        const r = await get(`api-version=2018-02-01&resource=${encodeURIComponent(resource)}`);
        assert.equal(r.status, 200);
        assert.equal(r.body.resource, resource);
        for (const k of ["access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before", "resource", "token_type"]) {
          assert.equal(typeof r.body[k], "string", k);
        }
        assert.equal(r.body.token_type, "Bearer");
        assert.ok(Number(r.body.expires_in) > 80_000, "managed identity tokens last about 24 h");
        const claims = jwtClaims(r.body.access_token);
        assert.equal(claims.iss, `https://sts.windows.net/${emu.manifest.tenantId}/`);
        assert.equal(claims.oid, emu.manifest.vm.principalId);
        assert.equal(claims.appid, emu.manifest.vm.clientId);
        assert.equal(claims.xms_mirid, emu.manifest.vm.resourceId);
        assert.equal(claims.tid, emu.manifest.tenantId);
        assert.ok(claims.exp > claims.nbf && claims.iat <= claims.nbf + 1);
        const header = JSON.parse(atob(r.body.access_token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));
        assert.equal(header.alg, "RS256");
      }
    });
    await t.step("tokens are cached per identity and resource, bypass_cache mints a new one", async () => {
      const a = await get("api-version=2018-02-01&resource=https://storage.azure.com/");
      const b = await get("api-version=2018-02-01&resource=https://storage.azure.com/");
      const c = await get("api-version=2018-02-01&resource=https://storage.azure.com/&bypass_cache=true");
      assert.equal(a.body.access_token, b.body.access_token);
      assert.notEqual(a.body.access_token, c.body.access_token);
    });
    await t.step("the trailing-slash, lower-cased path msal-node sends works", async () => {
      const res = await fetch(`${emu.manifest.imdsEndpoint}/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net`, {
        headers: { Metadata: "true" },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    });
    await t.step("errors: unknown identity, two selectors, duplicate parameters, missing resource, bad api-version", async () => {
      assert.deepEqual((await get("api-version=2018-02-01&resource=https://vault.azure.net&client_id=00000000-0000-0000-0000-000000000000")).body, {
        error: "invalid_request",
        error_description: "Identity not found",
      });
      assert.equal((await get(`api-version=2018-02-01&resource=https://vault.azure.net&client_id=a&object_id=b`)).status, 400);
      assert.match((await get("api-version=2018-02-01&resource=a&resource=b")).body.error_description, /more than once/);
      assert.match((await get("api-version=2018-02-01")).body.error_description, /resource/);
      assert.match((await get("api-version=1999-01-01&resource=https://vault.azure.net")).body.error, /api-version is invalid/);
    });
    await t.step("object_id and msi_res_id are echoed", async () => {
      const r = await get(`api-version=2018-02-01&resource=https://vault.azure.net&object_id=${emu.manifest.vm.principalId}`);
      assert.equal(r.body.object_id, emu.manifest.vm.principalId);
    });
    await t.step("instance metadata: compute of the seeded VM, all strings, leaf nodes need format=text", async () => {
      const res = await fetch(`${emu.manifest.imdsEndpoint}/metadata/instance?api-version=2021-02-01`, { headers: { Metadata: "true" } });
      const doc = await res.json();
      assert.equal(doc.compute.name, "vm-demo");
      assert.equal(doc.compute.subscriptionId, emu.manifest.subscriptionId);
      assert.equal(doc.compute.resourceGroupName, "rg-demo");
      assert.equal(doc.compute.location, "japaneast");
      assert.equal(doc.compute.resourceId, emu.manifest.vm.resourceId);
      assert.equal(doc.compute.platformFaultDomain, "0");
      const leaf = await fetch(`${emu.manifest.imdsEndpoint}/metadata/instance/compute/vmId?api-version=2021-02-01&format=text`, {
        headers: { Metadata: "true" },
      });
      assert.match(await leaf.text(), /^[0-9a-f-]{36}$/);
      const noHeader = await fetch(`${emu.manifest.imdsEndpoint}/metadata/instance?api-version=2021-02-01`);
      assert.equal(noHeader.status, 400);
      await noHeader.body?.cancel();
    });
  } finally {
    await emu.stop();
  }
});
