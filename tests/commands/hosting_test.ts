import assert from "node:assert/strict";
import { startEmulator } from "../fixtures/emulator.ts";

Deno.test("managed identity on App Service and Azure Arc, chosen from the environment like the Azure SDK does", async (t) => {
  const emu = await startEmulator();
  const hosts = await (await fetch(`${emu.manifest.imdsEndpoint}/emulator/hosts`)).json();
  const noImds = { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9" };
  const uami =
    `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
  try {
    await t.step("App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER", async () => {
      const env = { ...noImds, ...hosts.appService };
      const who = JSON.parse((await emu.kvmi(["whoami"], { env })).stdout);
      assert.equal(who.source, "ManagedIdentity (App Service)");
      assert.equal(who.objectId, emu.manifest.vm.principalId);
      const secret = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], { env });
      assert.equal(secret.stdout, "this-is-test-secret");
      const byResource = JSON.parse((await emu.kvmi(["whoami", "--msi-res-id", uami], { env })).stdout);
      assert.equal(byResource.resourceId.toLowerCase(), uami.toLowerCase());
      // A header value with a final line break (read from a file, say) goes out trimmed, as fetch's Headers would send it.
      const trailing = await emu.kvmi(["whoami"], { env: { ...env, IDENTITY_HEADER: `${hosts.appService.IDENTITY_HEADER}\r\n` } });
      assert.equal(trailing.code, 0, trailing.stderr);
      const wrong = await emu.kvmi(["whoami"], { env: { ...env, IDENTITY_HEADER: "not-the-header-9f3c" } });
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /App Service identity endpoint refused the token request \(HTTP 401\)/);
      assert.ok(!wrong.stderr.includes("not-the-header-9f3c"), "the header value is never echoed");
    });
    await t.step("Azure Arc: the 401 Basic realm challenge, then the secret file", async () => {
      const env = { ...noImds, ...hosts.arc };
      const who = JSON.parse((await emu.kvmi(["whoami"], { env })).stdout);
      assert.equal(who.source, "ManagedIdentity (Azure Arc)");
      assert.equal(who.objectId, emu.manifest.vm.principalId);
      const secret = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], { env });
      assert.equal(secret.code, 0, secret.stderr);
      assert.equal(secret.stdout, "this-is-test-secret");
      const byResource = JSON.parse((await emu.kvmi(["whoami", "--msi-res-id", uami], { env })).stdout);
      assert.equal(byResource.resourceId.toLowerCase(), uami.toLowerCase());
      const elsewhere = await emu.kvmi(["whoami"], { env: { ...env, KVMI_ARC_TOKEN_DIR: "/tmp/not-the-agent-folder" } });
      assert.equal(elsewhere.code, 3);
      assert.match(elsewhere.stderr, /which is not a \.key file in \/tmp\/not-the-agent-folder; refusing/);
      assert.equal([...Deno.readDirSync(hosts.arc.KVMI_ARC_TOKEN_DIR)].length, 1, "only the refused challenge's file is left");
    });
    await t.step("hosts kvmi does not support yet fail clearly instead of falling back to IMDS", async () => {
      for (
        const [env, host] of [[{ MSI_ENDPOINT: "http://127.0.0.1:9/msi" }, "Azure Cloud Shell"], [{
          IDENTITY_ENDPOINT: "https://127.0.0.1:9/",
          IDENTITY_HEADER: "x",
          IDENTITY_SERVER_THUMBPRINT: "y",
        }, "Service Fabric"]] as const
      ) {
        const r = await emu.kvmi(["whoami"], { env: { ...noImds, ...env } });
        assert.equal(r.code, 3);
        assert.match(r.stderr, new RegExp(`looks like ${host}`));
      }
    });
  } finally {
    await emu.stop();
  }
});
