import assert from "node:assert/strict";
import { cloudFromProfile, cloudIsChosen, resolveCloud } from "../../src/cloud/cloud_profile.ts";
import { acceptsTokens, BUILTIN_CLOUDS, cloudNameForAzEnvironment, serviceForUrl } from "../../src/cloud/cloud.ts";

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

Deno.test("resolveCloud: a profile field of the wrong type is a usage error naming it", async () => {
  const file = await Deno.makeTempFile();
  const cases: [unknown, RegExp][] = [
    [{ armEndpoint: ["https://a.example"] }, /armEndpoint must be a string/],
    [{ caCertFile: { path: "/x" } }, /caCertFile must be a string/],
    [{ vaults: { kv: 1 } }, /vaults must be an object of URL strings/],
    [{ vaults: ["https://kv.example"] }, /vaults must be an object of URL strings/],
    [{ vaults: { kv: "[".repeat(5000) } }, /vaults\.kv is not a URL/],
  ];
  for (const [profile, message] of cases) {
    await Deno.writeTextFile(file, JSON.stringify(profile));
    assert.throws(() => resolveCloud(file, env({})), message);
  }
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

Deno.test("resolveCloud: the VM's azEnvironment applies only when the user chose no cloud", () => {
  const gov = resolveCloud(undefined, env({}), "AzureUSGovernmentCloud");
  assert.equal(gov.name, "AzureUSGovernment");
  assert.equal(gov.authorityHost, "https://login.microsoftonline.us");
  assert.equal(gov.armEndpoint, "https://management.usgovcloudapi.net");
  assert.equal(resolveCloud(undefined, env({}), "AzureChinaCloud").authorityHost, "https://login.chinacloudapi.cn");
  assert.equal(resolveCloud(undefined, env({}), "Mars").name, "AzureCloud", "an unknown azEnvironment keeps the public cloud");
  assert.equal(resolveCloud("AzureCloud", env({}), "AzureUSGovernmentCloud").name, "AzureCloud", "--cloud wins over the VM");
  assert.equal(resolveCloud(undefined, env({ AZURE_CLOUD: "AzureChinaCloud" }), "AzureUSGovernmentCloud").name, "AzureChinaCloud");
  const overridden = resolveCloud(
    undefined,
    env({ AZURE_AUTHORITY_HOST: "https://login.example.test/", AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9/" }),
    "AzureUSGovernmentCloud",
  );
  assert.equal(overridden.name, "AzureUSGovernment");
  assert.equal(overridden.authorityHost, "https://login.example.test");
  assert.equal(overridden.imdsEndpoint, "http://127.0.0.1:9");
});

Deno.test("cloudIsChosen: --cloud, KVMI_CLOUD_PROFILE or AZURE_CLOUD", () => {
  assert.equal(cloudIsChosen(undefined, env({})), false);
  assert.equal(cloudIsChosen("AzureUSGovernment", env({})), true);
  assert.equal(cloudIsChosen(undefined, env({ KVMI_CLOUD_PROFILE: "/tmp/p.json" })), true);
  assert.equal(cloudIsChosen(undefined, env({ AZURE_CLOUD: "AzureChinaCloud" })), true);
});

Deno.test("serviceForUrl: one table of which URL is which service, and its audience", () => {
  const pub = BUILTIN_CLOUDS.AzureCloud;
  const gov = BUILTIN_CLOUDS.AzureUSGovernment;
  const at = (url: string, cloud = pub) => serviceForUrl(new URL(url), cloud);
  assert.deepEqual(at("https://management.azure.com/subscriptions?api-version=1"), { name: "arm", audience: "https://management.azure.com/" });
  assert.deepEqual(at("https://graph.microsoft.com/v1.0/me"), { name: "graph", audience: "https://graph.microsoft.com/" });
  assert.deepEqual(at("https://kv1.vault.azure.net/secrets/x"), { name: "keyVault", audience: "https://vault.azure.net" });
  assert.deepEqual(at("https://sharedeus.eus.attest.azure.net/"), { name: "attestation", audience: "https://attest.azure.net" });
  assert.deepEqual(at("https://kv1.vault.usgovcloudapi.net/", gov), { name: "keyVault", audience: "https://vault.usgovcloudapi.net" });
  assert.equal(at("https://kv1.vault.azure.net/", gov), undefined, "another cloud's vault is not this cloud's");
  assert.equal(at("https://vault.azure.net.evil.example/"), undefined);
  assert.equal(at("https://example.com/"), undefined);
  const custom = cloudFromProfile({
    name: "Emu",
    armEndpoint: "https://127.0.0.1:8443",
    attestationEndpoint: "https://127.0.0.1:8445",
    vaults: { "kv-demo": "https://127.0.0.1:8444" },
  }, "emu.json");
  assert.equal(at("https://127.0.0.1:8443/subscriptions", custom)?.name, "arm");
  assert.equal(at("https://127.0.0.1:8444/secrets/x", custom)?.name, "keyVault");
  assert.deepEqual(at("https://127.0.0.1:8445/attest/SevSnpVm", custom), { name: "attestation", audience: "https://attest.azure.net" });
});

Deno.test("acceptsTokens: https to a known service or a profile's own origin, nothing else", () => {
  const pub = BUILTIN_CLOUDS.AzureCloud;
  assert.equal(acceptsTokens(new URL("https://kv1.vault.azure.net/"), pub), true);
  assert.equal(acceptsTokens(new URL("http://kv1.vault.azure.net/"), pub), false);
  assert.equal(acceptsTokens(new URL("https://example.com/"), pub), false);
  const custom = cloudFromProfile({ authorityHost: "https://127.0.0.1:8446" }, "emu.json");
  assert.equal(acceptsTokens(new URL("https://127.0.0.1:8446/tenant/oauth2/v2.0/token"), custom), true);
});
