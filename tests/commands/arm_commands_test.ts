import assert from "node:assert/strict";
import { adminEnv, adminToken, call, createVm, jwtClaims, removeRoleAssignments, startEmulator, testCaDir } from "../fixtures/emulator.ts";
import { issueServerCertificate, loadOrCreateCa } from "../../src/emulator/tls.ts";

Deno.test("seed story: kvmi vm list on vm-demo, the same list through kvmi rest, then AuthorizationFailed without Reader", async () => {
  const emu = await startEmulator();
  try {
    const list = await emu.kvmi(["vm", "list"]);
    assert.equal(list.code, 0, list.stderr);
    const vms = JSON.parse(list.stdout) as { name: string; type: string; properties: { provisioningState: string } }[];
    assert.deepEqual(vms.map((v) => v.name).sort(), ["vm-app-01", "vm-demo"]);
    assert.ok(vms.every((v) => v.type === "Microsoft.Compute/virtualMachines" && v.properties.provisioningState === "Succeeded"));

    const path = `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines?api-version=2022-03-01`;
    const rest = await emu.kvmi(["rest", "--method", "GET", "--url", path]);
    assert.equal(rest.code, 0, rest.stderr);
    assert.deepEqual(JSON.parse(rest.stdout).value.map((v: { id: string }) => v.id).sort(), vms.map((v) => (v as unknown as { id: string }).id).sort());

    const table = await emu.kvmi(["vm", "list", "-o", "table"]);
    assert.match(table.stdout, /vm-app-01\s+rg-demo\s+japaneast\s+Standard_D2s_v5\s+Windows\s+Succeeded/);

    const show = JSON.parse((await emu.kvmi(["vm", "show", "--name", "vm-demo"])).stdout);
    assert.equal(show.identity.principalId, emu.manifest.vm.principalId);

    assert.equal(await removeRoleAssignments(emu, emu.manifest.vm.principalId, `/subscriptions/${emu.manifest.subscriptionId}`), 1);
    const denied = await emu.kvmi(["vm", "list"]);
    assert.equal(denied.code, 4);
    assert.match(denied.stderr, /AuthorizationFailed/);
    assert.match(denied.stderr, /Microsoft\.Compute\/virtualMachines\/read/);
    assert.match(denied.stderr, /'Reader' \(acdd72a7-3385-48ef-bd42-f606fba81ae7\)/);
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi rest: --paginate over several pages, --wait over a long-running PUT, --include, errors", async (t) => {
  const emu = await startEmulator({ armPageSize: 2 });
  const admin = adminEnv(emu);
  const sub = `/subscriptions/${emu.manifest.subscriptionId}`;
  try {
    await t.step("--wait follows Azure-AsyncOperation to the final resource", async () => {
      const url = `${sub}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-batch-01?api-version=2024-07-01`;
      const put = await emu.kvmi([
        "rest",
        "--method",
        "PUT",
        "--url",
        url,
        "--body",
        JSON.stringify({ location: "japaneast", properties: { hardwareProfile: { vmSize: "Standard_B2s" } } }),
        "--wait",
      ], { env: admin });
      assert.equal(put.code, 0, put.stderr);
      const vm = JSON.parse(put.stdout);
      assert.equal(vm.properties.provisioningState, "Succeeded");
      assert.equal(vm.properties.hardwareProfile.vmSize, "Standard_B2s");
      const noWait = await emu.kvmi([
        "rest",
        "--method",
        "PUT",
        "--url",
        url.replace("vm-batch-01", "vm-batch-02"),
        "--body",
        '{"location":"japaneast"}',
        "--include",
      ], { env: admin });
      const included = JSON.parse(noWait.stdout);
      assert.equal(included.status, 201);
      assert.equal(included.body.properties.provisioningState, "Creating");
      assert.equal(typeof included.content, "string", "--include carries the raw body text");
      assert.deepEqual(JSON.parse(included.content), included.body);
      assert.match(included.headers["azure-asyncoperation"], /\/operations\//);
    });
    await t.step("--wait follows a DELETE with Location polling", async () => {
      const url = `${sub}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-batch-02?api-version=2024-07-01`;
      const del = await emu.kvmi(["rest", "--method", "DELETE", "--url", url, "--wait"], { env: admin });
      assert.equal(del.code, 0, del.stderr);
      const gone = await emu.kvmi(["rest", "--url", url], { env: admin });
      assert.equal(gone.code, 5);
      assert.match(gone.stderr, /ResourceNotFound/);
    });
    await t.step("--paginate merges every page", async () => {
      await createVm(emu, "vm-batch-03");
      const one = JSON.parse((await emu.kvmi(["rest", "--url", `${sub}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`])).stdout);
      assert.equal(one.value.length, 2);
      assert.match(one.nextLink, /skiptoken=2$/);
      const all = JSON.parse(
        (await emu.kvmi(["rest", "--url", `${sub}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, "--paginate"])).stdout,
      );
      assert.deepEqual(all.value.map((v: { name: string }) => v.name).sort(), ["vm-app-01", "vm-batch-01", "vm-batch-03", "vm-demo"]);
      const vmList = JSON.parse((await emu.kvmi(["vm", "list"])).stdout);
      assert.equal(vmList.length, 4, "kvmi vm list follows every page too");
    });
    await t.step("a missing api-version is an error that says so; unknown api-versions are refused the ARM way", async () => {
      const missing = await emu.kvmi(["rest", "--url", `${sub}/resourceGroups`]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no api-version/);
      const old = await emu.kvmi(["rest", "--url", `${sub}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines?api-version=1999-01-01`]);
      assert.equal(old.code, 1);
      assert.match(old.stderr, /NoRegisteredProviderFound/);
    });
    await t.step("bad input: body, header, method", async () => {
      assert.match((await emu.kvmi(["rest", "--url", `${sub}?api-version=2022-12-01`, "--method", "PUT", "--body", "{oops"])).stderr, /not valid JSON/);
      assert.match((await emu.kvmi(["rest", "--url", `${sub}?api-version=2022-12-01`, "--body", "{}"])).stderr, /A GET request cannot have a body/);
      assert.match((await emu.kvmi(["rest", "--url", `${sub}?api-version=2022-12-01`, "--header", "Authorization=Bearer x"])).stderr, /kvmi adds the token/);
      assert.equal((await emu.kvmi(["rest", "--url", `${sub}?api-version=2022-12-01`, "--method", "FETCH"])).code, 2);
    });
    await t.step("Key Vault URLs get the Key Vault audience automatically", async () => {
      const kv = await emu.kvmi(["rest", "--url", `${emu.manifest.vaults["kv-demo"]}/secrets/secret-for-vm?api-version=7.4`]);
      assert.equal(kv.code, 0, kv.stderr);
      assert.equal(JSON.parse(kv.stdout).value, "this-is-test-secret");
    });
    await t.step("an unknown host gets no token; --resource names the audience and allows it", async () => {
      let seen: string | null = "unset";
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
        seen = req.headers.get("authorization");
        return Response.json({ ok: true });
      });
      try {
        const url = `http://127.0.0.1:${server.addr.port}/api/thing`;
        const plain = await emu.kvmi(["rest", "--url", url]);
        assert.equal(plain.code, 0, plain.stderr);
        assert.equal(seen, null, "no token for an unknown host");
        const refused = await emu.kvmi(["rest", "--url", url, "--resource", "api://kvmi-demo-api"]);
        assert.equal(refused.code, 2);
        assert.match(refused.stderr, /plain http/);
        assert.equal(seen, null);
      } finally {
        await server.shutdown();
      }
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi rest: a custom audience goes only to the https host the user named with --resource", async () => {
  const emu = await startEmulator();
  const ca = await loadOrCreateCa(testCaDir());
  const tls = await issueServerCertificate(ca);
  const seen: (string | null)[] = [];
  const api = Deno.serve({ hostname: "127.0.0.1", port: 0, cert: tls.certChainPem, key: tls.keyPem, onListen: () => {} }, (req) => {
    seen.push(req.headers.get("authorization"));
    return Response.json({ hello: "api" });
  });
  try {
    const url = `https://127.0.0.1:${api.addr.port}/api/orders`;
    const anonymous = await emu.kvmi(["rest", "--url", url]);
    assert.equal(anonymous.code, 0, anonymous.stderr);
    assert.deepEqual(JSON.parse(anonymous.stdout), { hello: "api" });
    assert.equal(seen.pop(), null, "an unknown host gets no token");

    const withToken = await emu.kvmi(["rest", "--url", url, "--resource", "api://kvmi-demo-api"]);
    assert.equal(withToken.code, 0, withToken.stderr);
    const claims = jwtClaims(seen.pop()!.replace(/^Bearer /, ""));
    assert.equal(claims.aud, "api://kvmi-demo-api");
    assert.equal(claims.oid, emu.manifest.vm.principalId);

    const kv = await emu.kvmi(["rest", "--url", `${emu.manifest.vaults["kv-demo"]}/secrets?api-version=7.4`, "--resource", "api://kvmi-demo-api"]);
    assert.equal(kv.code, 3, "Key Vault refuses a token for another audience");
    assert.match(kv.stderr, /AKV10022: Invalid audience/);
  } finally {
    await api.shutdown();
    await emu.stop();
  }
});

Deno.test("kvmi role assign makes a denied secret read succeed; list and unassign", async () => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const uami =
    `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
  const read = () => emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--msi-res-id", uami, "-o", "raw"]);
  try {
    const who = JSON.parse((await emu.kvmi(["whoami", "--msi-res-id", uami])).stdout);
    assert.equal((await read()).code, 4);
    const scope = `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/kv-demo/secrets/secret-for-vm`;
    const assign = await emu.kvmi(["role", "assign", "--assignee", who.objectId, "--role", "Key Vault Secrets User", "--scope", scope], { env: admin });
    assert.equal(assign.code, 0, assign.stderr);
    assert.equal(JSON.parse(assign.stdout).properties.roleDefinitionId.split("/").pop(), "4633458b-17de-408a-b874-0445c86b69e6");
    const ok = await read();
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "this-is-test-secret");

    const list = JSON.parse((await emu.kvmi(["role", "list", "--assignee", who.objectId], { env: admin })).stdout);
    assert.equal(list.length, 1);
    assert.equal(list[0].scope, scope);

    const again = await emu.kvmi(["role", "assign", "--assignee", who.objectId, "--role", "4633458b-17de-408a-b874-0445c86b69e6", "--scope", scope], {
      env: admin,
    });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /RoleAssignmentExists/);

    const un = await emu.kvmi(["role", "unassign", "--assignee", who.objectId, "--role", "Key Vault Secrets User", "--scope", scope], { env: admin });
    assert.equal(un.code, 0, un.stderr);
    assert.equal((await read()).code, 4);

    const vmDenied = await emu.kvmi([
      "role",
      "assign",
      "--assignee",
      who.objectId,
      "--role",
      "Reader",
      "--scope",
      `/subscriptions/${emu.manifest.subscriptionId}`,
    ]);
    assert.equal(vmDenied.code, 4, "the VM identity (Reader) cannot assign roles");
    assert.match(vmDenied.stderr, /Microsoft\.Authorization\/roleAssignments\/write/);
    assert.match(vmDenied.stderr, /Role Based Access Control Administrator/);

    assert.match(
      (await emu.kvmi(["role", "assign", "--assignee", who.objectId, "--role", "No Such Role", "--scope", scope], { env: admin })).stderr,
      /No role named 'No Such Role'/,
    );
    assert.equal((await emu.kvmi(["role", "assign", "--assignee", "not-a-guid", "--role", "Reader", "--scope", scope])).code, 2);
    const badScope = await emu.kvmi(["role", "assign", "--assignee", who.objectId, "--role", "Reader", "--scope", "kv-demo"]);
    assert.equal(badScope.code, 2);
    assert.match(badScope.stderr, /not a scope/);
  } finally {
    await emu.stop();
  }
});

Deno.test("an already-expired IMDS token is refused before ARM sees it (exit 3)", async () => {
  const emu = await startEmulator();
  try {
    await emu.fault({ target: "imds-token", kind: "expired-token" });
    const r = await emu.kvmi(["vm", "list", "--subscription", emu.manifest.subscriptionId, "--resource-group", "rg-demo"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /The managed identity endpoint issued a token that expired at/);
    assert.match(r.stderr, /Check this machine's clock/);
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM throttling: 429 with Retry-After is retried", async () => {
  const emu = await startEmulator();
  try {
    await emu.fault({ target: "arm", status: 429, count: 1, retryAfter: 3 });
    const r = await emu.kvmi(["vm", "list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await emu.requests()).arm, 2);
    const token = await adminToken(emu, "https://management.azure.com/");
    const sub = await call(emu, "GET", `${emu.manifest.armEndpoint}/subscriptions/${emu.manifest.subscriptionId}?api-version=2022-12-01`, token);
    assert.equal(sub.body.subscriptionId, emu.manifest.subscriptionId);
  } finally {
    await emu.stop();
  }
});
