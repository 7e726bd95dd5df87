import assert from "node:assert/strict";
import { adminEnv, adminToken, assignRole, call, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const UAMI = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;

Deno.test("access-policy vaults: data access follows the policies, RBAC data roles are ignored, the real 403; kvmi explains it", async () => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo-policy"];
  try {
    const read = await emu.kvmi(["secret", "get", "--vault", vault, "--name", "secret-for-vm", "-o", "raw"]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout, "this-is-test-secret", "the VM's policy grants secrets get");
    const list = await emu.kvmi(["secret", "list", "--vault", vault]);
    assert.equal(list.code, 0, list.stderr);

    const refused = await emu.kvmi(["secret", "set", "--vault", vault, "--name", "new"], { stdin: "v" });
    assert.equal(refused.code, 4);
    assert.match(
      refused.stderr,
      /ForbiddenByPolicy: the caller \(object id [0-9a-f-]{36}\) lacks the 'set' permission on secrets in the access policies of vault 'kv-demo-policy'/,
    );
    assert.match(
      refused.stderr,
      /hint: .*kvmi vault set-policy --name kv-demo-policy --assignee [0-9a-f-]{36} --secret-permissions set/,
    );

    const uamiToken = await vmToken(emu, "https://vault.azure.net", { msi_res_id: UAMI(emu.manifest.subscriptionId) });
    const uamiId = (JSON.parse(atob(uamiToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { oid: string }).oid;
    const granted = await assignRole(emu, uamiId, "4633458b-17de-408a-b874-0445c86b69e6", vaultScope(emu, "kv-demo-policy"));
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    const raw = await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken);
    assert.equal(raw.status, 403, "a Key Vault data role does nothing on an access-policy vault");
    const error = raw.body.error as { code: string; message: string; innererror: { code: string } };
    assert.equal(error.code, "Forbidden");
    assert.equal(error.innererror.code, "AccessDenied");
    assert.match(
      error.message,
      /^The user, group or application 'appid=[0-9a-f-]{36};oid=[0-9a-f-]{36};iss=https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\/' does not have secrets get permission on key vault 'kv-demo-policy;location=japaneast'\. For help resolving this issue, please see https:\/\/go\.microsoft\.com\/fwlink\/\?linkid=2125287$/,
    );
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi vault list|show|set-policy|delete-policy, and switching the permission model needs roleAssignments/write", async () => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const sub = emu.manifest.subscriptionId;
  const vault = emu.manifest.vaults["kv-demo-policy"];
  try {
    const list = JSON.parse((await emu.kvmi(["vault", "list", "--subscription", sub], { env: admin })).stdout);
    const models = Object.fromEntries(list.map((v: { name: string; permissionModel: string }) => [v.name, v.permissionModel]));
    assert.deepEqual(models, { "kv-demo": "rbac", "kv-demo-policy": "accessPolicies" });
    const table = await emu.kvmi(["vault", "list", "--subscription", sub, "-o", "table"], { env: admin });
    assert.match(table.stdout, /kv-demo-policy\s+rg-demo\s+japaneast\s+accessPolicies/);
    const shown = JSON.parse((await emu.kvmi(["vault", "show", "--name", "kv-demo-policy", "--subscription", sub], { env: admin })).stdout);
    assert.equal(shown.vaultUri, `${vault}/`);
    assert.deepEqual(shown.accessPolicies.find((p: { objectId: string }) => p.objectId === emu.manifest.vm.principalId).permissions.secrets, ["get", "list"]);

    const uamiToken = await vmToken(emu, "https://vault.azure.net", { msi_res_id: UAMI(sub) });
    const uamiId = (JSON.parse(atob(uamiToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { oid: string }).oid;
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken)).status, 403);
    const set = await emu.kvmi([
      "vault",
      "set-policy",
      "--name",
      "kv-demo-policy",
      "--assignee",
      uamiId,
      "--secret-permissions",
      "get,list",
      "--subscription",
      sub,
    ], {
      env: admin,
    });
    assert.equal(set.code, 0, set.stderr);
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken)).status, 200);
    const del = await emu.kvmi(["vault", "delete-policy", "--name", "kv-demo-policy", "--assignee", uamiId, "--subscription", sub], { env: admin });
    assert.equal(del.code, 0, del.stderr);
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken)).status, 403);
    const onRbac = await emu.kvmi(["vault", "set-policy", "--name", "kv-demo", "--assignee", uamiId, "--secret-permissions", "get", "--subscription", sub], {
      env: admin,
    });
    assert.equal(onRbac.code, 2);
    assert.match(onRbac.stderr, /uses Azure RBAC/);

    // Switching the model: Contributor may write the vault but not switch it; Owner may.
    const arm = await adminToken(emu, "https://management.azure.com/");
    const contributor = await assignRole(emu, uamiId, "b24988ac-6180-42a0-ab88-20f7382dd24c", `/subscriptions/${sub}`);
    assert.equal(contributor.status, 201, JSON.stringify(contributor.body));
    const vaultUrl = `${emu.manifest.armEndpoint}${vaultScope(emu, "kv-demo-policy")}?api-version=2023-07-01`;
    const uamiArm = await vmToken(emu, "https://management.azure.com/", { msi_res_id: UAMI(sub) });
    const tagOnly = await call(emu, "PUT", vaultUrl, uamiArm, { location: "japaneast", tags: { team: "ops" }, properties: {} });
    assert.equal(tagOnly.status, 200, "Contributor may update the vault");
    const switchDenied = await call(emu, "PUT", vaultUrl, uamiArm, { location: "japaneast", properties: { enableRbacAuthorization: true } });
    assert.equal(switchDenied.status, 403);
    assert.match((switchDenied.body.error as { message: string }).message, /Microsoft\.Authorization\/roleAssignments\/write/);
    const switched = await call(emu, "PUT", vaultUrl, arm, { location: "japaneast", properties: { enableRbacAuthorization: true } });
    assert.equal(switched.status, 200);
    const vmRead = await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, await vmToken(emu, "https://vault.azure.net"));
    assert.equal(vmRead.status, 403, "now RBAC: the VM's access policy no longer applies");
    assert.equal((vmRead.body.error as { innererror: { code: string } }).innererror.code, "ForbiddenByRbac");

    // A new vault: access policies by default before api-version 2026-02-01, RBAC from it; its data plane answers at vaultUri.
    for (const [name, version, model] of [["kv-new-old", "2023-07-01", false], ["kv-new-rbac", "2026-02-01", true]] as const) {
      const url = `${emu.manifest.armEndpoint}/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/${name}?api-version=${version}`;
      const created = await call(emu, "PUT", url, arm, {
        location: "japaneast",
        properties: { sku: { family: "A", name: "standard" }, tenantId: emu.manifest.tenantId, accessPolicies: [] },
      });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const props = created.body.properties as { enableRbacAuthorization: boolean; vaultUri: string };
      assert.equal(props.enableRbacAuthorization, model, name);
      const probe = await call(emu, "GET", `${props.vaultUri}secrets?api-version=7.4`);
      assert.equal(probe.status, 401, "the new vault's data plane answers with the challenge");
    }
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM vault DELETE: soft-deleted vaults listed, name blocked, recovered with createMode recover, purged", async () => {
  const emu = await startEmulator();
  const sub = emu.manifest.subscriptionId;
  const arm = await adminToken(emu, "https://management.azure.com/");
  const vaultUrl = `${emu.manifest.armEndpoint}${vaultScope(emu, "kv-demo-policy")}?api-version=2023-07-01`;
  const deletedUrl = (path: string) => `${emu.manifest.armEndpoint}/subscriptions/${sub}/providers/Microsoft.KeyVault/${path}?api-version=2023-07-01`;
  const data = `${emu.manifest.vaults["kv-demo-policy"]}/secrets/secret-for-vm?api-version=7.4`;
  const vm = await vmToken(emu, "https://vault.azure.net");
  try {
    assert.equal((await call(emu, "DELETE", vaultUrl, arm)).status, 200);
    assert.equal((await call(emu, "GET", vaultUrl, arm)).status, 404);
    assert.equal((await call(emu, "GET", data, vm)).status, 404, "a deleted vault's data plane is gone");
    const listed = await call(emu, "GET", deletedUrl("deletedVaults"), arm);
    const entry = (listed.body.value as { name: string; properties: { vaultId: string; scheduledPurgeDate: string } }[])[0];
    assert.equal(entry.name, "kv-demo-policy");
    assert.equal(entry.properties.vaultId, vaultScope(emu, "kv-demo-policy"));
    const blocked = await call(emu, "PUT", vaultUrl, arm, {
      location: "japaneast",
      properties: { tenantId: emu.manifest.tenantId, sku: { family: "A", name: "standard" } },
    });
    assert.equal(blocked.status, 409);
    assert.match((blocked.body.error as { message: string }).message, /already exists in deleted state/);
    const recovered = await call(emu, "PUT", vaultUrl, arm, { location: "japaneast", properties: { createMode: "recover" } });
    assert.equal(recovered.status, 200);
    assert.equal((await call(emu, "GET", data, vm)).body.value, "this-is-test-secret", "recovered with its secrets and policies");
    assert.equal((await call(emu, "DELETE", vaultUrl, arm)).status, 200);
    assert.equal((await call(emu, "GET", deletedUrl("locations/japaneast/deletedVaults/kv-demo-policy"), arm)).status, 200);
    assert.equal((await call(emu, "POST", deletedUrl("locations/japaneast/deletedVaults/kv-demo-policy/purge"), arm)).status, 200);
    assert.deepEqual((await call(emu, "GET", deletedUrl("deletedVaults"), arm)).body.value, []);
  } finally {
    await emu.stop();
  }
});
