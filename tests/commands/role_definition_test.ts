import assert from "node:assert/strict";
import { adminEnv, call, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const UAMI = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;

Deno.test("custom roles: the RBAC article's Backup Keys Operator, what it allows and refuses; Not* lists and wildcards; delete", async () => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const sub = emu.manifest.subscriptionId;
  const vault = emu.manifest.vaults["kv-demo"];
  const dir = await Deno.makeTempDir();
  try {
    // The article's JSON as printed (including the stray space after "keys/read").
    const article = `{
   "Name": "Backup Keys Operator",
   "Description": "Perform key backup/restore operations",
    "Actions": [
    ],
    "DataActions": [
        "Microsoft.KeyVault/vaults/keys/read ",
        "Microsoft.KeyVault/vaults/keys/backup/action",
         "Microsoft.KeyVault/vaults/keys/restore/action"
    ],
    "NotDataActions": [
   ],
    "AssignableScopes": ["/subscriptions/${sub}"]
}`;
    await Deno.writeTextFile(`${dir}/role.json`, article);
    const created = await emu.kvmi(["role", "definition", "create", "--role-definition", `@${dir}/role.json`], { env: admin });
    assert.equal(created.code, 0, created.stderr);
    const role = JSON.parse(created.stdout);
    assert.equal(role.roleName, "Backup Keys Operator");
    assert.equal(role.type, "CustomRole");
    assert.deepEqual(role.assignableScopes, [`/subscriptions/${sub}`]);
    const listed = JSON.parse(
      (await emu.kvmi(["role", "definition", "list", "--custom-role-only", "--scope", `/subscriptions/${sub}`], { env: admin })).stdout,
    );
    assert.deepEqual(listed.map((r: { roleName: string }) => r.roleName), ["Backup Keys Operator"]);

    const uamiToken = await vmToken(emu, "https://vault.azure.net", { msi_res_id: UAMI(sub) });
    const uamiId = (JSON.parse(atob(uamiToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { oid: string }).oid;
    const assigned = await emu.kvmi(["role", "assign", "--assignee", uamiId, "--role", "Backup Keys Operator", "--scope", vaultScope(emu)], { env: admin });
    assert.equal(assigned.code, 0, assigned.stderr);
    assert.equal((await call(emu, "GET", `${vault}/keys/cvm-key?api-version=7.4`, uamiToken)).status, 200, "keys/read is granted");
    const backup = await call(emu, "POST", `${vault}/keys/cvm-key/backup?api-version=7.4`, uamiToken);
    assert.equal(backup.status, 200, "keys/backup/action is granted");
    assert.equal(
      (await call(emu, "POST", `${vault}/keys/restore?api-version=7.4`, uamiToken, { value: backup.body.value })).status,
      409,
      "restore is granted; the key exists",
    );
    const decrypt = await call(emu, "POST", `${vault}/keys/cvm-key/decrypt?api-version=7.4`, uamiToken, { alg: "RSA-OAEP-256", value: "AAAA" });
    assert.equal(decrypt.status, 403);
    assert.match((decrypt.body.error as { message: string }).message, /Action: 'Microsoft\.KeyVault\/vaults\/keys\/decrypt\/action'/);
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken)).status, 403, "no secret data actions");

    // A wildcard with a NotDataActions exception.
    const reader = await emu.kvmi([
      "role",
      "definition",
      "create",
      "--role-definition",
      JSON.stringify({
        Name: "Secrets Everything But Write",
        DataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
        NotDataActions: ["Microsoft.KeyVault/vaults/secrets/setSecret/action"],
        AssignableScopes: [`/subscriptions/${sub}/resourceGroups/rg-demo`],
      }),
    ], { env: admin });
    assert.equal(reader.code, 0, reader.stderr);
    const readerAssigned = await emu.kvmi(["role", "assign", "--assignee", uamiId, "--role", "Secrets Everything But Write", "--scope", vaultScope(emu)], {
      env: admin,
    });
    assert.equal(readerAssigned.code, 0, readerAssigned.stderr);
    assert.equal((await call(emu, "GET", `${vault}/secrets/secret-for-vm?api-version=7.4`, uamiToken)).status, 200);
    const write = await call(emu, "PUT", `${vault}/secrets/new-one?api-version=7.4`, uamiToken, { value: "x" });
    assert.equal(write.status, 403, "NotDataActions removes setSecret from the wildcard");
    const outside = await emu.kvmi(["role", "assign", "--assignee", uamiId, "--role", "Secrets Everything But Write", "--scope", `/subscriptions/${sub}`], {
      env: admin,
    });
    assert.notEqual(outside.code, 0, "outside the role's assignable scopes");

    const busy = await emu.kvmi(["role", "definition", "delete", "--name", "Backup Keys Operator", "--scope", `/subscriptions/${sub}`], { env: admin });
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, /RoleDefinitionHasAssignments/);
    assert.equal(
      (await emu.kvmi(["role", "unassign", "--assignee", uamiId, "--role", "Backup Keys Operator", "--scope", vaultScope(emu)], { env: admin })).code,
      0,
    );
    const deleted = await emu.kvmi(["role", "definition", "delete", "--name", "Backup Keys Operator", "--scope", `/subscriptions/${sub}`], { env: admin });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal((await call(emu, "GET", `${vault}/keys/cvm-key?api-version=7.4`, uamiToken)).status, 403);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});
