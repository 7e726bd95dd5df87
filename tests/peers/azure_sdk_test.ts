/**
 * The official Azure SDK for JS as a peer: if @azure/identity, @azure/keyvault-secrets or
 * @azure/arm-compute disagrees with the emulator, the emulator is wrong. One emulator and one
 * test for every managed-identity peer, because msal-node keeps the managed identity source and
 * token cache process-wide and AZURE_POD_IDENTITY_AUTHORITY_HOST is process-wide too.
 */
import assert from "node:assert/strict";
import { ClientSecretCredential, ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { ComputeManagementClient } from "@azure/arm-compute";
import { createVm, jwtClaims, startEmulator } from "../fixtures/emulator.ts";

Deno.test("official clients against the emulator: identity, SecretClient, ComputeManagementClient", async (t) => {
  const emu = await startEmulator({ deleteDelayMs: 600, armPageSize: 2 });
  Deno.env.set("AZURE_POD_IDENTITY_AUTHORITY_HOST", emu.manifest.imdsEndpoint);
  const vaultUrl = emu.manifest.vaults["kv-demo"];
  const admin = new ClientSecretCredential(emu.manifest.tenantId, emu.manifest.admin.clientId, emu.manifest.admin.clientSecret, {
    authorityHost: emu.manifest.authorityHost,
    disableInstanceDiscovery: true,
  });
  const options = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
  const claimsOf = (token: string) => jwtClaims(token);
  try {
    await t.step("ManagedIdentityCredential gets the VM's token from the emulated IMDS", async () => {
      const token = await new ManagedIdentityCredential().getToken("https://vault.azure.net/.default");
      assert.ok(token);
      assert.equal(claimsOf(token.token).oid, emu.manifest.vm.principalId);
      assert.ok(token.expiresOnTimestamp > Date.now() + 3600_000, "expires_on is understood");
    });
    await t.step("ManagedIdentityCredential with a user-assigned resource id", async () => {
      const resourceId =
        `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
      const token = await new ManagedIdentityCredential({ resourceId }).getToken("https://management.azure.com/.default");
      assert.equal(claimsOf(token.token).xms_mirid, resourceId);
    });
    await t.step("ClientSecretCredential gets the admin's token from the emulated Entra ID", async () => {
      const token = await admin.getToken("https://vault.azure.net/.default");
      assert.equal(claimsOf(token.token).oid, emu.manifest.admin.principalId);
    });
    await t.step("ClientSecretCredential reports a wrong secret", async () => {
      const wrong = new ClientSecretCredential(emu.manifest.tenantId, emu.manifest.admin.clientId, "wrong", {
        authorityHost: emu.manifest.authorityHost,
        disableInstanceDiscovery: true,
      });
      await assert.rejects(wrong.getToken("https://vault.azure.net/.default"), /AADSTS7000215/);
    });

    const vmClient = new SecretClient(vaultUrl, new ManagedIdentityCredential(), options);
    const adminClient = new SecretClient(vaultUrl, admin, options);

    await t.step("getSecret with the VM identity", async () => {
      const secret = await vmClient.getSecret("secret-for-vm");
      assert.equal(secret.value, "this-is-test-secret");
      assert.equal(secret.properties.vaultUrl, vaultUrl);
      assert.equal(secret.properties.name, "secret-for-vm");
      assert.match(secret.properties.version!, /^[0-9a-f]{32}$/);
      assert.equal(secret.properties.enabled, true);
      assert.ok(secret.properties.createdOn instanceof Date);
    });
    await t.step("setSecret with the VM identity is a 403 ForbiddenByRbac RestError", async () => {
      await assert.rejects(vmClient.setSecret("not-allowed", "x"), (error: { statusCode?: number; code?: string; message: string }) => {
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, "Forbidden");
        assert.match(error.message, /Microsoft\.KeyVault\/vaults\/secrets\/setSecret\/action/);
        return true;
      });
    });
    await t.step("setSecret and getSecret by version with the admin", async () => {
      const set = await adminClient.setSecret("sdk-secret", 'v1 ✓ "quoted"\n', { contentType: "text/plain", tags: { owner: "sdk" } });
      assert.equal(set.value, 'v1 ✓ "quoted"\n');
      await adminClient.setSecret("sdk-secret", "v2");
      const old = await adminClient.getSecret("sdk-secret", { version: set.properties.version });
      assert.equal(old.value, 'v1 ✓ "quoted"\n');
      assert.deepEqual(old.properties.tags, { owner: "sdk" });
      assert.equal((await adminClient.getSecret("sdk-secret")).value, "v2");
      const updated = await adminClient.updateSecretProperties("sdk-secret", set.properties.version!, { enabled: false });
      assert.equal(updated.enabled, false);
      await assert.rejects(adminClient.getSecret("sdk-secret", { version: set.properties.version }), (e: { statusCode?: number }) => e.statusCode === 403);
    });
    await t.step("listPropertiesOfSecrets over several pages", async () => {
      for (let i = 0; i < 5; i++) await adminClient.setSecret(`page-${i}`, String(i));
      const pages: string[][] = [];
      for await (const page of adminClient.listPropertiesOfSecrets().byPage({ maxPageSize: 2 })) pages.push(page.map((p) => p.name));
      assert.ok(pages.length >= 4, `got ${pages.length} pages`);
      const names = pages.flat();
      for (let i = 0; i < 5; i++) assert.ok(names.includes(`page-${i}`));
      const versions = [];
      for await (const v of adminClient.listPropertiesOfSecretVersions("sdk-secret")) versions.push(v.version);
      assert.equal(versions.length, 2);
    });
    await t.step("beginDeleteSecret polls until the deletion is visible; recover and purge", async () => {
      const before = (await emu.requests()).keyvault ?? 0;
      const poller = await adminClient.beginDeleteSecret("page-0", { intervalInMs: 200 });
      const deleted = await poller.pollUntilDone();
      assert.equal(deleted.name, "page-0");
      assert.match(deleted.recoveryId!, /\/deletedsecrets\/page-0$/);
      assert.ok(deleted.deletedOn instanceof Date);
      assert.ok(((await emu.requests()).keyvault ?? 0) - before >= 3, "the poller saw the 404 window and kept polling");
      const names = [];
      for await (const d of adminClient.listDeletedSecrets()) names.push(d.name);
      assert.deepEqual(names, ["page-0"]);
      const recover = await adminClient.beginRecoverDeletedSecret("page-0", { intervalInMs: 200 });
      const recovered = await recover.pollUntilDone();
      assert.equal(recovered.name, "page-0");
      assert.equal((await adminClient.getSecret("page-0")).value, "0");
      await (await adminClient.beginDeleteSecret("page-1", { intervalInMs: 200 })).pollUntilDone();
      await adminClient.purgeDeletedSecret("page-1");
      await assert.rejects(adminClient.getDeletedSecret("page-1"), (e: { statusCode?: number }) => e.statusCode === 404);
      await assert.rejects(adminClient.getSecret("page-1"), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "SecretNotFound");
    });
    await t.step("ComputeManagementClient with ManagedIdentityCredential lists VMs across pages", async () => {
      for (const name of ["vm-web-01", "vm-web-02", "vm-web-03"]) await createVm(emu, name);
      const compute = new ComputeManagementClient(new ManagedIdentityCredential(), emu.manifest.subscriptionId, {
        endpoint: emu.manifest.armEndpoint,
        retryOptions: { maxRetries: 0 },
      });
      const inGroup: string[] = [];
      for await (const vm of compute.virtualMachines.list("rg-demo")) inGroup.push(vm.name!);
      assert.deepEqual(inGroup.sort(), ["vm-app-01", "vm-demo", "vm-web-01", "vm-web-02", "vm-web-03"]);
      let pages = 0;
      for await (const page of compute.virtualMachines.listAll().byPage()) {
        pages++;
        assert.ok(page.length <= 2);
      }
      assert.equal(pages, 3, "five VMs in pages of two");
      const vm = await compute.virtualMachines.get("rg-demo", "vm-demo");
      assert.equal(vm.identity?.principalId, emu.manifest.vm.principalId);
      assert.equal(vm.location, "japaneast");
    });
  } finally {
    Deno.env.delete("AZURE_POD_IDENTITY_AUTHORITY_HOST");
    await emu.stop();
  }
});
