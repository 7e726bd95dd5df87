import assert from "node:assert/strict";
import { checkObjectName, resolveVaultUrl } from "../../src/keyvault/vault_address.ts";
import { BUILTIN_CLOUDS } from "../../src/cloud/cloud.ts";
import { roleForDataAction } from "../../src/keyvault/data_action_roles.ts";

Deno.test("resolveVaultUrl: names per cloud, URLs only on the cloud's Key Vault domain", () => {
  assert.equal(resolveVaultUrl("My-Vault1", BUILTIN_CLOUDS.AzureCloud).href, "https://my-vault1.vault.azure.net/");
  assert.equal(resolveVaultUrl("kv1", BUILTIN_CLOUDS.AzureUSGovernment).href, "https://kv1.vault.usgovcloudapi.net/");
  assert.equal(resolveVaultUrl("https://kv1.vault.azure.cn/", BUILTIN_CLOUDS.AzureChinaCloud).href, "https://kv1.vault.azure.cn/");
  assert.throws(() => resolveVaultUrl("https://kv1.vault.azure.net", BUILTIN_CLOUDS.AzureChinaCloud), /not a Key Vault host of cloud AzureChinaCloud/);
  assert.throws(() => resolveVaultUrl("https://vault.azure.net.evil.com", BUILTIN_CLOUDS.AzureCloud), /not a Key Vault host/);
  for (const bad of ["ab", "1vault", "vault-", "a".repeat(25), "va_ult", "va--ult"]) {
    assert.throws(() => resolveVaultUrl(bad, BUILTIN_CLOUDS.AzureCloud), /not a valid vault name/, bad);
  }
});

Deno.test("checkObjectName: 1-127 of letters, digits and hyphens", () => {
  assert.equal(checkObjectName("a-B-3"), "a-B-3");
  assert.throws(() => checkObjectName("a".repeat(128)));
  assert.throws(() => checkObjectName("a.b"));
  assert.throws(() => checkObjectName(""));
});

Deno.test("roleForDataAction names the least-privileged built-in role", () => {
  assert.deepEqual(roleForDataAction("Microsoft.KeyVault/vaults/secrets/getSecret/action"), {
    name: "Key Vault Secrets User",
    id: "4633458b-17de-408a-b874-0445c86b69e6",
  });
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/keys/release/action")?.name, "Key Vault Crypto Service Release User");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/secrets/setSecret/action")?.name, "Key Vault Secrets Officer");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/keys/backup/action")?.name, "Key Vault Crypto User");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/keys/rotate/action")?.name, "Key Vault Crypto Officer");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/keyrotationpolicies/read")?.name, "Key Vault Reader");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/keyrotationpolicies/write")?.name, "Key Vault Crypto Officer");
});
