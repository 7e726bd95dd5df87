import assert from "node:assert/strict";
import { adminToken, call, jwtClaims, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const V = "api-version=2022-04-01";

Deno.test("ARM role assignments: create, get, list with filters, conflicts, delete; RBAC-checked", async () => {
  const emu = await startEmulator();
  const arm = emu.manifest.armEndpoint;
  const scope = vaultScope(emu);
  const uamiId =
    `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
  try {
    const admin = await adminToken(emu, "https://management.azure.com/");
    const uamiPrincipal = jwtClaims(await vmToken(emu, "https://vault.azure.net", { msi_res_id: uamiId })).oid;
    const name = crypto.randomUUID();
    const body = {
      properties: {
        roleDefinitionId:
          `/subscriptions/${emu.manifest.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
        principalId: uamiPrincipal,
        principalType: "ServicePrincipal",
      },
    };
    const put = await call(emu, "PUT", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, admin, body);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    assert.equal(put.body.id, `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`);
    assert.equal(put.body.type, "Microsoft.Authorization/roleAssignments");
    assert.ok(put.headers.get("x-ms-ratelimit-remaining-subscription-writes"));
    assert.ok(put.headers.get("x-ms-correlation-request-id"));

    const dup = await call(emu, "PUT", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?${V}`, admin, body);
    assert.equal(dup.status, 409);
    assert.equal((dup.body.error as { code: string }).code, "RoleAssignmentExists");

    const secret = await call(
      emu,
      "GET",
      `${emu.manifest.vaults["kv-demo"]}/secrets/secret-for-vm/?api-version=2025-07-01`,
      await vmToken(emu, "https://vault.azure.net", { msi_res_id: uamiId }),
    );
    assert.equal(secret.status, 200, "the new assignment takes effect");

    const filtered = await call(
      emu,
      "GET",
      `${arm}/subscriptions/${emu.manifest.subscriptionId}/providers/Microsoft.Authorization/roleAssignments?${V}&$filter=principalId eq '${uamiPrincipal}'`,
      admin,
    );
    assert.deepEqual((filtered.body.value as { name: string }[]).map((a) => a.name), [name]);
    const atScope = await call(
      emu,
      "GET",
      `${arm}/subscriptions/${emu.manifest.subscriptionId}/providers/Microsoft.Authorization/roleAssignments?${V}&$filter=atScope()`,
      admin,
    );
    assert.ok((atScope.body.value as { name: string }[]).every((a) => a.name !== name), "atScope() excludes assignments below the scope");
    assert.equal((await call(emu, "GET", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments?${V}&$filter=bogus`, admin)).status, 400);

    const vm = await vmToken(emu, "https://management.azure.com/");
    const denied = await call(emu, "DELETE", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, vm);
    assert.equal(denied.status, 403);
    assert.equal((denied.body.error as { code: string }).code, "AuthorizationFailed");
    assert.equal(
      (denied.body.error as { message: string }).message,
      `The client '${emu.manifest.vm.clientId}' with object id '${emu.manifest.vm.principalId}' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/delete' over scope '${scope}/providers/Microsoft.Authorization/roleAssignments/${name}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );

    const del = await call(emu, "DELETE", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, admin);
    assert.equal(del.status, 200);
    const again = await fetch(`${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, {
      method: "DELETE",
      client: emu.http,
      headers: { Authorization: `Bearer ${admin}` },
    });
    assert.equal(again.status, 204);
    await again.body?.cancel();
    assert.equal((await call(emu, "GET", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?${V}`, admin)).status, 404);

    const badPrincipal = await call(emu, "PUT", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?${V}`, admin, {
      properties: { ...body.properties, principalId: crypto.randomUUID() },
    });
    assert.equal((badPrincipal.body.error as { code: string }).code, "PrincipalNotFound");
    const badRole = await call(emu, "PUT", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?${V}`, admin, {
      properties: { ...body.properties, roleDefinitionId: crypto.randomUUID() },
    });
    assert.equal((badRole.body.error as { code: string }).code, "RoleDefinitionDoesNotExist");
    const badName = await call(emu, "PUT", `${arm}${scope}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?${V}`, admin, body);
    assert.equal((badName.body.error as { code: string }).code, "InvalidRoleAssignmentId");
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM role definitions: built-in GUIDs, names, filter by roleName", async () => {
  const emu = await startEmulator();
  const sub = `/subscriptions/${emu.manifest.subscriptionId}`;
  try {
    const vm = await vmToken(emu, "https://management.azure.com/");
    const r = await call(
      emu,
      "GET",
      `${emu.manifest.armEndpoint}${sub}/providers/Microsoft.Authorization/roleDefinitions?${V}&$filter=roleName eq 'Key Vault Secrets User'`,
      vm,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const [role] = r.body.value as { name: string; properties: { roleName: string; permissions: { dataActions: string[] }[] } }[];
    assert.equal(role.name, "4633458b-17de-408a-b874-0445c86b69e6");
    assert.deepEqual(role.properties.permissions[0].dataActions, [
      "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
    ]);
    const owner = await call(
      emu,
      "GET",
      `${emu.manifest.armEndpoint}${sub}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635?${V}`,
      vm,
    );
    assert.equal((owner.body.properties as { roleName: string }).roleName, "Owner");
  } finally {
    await emu.stop();
  }
});

Deno.test("ARM authentication and api-version errors", async () => {
  const emu = await startEmulator();
  const url = `${emu.manifest.armEndpoint}/subscriptions/${emu.manifest.subscriptionId}/providers/Microsoft.Authorization/roleAssignments`;
  try {
    const none = await call(emu, "GET", `${url}?${V}`);
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
    assert.match(none.headers.get("www-authenticate")!, /^Bearer authorization_uri="https:\/\/login\.windows\.net\/[0-9a-f-]+", error="invalid_token"/);
    assert.equal(((await call(emu, "GET", `${url}?${V}`, "garbage")).body.error as { code: string }).code, "InvalidAuthenticationToken");
    const kvToken = await vmToken(emu, "https://vault.azure.net");
    assert.equal(((await call(emu, "GET", `${url}?${V}`, kvToken)).body.error as { code: string }).code, "InvalidAuthenticationTokenAudience");
    const vm = await vmToken(emu, "https://management.azure.com/");
    const missing = await call(emu, "GET", url, vm);
    assert.deepEqual(missing.body, {
      error: { code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." },
    });
    assert.equal(((await call(emu, "GET", `${url}?api-version=2099-01-01`, vm)).body.error as { code: string }).code, "NoRegisteredProviderFound");
  } finally {
    await emu.stop();
  }
});
