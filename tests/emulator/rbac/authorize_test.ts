import assert from "node:assert/strict";
import { actionMatches, permissionsGrant, scopeContains } from "../../../src/emulator/rbac/authorize.ts";
import { findRole } from "../../../src/emulator/rbac/role_definitions.ts";

Deno.test("action globs match case-insensitively", () => {
  assert.ok(actionMatches("*/read", "Microsoft.Compute/virtualMachines/read"));
  assert.ok(actionMatches("Microsoft.KeyVault/vaults/*/read", "microsoft.keyvault/vaults/keys/read"));
  assert.ok(!actionMatches("Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/getSecret/action"));
  assert.ok(actionMatches("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write"));
});

Deno.test("scopes inherit downward on segment boundaries only", () => {
  assert.ok(scopeContains("/subscriptions/s", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/x"));
  assert.ok(scopeContains("/subscriptions/S/resourceGroups/RG", "/subscriptions/s/resourcegroups/rg"));
  assert.ok(!scopeContains("/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/rg2"));
  assert.ok(
    !scopeContains(
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/a",
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
    ),
  );
});

Deno.test("built-in roles: Owner and Contributor grant no data actions; NotActions subtract", () => {
  const getSecret = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
  assert.ok(!permissionsGrant(findRole("Owner")!.permissions, getSecret, true));
  assert.ok(!permissionsGrant(findRole("Contributor")!.permissions, getSecret, true));
  assert.ok(permissionsGrant(findRole("Key Vault Secrets User")!.permissions, getSecret, true));
  assert.ok(!permissionsGrant(findRole("Key Vault Reader")!.permissions, getSecret, true), "Reader can list but never read values");
  assert.ok(permissionsGrant(findRole("Key Vault Reader")!.permissions, "Microsoft.KeyVault/vaults/secrets/readMetadata/action", true));
  assert.ok(!permissionsGrant(findRole("Contributor")!.permissions, "Microsoft.Authorization/roleAssignments/write", false));
  assert.ok(permissionsGrant(findRole("Owner")!.permissions, "Microsoft.Authorization/roleAssignments/write", false));
  assert.equal(findRole("4633458B-17DE-408A-B874-0445C86B69E6")?.roleName, "Key Vault Secrets User");
});
