import assert from "node:assert/strict";
import { adminToken, call, removeRoleAssignments, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const UAMI = (sub: string) => `/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
const ROLE = {
  dataAccessAdministrator: "8b54135c-b56d-4d72-a534-26097cfdc8d8",
  keyVaultReader: "21090545-7ca7-4776-b22c-e363652d74d2",
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  secretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
};

function oid(token: string): string {
  return (JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { oid: string }).oid;
}

Deno.test("Key Vault Data Access Administrator's condition: Key Vault data roles only; condition fields round-trip", async () => {
  const emu = await startEmulator();
  const sub = emu.manifest.subscriptionId;
  const scope = vaultScope(emu);
  const admin = await adminToken(emu, "https://management.azure.com/");
  const assignmentUrl = (s: string) =>
    `${emu.manifest.armEndpoint}${s}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`;
  const body = (role: string, principalId: string, extra: Record<string, unknown> = {}) => ({
    properties: {
      roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      principalType: "ServicePrincipal",
      ...extra,
    },
  });
  try {
    const uamiArm = await vmToken(emu, "https://management.azure.com/", { msi_res_id: UAMI(sub) });
    const uami = oid(uamiArm);
    const vm = emu.manifest.vm.principalId;
    assert.equal((await call(emu, "PUT", assignmentUrl(scope), admin, body(ROLE.dataAccessAdministrator, uami))).status, 201);
    const definition = await call(
      emu,
      "GET",
      `${emu.manifest.armEndpoint}/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${ROLE.dataAccessAdministrator}?api-version=2022-04-01`,
      admin,
    );
    assert.equal((definition.body.properties as { permissions: { conditionVersion: string }[] }).permissions[0].conditionVersion, "2.0");

    const reader = await call(emu, "PUT", assignmentUrl(scope), uamiArm, body(ROLE.keyVaultReader, vm));
    assert.equal(reader.status, 201, "a Key Vault data role may be assigned");
    const owner = await call(emu, "PUT", assignmentUrl(scope), uamiArm, body(ROLE.owner, vm));
    assert.equal(owner.status, 403, "Owner may not");
    const error = owner.body.error as { code: string; message: string };
    assert.equal(error.code, "AuthorizationFailed");
    assert.match(error.message, /does not have authorization to perform action 'Microsoft\.Authorization\/roleAssignments\/write' over scope/);
    assert.equal((await call(emu, "DELETE", `${emu.manifest.armEndpoint}${reader.body.id}?api-version=2022-04-01`, uamiArm)).status, 200, "and removed");
    const adminOwner = await call(emu, "PUT", assignmentUrl(scope), admin, body(ROLE.owner, vm));
    assert.equal(adminOwner.status, 201);
    assert.equal(
      (await call(emu, "DELETE", `${emu.manifest.armEndpoint}${adminOwner.body.id}?api-version=2022-04-01`, uamiArm)).status,
      403,
      "an Owner assignment may not be removed",
    );

    const condition =
      "((!(ActionMatches{'Microsoft.KeyVault/vaults/secrets/getSecret/action'})) OR (@Resource[Microsoft.KeyVault/vaults/secrets:name] StringEquals 'app'))";
    const conditioned = await call(emu, "PUT", assignmentUrl(scope), admin, body(ROLE.keyVaultReader, vm, { condition, conditionVersion: "2.0" }));
    assert.equal(conditioned.status, 201);
    const fetched = await call(emu, "GET", `${emu.manifest.armEndpoint}${conditioned.body.id}?api-version=2022-04-01`, admin);
    assert.deepEqual([(fetched.body.properties as Record<string, string>).condition, (fetched.body.properties as Record<string, string>).conditionVersion], [
      condition,
      "2.0",
    ]);
  } finally {
    await emu.stop();
  }
});

Deno.test("--rbac-delay: role-assignment changes take effect only after the delay", async () => {
  const emu = await startEmulator({ rbacDelaySeconds: 2 });
  const url = `${emu.manifest.vaults["kv-demo"]}/secrets/secret-for-vm?api-version=7.4`;
  const vm = await vmToken(emu, "https://vault.azure.net");
  try {
    assert.equal(await removeRoleAssignments(emu, emu.manifest.vm.principalId, vaultScope(emu)), 1);
    assert.equal((await call(emu, "GET", url, vm)).status, 200, "the removal has not propagated yet");
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal((await call(emu, "GET", url, vm)).status, 403, "now it has");
    const r = await emu.kvmi(["role", "assign", "--assignee", emu.manifest.vm.principalId, "--role", "Key Vault Secrets User", "--scope", vaultScope(emu)], {
      env: { AZURE_CLIENT_ID: emu.manifest.admin.clientId, AZURE_TENANT_ID: emu.manifest.tenantId, AZURE_CLIENT_SECRET: emu.manifest.admin.clientSecret },
    });
    assert.equal(r.code, 0, r.stderr);
    const started = Date.now();
    assert.equal((await call(emu, "GET", url, vm)).status, 403, "the grant has not propagated yet");
    let status = 403;
    while (status === 403 && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await call(emu, "GET", url, vm)).status;
    }
    assert.equal(status, 200);
    assert.ok(Date.now() - started >= 1500, "about two seconds after the grant");
  } finally {
    await emu.stop();
  }
});
