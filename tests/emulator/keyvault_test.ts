import assert from "node:assert/strict";
import { adminToken, call, startEmulator, vmToken } from "../fixtures/emulator.ts";

const API = "api-version=2025-07-01";

Deno.test("Key Vault: the 401 challenge comes before routing, body and api-version", async () => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo"];
  try {
    for (
      const [method, path] of [["GET", "/secrets/secret-for-vm/?api-version=2025-07-01"], ["PUT", "/secrets/x"], ["GET", "/no/such/route?api-version=0.0"]]
    ) {
      const r = await call(emu, method, `${vault}${path}`);
      assert.equal(r.status, 401);
      assert.equal(
        r.headers.get("www-authenticate"),
        `Bearer authorization="https://login.windows.net/${emu.manifest.tenantId}", resource="https://vault.azure.net"`,
      );
      assert.deepEqual(r.body, { error: { code: "Unauthorized", message: "AKV10000: Request is missing a Bearer or PoP token." } });
    }
  } finally {
    await emu.stop();
  }
});

Deno.test("Key Vault validates tokens: audience, signature, issuer, format", async () => {
  const emu = await startEmulator();
  const url = `${emu.manifest.vaults["kv-demo"]}/secrets/secret-for-vm/?${API}`;
  try {
    const armToken = await vmToken(emu, "https://management.azure.com/");
    const wrongAud = await call(emu, "GET", url, armToken);
    assert.equal(wrongAud.status, 401);
    assert.equal(
      wrongAud.body.error && (wrongAud.body.error as { message: string }).message,
      "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://management.azure.com/.",
    );

    const good = await vmToken(emu, "https://vault.azure.net");
    const [h, p, s] = good.split(".");
    const tampered = `${h}.${p}.${s.slice(0, -4)}AAAA`;
    const sig = await call(emu, "GET", url, tampered);
    assert.equal(sig.status, 401);
    assert.match((sig.body.error as { message: string }).message, /^AKV10046: Unable to resolve the key used for signature validation/);

    const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = `${h}.${
      btoa(JSON.stringify({ ...claims, iss: "https://sts.windows.net/other/" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")
    }.${s}`;
    assert.equal((await call(emu, "GET", url, forged)).status, 401, "changed claims break the signature");

    const garbage = await call(emu, "GET", url, "garbage");
    assert.equal(garbage.status, 401);
    assert.match((garbage.body.error as { message: string }).message, /not well formed/);
  } finally {
    await emu.stop();
  }
});

