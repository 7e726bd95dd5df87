/**
 * The VM's own cloud is resolved before any credential is built: a service principal on an
 * emulated US Government VM, with no --cloud, asks the US Government authority for its token.
 * No request leaves the machine: a loopback proxy records where kvmi tried to go and refuses.
 * @module
 */
import assert from "node:assert/strict";
import { baseEnv, runKvmi } from "../fixtures/emulator.ts";

/** A loopback HTTPS proxy that records each CONNECT target and refuses the tunnel. */
function refusingProxy(): { url: string; targets: string[]; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const targets: string[] = [];
  (async () => {
    for await (const conn of listener) {
      const buffer = new Uint8Array(4096);
      const n = await conn.read(buffer).catch(() => null);
      const line = new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0];
      targets.push(line.replace(/^CONNECT (\S+) .*$/, "$1"));
      await conn.write(new TextEncoder().encode("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")).catch(() => 0);
      conn.close();
    }
  })().catch(() => {});
  return { url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, targets, close: () => listener.close() };
}

Deno.test("a service principal on an AzureUSGovernment VM without --cloud gets its token from the US Government authority", async () => {
  const imds = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/metadata/instance" || req.headers.get("metadata") !== "true") return new Response("", { status: 404 });
    return Response.json({
      compute: {
        azEnvironment: "AzureUSGovernmentCloud",
        subscriptionId: "00000000-0000-0000-0000-000000000001",
        resourceGroupName: "rg-gov",
        name: "vm-gov",
        location: "usgovvirginia",
        resourceId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-gov/providers/Microsoft.Compute/virtualMachines/vm-gov",
        vmId: "11111111-1111-1111-1111-111111111111",
      },
    });
  });
  const proxy = refusingProxy();
  try {
    const env = {
      ...baseEnv(),
      AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${imds.addr.port}`,
      AZURE_TENANT_ID: "72f988bf-0000-0000-0000-000000000000",
      AZURE_CLIENT_ID: "22222222-2222-2222-2222-222222222222",
      AZURE_CLIENT_SECRET: "not-a-real-secret",
      HTTPS_PROXY: proxy.url,
      KVMI_RETRY_DELAY_SCALE: "0.01",
    };
    const result = await runKvmi(["vm", "list"], env);
    assert.equal(result.code, 6, result.stderr);
    assert.ok(proxy.targets.length > 0, "kvmi asked for a token");
    assert.ok(proxy.targets.every((t) => t === "login.microsoftonline.us:443"), `token requests went to ${proxy.targets.join(", ")}`);
    assert.doesNotMatch(result.stderr, /not-a-real-secret/);
  } finally {
    proxy.close();
    await imds.shutdown();
  }
});
