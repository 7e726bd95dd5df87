import assert from "node:assert/strict";
import { startEmulator } from "../fixtures/emulator.ts";

Deno.test("kvmi emulator: the manifest has exactly the documented keys, is owner-only, and env prints both shells", async () => {
  const emu = await startEmulator();
  try {
    assert.deepEqual(Object.keys(emu.manifest).sort(), [
      "admin",
      "armEndpoint",
      "attestationEndpoint",
      "authorityHost",
      "caCertFile",
      "env",
      "imdsEndpoint",
      "resourceGroup",
      "subscriptionId",
      "tenantId",
      "vaults",
      "vm",
    ]);
    assert.deepEqual(Object.keys(emu.manifest.vm).sort(), ["clientId", "name", "principalId", "resourceId"]);
    assert.deepEqual(Object.keys(emu.manifest.admin).sort(), ["clientId", "clientSecret", "principalId"]);
    assert.deepEqual(Object.keys(emu.manifest.env).sort(), [
      "AZURE_AUTHORITY_HOST",
      "AZURE_POD_IDENTITY_AUTHORITY_HOST",
      "KVMI_CLOUD_PROFILE",
      "NODE_EXTRA_CA_CERTS",
    ]);
    assert.equal((await Deno.stat(emu.manifestPath)).mode! & 0o777, 0o600, "the manifest holds the admin's client secret");
    assert.match(await Deno.readTextFile(emu.manifest.caCertFile), /^-----BEGIN CERTIFICATE-----/);

    const both = await emu.kvmi(["emulator", "env", "--manifest", emu.manifestPath]);
    assert.equal(both.code, 0, both.stderr);
    assert.match(both.stdout, new RegExp(`^\\$env:AZURE_POD_IDENTITY_AUTHORITY_HOST = '${emu.manifest.imdsEndpoint}'$`, "m"));
    assert.match(both.stdout, new RegExp(`^export KVMI_CLOUD_PROFILE='${emu.manifestPath}'$`, "m"));
    assert.ok(!both.stdout.includes(emu.manifest.admin.clientSecret), "env never prints the admin secret");
    const posix = await emu.kvmi(["emulator", "env", "--manifest", emu.manifestPath, "--shell", "posix"]);
    assert.doesNotMatch(posix.stdout, /\$env:/);
    const missing = await emu.kvmi(["emulator", "env", "--manifest", "/no/such/manifest.json"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the manifest/);
    const badSeed = await emu.kvmi(["emulator", "start", "--seed", "bogus"]);
    assert.equal(badSeed.code, 2);
    assert.match(badSeed.stderr, /Unknown seed 'bogus'/);
  } finally {
    await emu.stop();
  }
});