Deno.test("Key Vault: api-version, names, sizes, paging, headers, disabled and deleted secrets", async (t) => {
  const emu = await startEmulator({ seed: "empty", deleteDelayMs: 300 });
  const vault = emu.manifest.vaults["kv-demo"];
  const token = await adminToken(emu, "https://vault.azure.net");
  const kv = (method: string, path: string, body?: unknown) => call(emu, method, `${vault}${path}`, token, body);
  try {
    await t.step("unknown and missing api-version", async () => {
      const r = await kv("GET", "/secrets?api-version=2099-01-01");
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        error: {
          code: "BadParameter",
          message: "The specified version (2099-01-01) is not recognized. Consider using the latest supported version (2026-04-01).",
        },
      });
      assert.equal((await kv("GET", "/secrets")).status, 400);
      for (const v of ["7.0", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"]) assert.equal((await kv("GET", `/secrets?api-version=${v}`)).status, 200, v);
    });
    await t.step("names are validated and case-insensitive", async () => {
      const bad = await kv("PUT", `/secrets/bad_name?${API}`, { value: "x" });
      assert.deepEqual(bad.body, { error: { code: "BadParameter", message: "The request URI contains an invalid name: bad_name" } });
      const empty = await kv("PUT", `/secrets/?${API}`, { value: "x" });
      assert.equal(empty.status, 405);
      assert.equal((await kv("PUT", `/secrets/MixedCase?${API}`, { value: "v" })).status, 200);
      const r = await kv("GET", `/secrets/mixedcase/?${API}`);
      assert.equal(r.body.value, "v");
      assert.match(String(r.body.id), /\/secrets\/MixedCase\/[0-9a-f]{32}$/);
    });
    await t.step("25,600-character limit and empty values", async () => {
      const big = await kv("PUT", `/secrets/big?${API}`, { value: "x".repeat(25_601) });
      assert.equal(big.status, 400);
      assert.equal((big.body.error as { innererror: { code: string } }).innererror.code, "SecretTooLarge");
      assert.equal((await kv("PUT", `/secrets/max?${API}`, { value: "x".repeat(25_600) })).status, 200);
      assert.equal((await kv("PUT", `/secrets/empty?${API}`, { value: "" })).status, 200);
      assert.equal((await kv("PUT", `/secrets/nojson?${API}`, "{not json")).status, 400);
    });
    await t.step("the service's headers", async () => {
      const r = await call(emu, "GET", `${vault}/secrets/max/?${API}`, token);
      for (
        const h of [
          "x-ms-request-id",
          "x-ms-keyvault-region",
          "x-ms-keyvault-service-version",
          "x-ms-keyvault-network-info",
          "x-ms-keyvault-rbac-assignment-id",
          "strict-transport-security",
        ]
      ) {
        assert.ok(r.headers.get(h), h);
      }
    });
    await t.step("paging: maxresults, opaque skiptoken, absolute nextLink, null on the last page, sorted by name", async () => {
      for (const n of ["delta", "Alpha", "charlie", "bravo", "echo"]) await kv("PUT", `/secrets/p-${n}?${API}`, { value: n });
      const names: string[] = [];
      let next: string | null = `${vault}/secrets?${API}&maxresults=2`;
      let pages = 0;
      while (next) {
        const page = await call(emu, "GET", next, token);
        assert.equal(page.status, 200);
        names.push(...(page.body.value as { id: string; value?: string }[]).map((s) => {
          assert.equal(s.value, undefined);
          return s.id.split("/").pop()!;
        }));
        next = page.body.nextLink as string | null;
        if (next) assert.match(next, /^https:\/\/127\.0\.0\.1:\d+\/secrets\?api-version=2025-07-01&%24skiptoken=.+&maxresults=2$/);
        pages++;
      }
      assert.equal(names.length, 8, "three earlier secrets and the five p-* ones");
      assert.equal(pages, 4);
      for (const n of ["p-Alpha", "p-bravo", "p-charlie", "p-delta", "p-echo"]) assert.ok(names.includes(n), n);
      const upper = names.map((n) => n.toUpperCase());
      assert.deepEqual(upper, [...upper].sort());
      assert.equal((await kv("GET", `/secrets?${API}&maxresults=26`)).status, 400);
    });
    await t.step("versions list and disabled versions", async () => {
      const v1 = String((await kv("PUT", `/secrets/multi?${API}`, { value: "one" })).body.id).split("/").pop();
      await kv("PUT", `/secrets/multi?${API}`, { value: "two", attributes: { enabled: false } });
      const versions = await kv("GET", `/secrets/multi/versions?${API}`);
      assert.equal((versions.body.value as unknown[]).length, 2);
      const latest = await kv("GET", `/secrets/multi/?${API}`);
      assert.equal(latest.status, 403);
      assert.deepEqual(latest.body, {
        error: { code: "Forbidden", message: "Operation get is not allowed on a disabled secret.", innererror: { code: "SecretDisabled" } },
      });
      assert.equal((await kv("GET", `/secrets/multi/${v1}?${API}`)).body.value, "one");
      const missing = await kv("GET", `/secrets/multi/${"0".repeat(32)}?${API}`);
      assert.equal(missing.status, 404);
      assert.match((missing.body.error as { message: string }).message, /^A secret with \(name\/id\) multi\/0{32} was not found in this key vault/);
    });
    await t.step("soft delete: invisible for a moment, then recoverable; name blocked meanwhile", async () => {
      const del = await kv("DELETE", `/secrets/multi?${API}`);
      assert.equal(del.status, 200);
      assert.equal(del.body.value, undefined);
      assert.equal(del.body.scheduledPurgeDate, Number(del.body.deletedDate) + 90 * 86400);
      const early = await kv("GET", `/deletedsecrets/multi?${API}`);
      assert.deepEqual(early.body, { error: { code: "SecretNotFound", message: "Deleted Secret not found: multi" } });
      assert.equal((await kv("PUT", `/secrets/multi?${API}`, { value: "x" })).status, 409);
      await new Promise((r) => setTimeout(r, 350));
      assert.equal((await kv("GET", `/deletedsecrets/multi?${API}`)).status, 200);
      assert.equal((await kv("POST", `/deletedsecrets/multi/recover?${API}`)).status, 200);
      assert.equal((await kv("GET", `/secrets/multi/versions?${API}`)).status, 200);
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("Key Vault RBAC: ForbiddenByRbac with the real message layout; Owner grants no data actions", async () => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo"];
  try {
    const uami = await vmToken(emu, "https://vault.azure.net", {
      msi_res_id:
        `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`,
    });
    const r = await call(emu, "GET", `${vault}/secrets/secret-for-vm/?${API}`, uami);
    assert.equal(r.status, 403);
    const error = r.body.error as { code: string; message: string; innererror: { code: string } };
    assert.equal(error.code, "Forbidden");
    assert.equal(error.innererror.code, "ForbiddenByRbac");
    const lines = error.message.split("\r\n");
    assert.equal(lines[0], "Caller is not authorized to perform action on resource.");
    assert.match(lines[2], /^Caller: appid=[0-9a-f-]{36};oid=[0-9a-f-]{36};iss=https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\//);
    assert.equal(lines[3], "Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'");
    assert.equal(
      lines[4],
      `Resource: '/subscriptions/${emu.manifest.subscriptionId}/resourcegroups/rg-demo/providers/microsoft.keyvault/vaults/kv-demo/secrets/secret-for-vm'`,
    );
    assert.equal(lines[5], "Assignment: (not found)");
    assert.equal(lines[7], "DecisionReason: 'DeniedWithNoValidRBAC' ");
    assert.equal(lines[8], "Vault: kv-demo;location=japaneast");

    const vmList = await call(emu, "GET", `${vault}/secrets?${API}`, await vmToken(emu, "https://vault.azure.net"));
    assert.equal(vmList.status, 200, "Secrets User includes readMetadata");
    const vmSet = await call(emu, "PUT", `${vault}/secrets/new?${API}`, await vmToken(emu, "https://vault.azure.net"), { value: "x" });
    assert.equal(vmSet.status, 403);
    assert.match((vmSet.body.error as { message: string }).message, /Action: 'Microsoft\.KeyVault\/vaults\/secrets\/setSecret\/action'/);
  } finally {
    await emu.stop();
  }
});
