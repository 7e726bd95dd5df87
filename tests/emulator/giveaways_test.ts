/**
 * The small things that gave the emulator away (issue #15's audit): IMDS's `Server` header, 405s,
 * versioned instance metadata, first-party audiences and AADSTS50001, AADSTS texts with CRLF,
 * Entra's v1 token endpoint, a real-looking `rh` claim, and early refusals over HTTP/2.
 */
import assert from "node:assert/strict";
import { adminToken, call, jwtClaims, startEmulator, vmToken } from "../fixtures/emulator.ts";

Deno.test("IMDS: Server header, 405 for POST, versioned instance metadata, first-party audiences, AADSTS50001", async (t) => {
  const emu = await startEmulator();
  const imds = emu.manifest.imdsEndpoint;
  const get = (path: string, init: RequestInit = {}) => fetch(`${imds}${path}`, { ...init, headers: { Metadata: "true", ...init.headers } });
  try {
    await t.step("IMDS's own answers carry Server: IMDS/…", async () => {
      for (
        const path of ["/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net", "/metadata/instance?api-version=2021-02-01"]
      ) {
        const r = await get(path);
        await r.body?.cancel();
        assert.match(r.headers.get("server") ?? "", /^IMDS\/\d+\.\d+\.\d+\.\d+$/, path);
      }
    });
    await t.step("POST to a GET-only endpoint is 405", async () => {
      for (
        const path of ["/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net", "/metadata/instance?api-version=2021-02-01"]
      ) {
        const r = await get(path, { method: "POST", body: "x" });
        assert.equal(r.status, 405, path);
        await r.body?.cancel();
      }
    });
    await t.step("/metadata/instance checks the api-version and shows only that version's fields", async () => {
      const bad = await get("/metadata/instance?api-version=2099-01-01");
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /api-version is invalid/);
      const old = await (await get("/metadata/instance?api-version=2017-08-01")).json();
      assert.equal(old.compute.subscriptionId, emu.manifest.subscriptionId);
      for (const k of ["azEnvironment", "resourceId", "tagsList", "userData", "securityProfile", "storageProfile", "osProfile"]) {
        assert.equal(k in old.compute, false, k);
      }
      const recent = await (await get("/metadata/instance?api-version=2021-02-01")).json();
      assert.equal(recent.compute.resourceId, emu.manifest.vm.resourceId);
      assert.equal(recent.compute.securityProfile.encryptionAtHost, undefined, "encryptionAtHost came with 2021-11-01");
      const newest = await (await get("/metadata/instance?api-version=2025-04-07")).json();
      assert.equal(typeof newest.compute.securityProfile.encryptionAtHost, "string");
      const versions = await (await get("/metadata/versions")).json();
      assert.ok(versions.apiVersions.includes("2017-08-01") && versions.apiVersions.includes("2025-04-07"));
    });
    await t.step("any first-party resource gets a token; an unknown one the documented AADSTS50001", async () => {
      for (
        const resource of [
          "https://servicebus.azure.net",
          "https://cognitiveservices.azure.com",
          "https://ossrdbms-aad.database.windows.net",
          "api://AzureADTokenExchange",
          "https://mystorageacct.blob.core.windows.net/",
        ]
      ) {
        const r = await get(`/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`);
        const body = await r.json();
        assert.equal(r.status, 200, `${resource}: ${JSON.stringify(body)}`);
        assert.equal(body.resource, resource);
        assert.equal(jwtClaims(body.access_token).aud, resource.replace(/\/$/, ""));
      }
      const r = await get("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://nothing.example.com");
      assert.equal(r.status, 400);
      const body = await r.json();
      assert.equal(body.error, "invalid_resource");
      const lines = body.error_description.split("\r\n");
      assert.equal(
        lines[0],
        `AADSTS50001: The application named https://nothing.example.com wasn't found in the tenant named ${emu.manifest.tenantId}. This message shows if the tenant administrator hasn't installed the application or no tenant user consented to it. You might have sent your authentication request to the wrong tenant.`,
      );
      assert.match(lines[1], /^Trace ID: [0-9a-f-]{36}$/);
    });
    await t.step("tokens carry an rh claim shaped like Entra's", async () => {
      const body = await (await get("/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net")).json();
      const rh = String(jwtClaims(body.access_token).rh);
      assert.match(rh, /^0\.A[A-Za-z0-9_-]{40,}\.$/);
      assert.ok(!rh.includes("kvmi"));
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("Entra ID: AADSTS descriptions joined with CRLF; the v1 /{tenant}/oauth2/token endpoint with resource=", async () => {
  const emu = await startEmulator();
  const { authorityHost, tenantId, admin } = emu.manifest;
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(`${authorityHost}/${tenantId}/${path}`, { method: "POST", client: emu.http, body: new URLSearchParams(form) });
    return { status: res.status, body: await res.json() };
  };
  try {
    const bad = await post("oauth2/v2.0/token", {
      grant_type: "client_credentials",
      client_id: admin.clientId,
      client_secret: "nope",
      scope: "https://vault.azure.net/.default",
    });
    const lines = String(bad.body.error_description).split("\r\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^AADSTS7000215: Invalid client secret provided\./);
    assert.match(lines[1], /^Trace ID: [0-9a-f-]{36}$/);
    assert.match(lines[2], /^Correlation ID: [0-9a-f-]{36}$/);
    assert.match(lines[3], /^Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);

    const v1 = await post("oauth2/token", {
      grant_type: "client_credentials",
      client_id: admin.clientId,
      client_secret: admin.clientSecret,
      resource: "https://vault.azure.net",
    });
    assert.equal(v1.status, 200, JSON.stringify(v1.body));
    for (const k of ["token_type", "expires_in", "ext_expires_in", "expires_on", "not_before", "resource", "access_token"]) {
      assert.equal(typeof v1.body[k], "string", k);
    }
    assert.equal(v1.body.resource, "https://vault.azure.net");
    assert.equal(jwtClaims(v1.body.access_token).aud, "https://vault.azure.net");
    const v1Unknown = await post("oauth2/token", {
      grant_type: "client_credentials",
      client_id: admin.clientId,
      client_secret: admin.clientSecret,
      resource: "https://nothing.example",
    });
    assert.equal(v1Unknown.status, 400);
    assert.deepEqual(v1Unknown.body.error_codes, [500011]);
  } finally {
    await emu.stop();
  }
});

Deno.test("an early refusal of a request with a body reaches curl over HTTP/2 as the error body, every time", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/body.json`;
    await Deno.writeTextFile(file, JSON.stringify({ value: "x".repeat(200_000) }));
    const targets = [
      `${emu.manifest.vaults["kv-demo"]}/secrets/early?api-version=7.4`,
      `${emu.manifest.armEndpoint}/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo?api-version=2021-04-01`,
      `${emu.manifest.authorityHost}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token`,
    ];
    for (const url of targets) {
      for (let i = 0; i < 10; i++) {
        const out = await new Deno.Command("curl", {
          args: ["-sS", "--http2", "--cacert", emu.manifest.caCertFile, "-X", url.includes("oauth2") ? "POST" : "PUT", "--data-binary", `@${file}`, url],
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 0, `${url}: ${stderr}`);
        const body = JSON.parse(new TextDecoder().decode(out.stdout));
        assert.ok(body.error, url);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});

Deno.test("Key Vault: secret and key backup and restore; IDX messages by the token's shape", async () => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo"];
  const token = await adminToken(emu, "https://vault.azure.net");
  try {
    const backup = await call(emu, "POST", `${vault}/secrets/secret-for-vm/backup?api-version=7.4`, token);
    assert.equal(backup.status, 200);
    assert.match(String(backup.body.value), /^[A-Za-z0-9_-]+$/);
    const taken = await call(emu, "POST", `${vault}/secrets/restore?api-version=7.4`, token, { value: backup.body.value });
    assert.equal(taken.status, 409, "the name is in use");
    assert.equal((await call(emu, "DELETE", `${vault}/secrets/secret-for-vm?api-version=7.4`, token)).status, 200);
    assert.equal((await call(emu, "DELETE", `${vault}/deletedsecrets/secret-for-vm?api-version=7.4`, token)).status, 204);
    const restored = await call(emu, "POST", `${vault}/secrets/restore?api-version=7.4`, token, { value: backup.body.value });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, token)).body.value, "this-is-test-secret");
    const corrupt = await call(emu, "POST", `${vault}/secrets/restore?api-version=7.4`, token, { value: "bm90LWEtYmFja3Vw" });
    assert.equal(corrupt.status, 400);

    const key = await call(emu, "GET", `${vault}/keys/cvm-key?api-version=7.4`, token);
    const keyBackup = await call(emu, "POST", `${vault}/keys/cvm-key/backup?api-version=7.4`, token);
    assert.equal(keyBackup.status, 200);
    assert.equal((await call(emu, "DELETE", `${vault}/keys/cvm-key?api-version=7.4`, token)).status, 200);
    assert.equal((await call(emu, "DELETE", `${vault}/deletedkeys/cvm-key?api-version=7.4`, token)).status, 204);
    const keyRestored = await call(emu, "POST", `${vault}/keys/restore?api-version=7.4`, token, { value: keyBackup.body.value });
    assert.equal(keyRestored.status, 200, JSON.stringify(keyRestored.body));
    assert.deepEqual((keyRestored.body.key as { kid: string; n: string }).kid, (key.body.key as { kid: string }).kid, "the same version id and key");
    assert.deepEqual((keyRestored.body.key as { n: string }).n, (key.body.key as { n: string }).n);

    const url = `${vault}/secrets/secret-for-vm?api-version=7.4`;
    const message = async (t: string) => ((await call(emu, "GET", url, t)).body.error as { message: string }).message;
    assert.match(await message("nodots"), /IDX14100/);
    assert.match(await message("one.dot"), /IDX14120/);
    assert.match(await message("two.dots.here"), /IDX14102/);
    assert.match(await message("a.b.c.d"), /IDX14121/);
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM: api-versions of subscriptions and resource groups, the assignment id in a refused write, InvalidResourceType's namespace, VM etags", async () => {
  const emu = await startEmulator();
  const sub = emu.manifest.subscriptionId;
  const arm = await adminToken(emu, "https://management.azure.com/");
  try {
    assert.equal((await call(emu, "GET", `${emu.manifest.armEndpoint}/subscriptions/${sub}?api-version=2022-12-01`, arm)).status, 200);
    const bad = await call(emu, "GET", `${emu.manifest.armEndpoint}/subscriptions/${sub}/resourceGroups/rg-demo?api-version=2099-01-01`, arm);
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { code: string }).code, "InvalidApiVersionParameter");

    const vm = await vmToken(emu, "https://management.azure.com/");
    const name = crypto.randomUUID();
    const scope = `/subscriptions/${sub}/resourceGroups/rg-demo`;
    const refused = await call(
      emu,
      "PUT",
      `${emu.manifest.armEndpoint}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
      vm,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: emu.manifest.vm.principalId,
        },
      },
    );
    assert.equal(refused.status, 403);
    assert.match(
      (refused.body.error as { message: string }).message,
      new RegExp(`over scope '${scope}/providers/Microsoft\\.Authorization/roleAssignments/${name}'`),
    );

    const unknown = await call(emu, "GET", `${emu.manifest.armEndpoint}/subscriptions/${sub}/providers/Microsoft.Nope/widgets?api-version=2024-01-01`, arm);
    assert.equal(unknown.status, 404);
    assert.equal(
      (unknown.body.error as { message: string }).message,
      "The resource type 'widgets' could not be found in the namespace 'Microsoft.Nope' for api version '2024-01-01'.",
    );

    const got = await call(emu, "GET", `${emu.manifest.armEndpoint}${scope}/providers/Microsoft.Compute/virtualMachines/vm-demo?api-version=2024-07-01`, arm);
    assert.match(String(got.body.etag), /^"\d+"$/);
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM: VM start/powerOff/deallocate/restart as long-running operations, instanceView, PATCH; resource group PUT", async () => {
  const emu = await startEmulator();
  const sub = emu.manifest.subscriptionId;
  const arm = await adminToken(emu, "https://management.azure.com/");
  const vmUrl = `${emu.manifest.armEndpoint}/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-app-01`;
  const power = async () => {
    const view = await call(emu, "GET", `${vmUrl}/instanceView?api-version=2024-07-01`, arm);
    return (view.body.statuses as { code: string }[]).find((s) => s.code.startsWith("PowerState/"))!.code;
  };
  const finish = async (operation: string) => {
    for (let i = 0; i < 10; i++) if ((await call(emu, "GET", operation, arm)).body.status === "Succeeded") return;
    throw new Error("operation never finished");
  };
  try {
    assert.equal(await power(), "PowerState/running");
    for (const [action, state] of [["powerOff", "stopped"], ["deallocate", "deallocated"], ["start", "running"], ["restart", "running"]]) {
      const r = await call(emu, "POST", `${vmUrl}/${action}?api-version=2024-07-01`, arm);
      assert.equal(r.status, 202, action);
      assert.ok(r.headers.get("location"));
      await finish(r.headers.get("azure-asyncoperation")!);
      assert.equal(await power(), `PowerState/${state}`, action);
    }
    const before = String((await call(emu, "GET", `${vmUrl}?api-version=2024-07-01`, arm)).body.etag);
    const patched = await call(emu, "PATCH", `${vmUrl}?api-version=2024-07-01`, arm, { tags: { owner: "ops" } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.tags, { owner: "ops" });
    assert.notEqual(patched.body.etag, before);
    const vm = await vmToken(emu, "https://management.azure.com/");
    const refused = await call(emu, "POST", `${vmUrl}/restart?api-version=2024-07-01`, vm);
    assert.equal(refused.status, 403, "Reader may not restart");
    assert.match((refused.body.error as { message: string }).message, /Microsoft\.Compute\/virtualMachines\/restart\/action/);

    const rgUrl = `${emu.manifest.armEndpoint}/subscriptions/${sub}/resourceGroups/rg-new?api-version=2021-04-01`;
    assert.equal((await call(emu, "PUT", rgUrl, arm, { location: "japaneast", tags: { a: "b" } })).status, 201);
    assert.equal((await call(emu, "PUT", rgUrl, arm, { location: "japaneast" })).status, 200);
    assert.equal((await call(emu, "PUT", rgUrl, arm, { location: "westus" })).status, 409);
    assert.equal((await call(emu, "GET", rgUrl, arm)).body.name, "rg-new");
  } finally {
    await emu.stop();
  }
});
