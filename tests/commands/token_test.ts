import assert from "node:assert/strict";
import { adminEnv, baseEnv, runKvmi, startEmulator } from "../fixtures/emulator.ts";

Deno.test("kvmi token: managed identity summary, raw token only when asked, user-assigned selection", async () => {
  const emu = await startEmulator();
  try {
    const summary = await emu.kvmi(["token"]);
    assert.equal(summary.code, 0, summary.stderr);
    const s = JSON.parse(summary.stdout);
    assert.equal(s.resource, "https://management.azure.com/");
    assert.equal(s.source, "ManagedIdentity (IMDS)");
    assert.equal(s.tenantId, emu.manifest.tenantId);
    assert.equal(s.clientId, emu.manifest.vm.clientId);
    assert.ok(s.expiresOnUnix > Date.now() / 1000 + 3600);
    assert.ok(!summary.stdout.includes("eyJ"));

    const raw = await emu.kvmi(["token", "--resource", "https://vault.azure.net", "-o", "raw"]);
    assert.match(raw.stdout, /^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const table = await emu.kvmi(["token", "-o", "table"]);
    assert.match(table.stdout, /objectId\s+[0-9a-f-]{36}/);

    const uamiId =
      `/subscriptions/${emu.manifest.subscriptionId}/resourcegroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
    const byRes = JSON.parse((await emu.kvmi(["token", "--msi-res-id", uamiId])).stdout);
    assert.notEqual(byRes.objectId, emu.manifest.vm.principalId);
    assert.equal(byRes.resourceId.toLowerCase(), uamiId.toLowerCase());
    const byClient = JSON.parse((await emu.kvmi(["token", "--client-id", byRes.clientId])).stdout);
    assert.equal(byClient.objectId, byRes.objectId);
    const byObject = JSON.parse((await emu.kvmi(["token", "--object-id", byRes.objectId])).stdout);
    assert.equal(byObject.clientId, byRes.clientId);

    const unknown = await emu.kvmi(["token", "--client-id", "00000000-0000-0000-0000-000000000000"]);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /Identity not found/);
    assert.match(unknown.stderr, /No managed identity '00000000-0000-0000-0000-000000000000' is assigned/);

    const badResource = await emu.kvmi(["token", "--resource", "https://nothing.example.com"]);
    assert.equal(badResource.code, 3);
    assert.match(badResource.stderr, /AADSTS50001:/);

    const custom = JSON.parse((await emu.kvmi(["token", "--resource", "api://kvmi-demo-api"])).stdout);
    assert.equal(custom.audience, "api://kvmi-demo-api");
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi token: service principal from AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, auto or explicit", async () => {
  const emu = await startEmulator();
  const sp = adminEnv(emu);
  try {
    const auto = JSON.parse((await emu.kvmi(["token"], { env: sp })).stdout);
    assert.equal(auto.source, "ServicePrincipal (client secret)");
    assert.equal(auto.objectId, emu.manifest.admin.principalId);
    const mi = JSON.parse((await emu.kvmi(["token", "--credential", "managed-identity"], { env: sp })).stdout);
    assert.equal(mi.objectId, emu.manifest.vm.principalId);

    const missing = await emu.kvmi(["token", "--credential", "client-secret"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET/);

    const wrong = await emu.kvmi(["token"], { env: { ...sp, AZURE_CLIENT_SECRET: "wrong-secret-value" } });
    assert.equal(wrong.code, 3);
    assert.match(wrong.stderr, /AADSTS7000215/);
    assert.match(wrong.stderr, /Check AZURE_CLIENT_SECRET/);
    assert.ok(!wrong.stderr.includes("wrong-secret-value"));

    const tenant = await emu.kvmi(["token"], { env: { ...sp, AZURE_TENANT_ID: "11111111-1111-1111-1111-111111111111" } });
    assert.equal(tenant.code, 3);
    assert.match(tenant.stderr, /AADSTS90002/);

    const insecure = await emu.kvmi(["token"], { env: { ...sp, AZURE_AUTHORITY_HOST: emu.manifest.authorityHost.replace("https:", "http:") } });
    assert.equal(insecure.code, 2);
    assert.match(insecure.stderr, /non-https authority/);
  } finally {
    await emu.stop();
  }
});

Deno.test("IMDS retry policy: 410 window, 429 with and without Retry-After, 500, 404", async (t) => {
  // Not about IMDS's rate limits: the 410 window's fast (scaled) retries would exceed 20/s and get a real 429 instead.
  const emu = await startEmulator({ imdsLimits: "off" });
  try {
    for (
      const [name, fault, attempts] of [
        ["410 three times then success", { status: 410, count: 3 }, 4],
        ["429 with Retry-After", { status: 429, count: 1, retryAfter: 2 }, 2],
        ["429 without Retry-After (the SDK gives up; Microsoft says retry)", { status: 429, count: 2 }, 3],
        ["500 then success", { status: 500, count: 1 }, 2],
        ["404 (IMDS updating) then success", { status: 404, count: 2 }, 3],
      ] as const
    ) {
      await t.step(name, async () => {
        await emu.resetFaults();
        await emu.fault({ target: "imds-token", ...fault });
        const r = await emu.kvmi(["token"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal((await emu.requests())["imds-token"], attempts);
      });
    }
    await t.step("410 for longer than the 70-second window ends in exit 6", async () => {
      await emu.resetFaults();
      await emu.fault({ target: "imds-token", status: 410, count: 1000 });
      const started = Date.now();
      const r = await emu.kvmi(["token"]);
      assert.equal(r.code, 6);
      assert.match(r.stderr, /IMDS kept failing with HTTP 410/);
      assert.ok(Date.now() - started < 20_000);
      assert.ok((await emu.requests())["imds-token"] >= 3);
    });
    await t.step("500 on every attempt ends in exit 6 after 5 retries", async () => {
      await emu.resetFaults();
      await emu.fault({ target: "imds-token", status: 500, count: 1000 });
      const r = await emu.kvmi(["token"]);
      assert.equal(r.code, 6);
      assert.equal((await emu.requests())["imds-token"], 6);
    });
    await t.step("a 400 is not retried", async () => {
      await emu.resetFaults();
      const r = await emu.kvmi(["token", "--client-id", "00000000-0000-0000-0000-000000000001"]);
      assert.equal(r.code, 3);
      assert.equal((await emu.requests())["imds-token"], 1);
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("IMDS unreachable: exit 3 with what to do next", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const r = await runKvmi(["token"], { ...baseEnv(), AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${port}`, KVMI_RETRY_DELAY_SCALE: "0.01" });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /managed identity endpoint \(IMDS\) at http:\/\/127\.0\.0\.1:\d+ could not be reached/);
  assert.match(r.stderr, /AZURE_CLIENT_ID/);
});

Deno.test("IMDS is reached directly even when a proxy is configured", async () => {
  const emu = await startEmulator();
  try {
    const r = await emu.kvmi(["token"], { env: { HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", ALL_PROXY: "http://127.0.0.1:9" } });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi --help, command help and unknown commands", async () => {
  const help = await runKvmi(["--help"], baseEnv());
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Exit codes:/);
  assert.match(help.stdout, /4 {2}forbidden/);
  for (const command of ["token", "whoami", "secret", "key", "cert", "attest", "rest", "vm", "role", "imds", "doctor", "emulator"]) {
    const r = await runKvmi([command, "--help"], baseEnv());
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, /^Usage: kvmi /, command);
    assert.match(r.stdout, /Examples?:/, command);
  }
  const unknown = await runKvmi(["frobnicate"], baseEnv());
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown command 'frobnicate'/);
  const none = await runKvmi([], baseEnv());
  assert.equal(none.code, 2);
});
