import assert from "node:assert/strict";
import { cloudFromProfile, resolveCloud } from "../../src/cloud/cloud_profile.ts";
import { cloudNameForAzEnvironment } from "../../src/cloud/cloud.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("resolveCloud: built-in sovereign clouds by name, SDK env overrides", () => {
  const gov = resolveCloud("AzureUSGovernment", env({}));
  assert.equal(gov.keyVaultSuffix, "vault.usgovcloudapi.net");
  assert.equal(gov.armEndpoint, "https://management.usgovcloudapi.net");
  assert.equal(resolveCloud("azurechinacloud", env({})).keyVaultResource, "https://vault.azure.cn");
  const overridden = resolveCloud(
    undefined,
    env({ AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:8080/", AZURE_AUTHORITY_HOST: "https://login.example/" }),
  );
  assert.equal(overridden.name, "AzureCloud");
  assert.equal(overridden.imdsEndpoint, "http://127.0.0.1:8080");
  assert.equal(overridden.authorityHost, "https://login.example");
  assert.equal(resolveCloud(undefined, env({ AZURE_CLOUD: "AzureChinaCloud" })).name, "AzureChinaCloud");
});

Deno.test("resolveCloud: a missing or malformed profile is a usage error", async () => {
  assert.throws(() => resolveCloud("/no/such/profile.json", env({})), /neither a known cloud nor a readable cloud profile/);
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "{ not json");
  assert.throws(() => resolveCloud(file, env({})), /not valid JSON/);
  await Deno.remove(file);
});

Deno.test("cloudFromProfile: endpoints become trusted origins; http endpoints are refused", () => {
  const cloud = cloudFromProfile({ armEndpoint: "https://127.0.0.1:4000", vaults: { "KV-One": "https://127.0.0.1:4001" } }, "test");
  assert.deepEqual(cloud.trustedOrigins, ["127.0.0.1:4000", "127.0.0.1:4001"]);
  assert.equal(cloud.vaults["kv-one"], "https://127.0.0.1:4001");
  assert.throws(() => cloudFromProfile({ armEndpoint: "http://127.0.0.1:4000" }, "test"), /must be an https URL/);
});

Deno.test("IMDS azEnvironment maps to cloud names case-insensitively", () => {
  assert.equal(cloudNameForAzEnvironment("AZUREPUBLICCLOUD"), "AzureCloud");
  assert.equal(cloudNameForAzEnvironment("AzureUSGovernmentCloud"), "AzureUSGovernment");
  assert.equal(cloudNameForAzEnvironment("AzureChinaCloud"), "AzureChinaCloud");
  assert.equal(cloudNameForAzEnvironment("Mars"), undefined);
});
