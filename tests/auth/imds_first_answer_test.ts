/**
 * The first IMDS request, as a scheduled task on a freshly started VM and an admin off Azure see
 * it: an IMDS that takes its time to issue the first token (here 4 s, longer than the 3 s
 * connect bound) is waited for; an address no TCP connection reaches is reported unreachable
 * (exit 3) within the connect bound. The unreachable address is made for real inside the test
 * command's loopback-only network namespace (a TUN device nobody reads swallows every packet, as the
 * network off Azure drops packets to 169.254.169.254); outside that namespace that case is
 * skipped with the reason, since it would change the machine's network.
 * @module
 */
import assert from "node:assert/strict";
import { base64url } from "jose";
import { baseEnv, runKvmi } from "../fixtures/emulator.ts";
import { insideNetworkSandbox, SANDBOX_VARIABLE } from "../network_sandbox.ts";

function fakeToken(resource: string, exp: number): string {
  const part = (v: unknown) => base64url.encode(JSON.stringify(v));
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ aud: resource, oid: "00000000-0000-0000-0000-0000000000aa", exp })}.c2ln`;
}

Deno.test("an IMDS slow to issue its first token (4 s) is waited for, not reported unreachable", async () => {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    requests++;
    const resource = new URL(request.url).searchParams.get("resource") ?? "";
    await new Promise((r) => setTimeout(r, 4000));
    const exp = Math.floor(Date.now() / 1000) + 3600;
    return Response.json({ access_token: fakeToken(resource, exp), expires_on: String(exp), resource, token_type: "Bearer" });
  });
  try {
    const env = { ...baseEnv(), AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${server.addr.port}` };
    const started = performance.now();
    const r = await runKvmi(["token", "--resource", "https://vault.azure.net"], env);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(requests, 1);
    assert.ok(seconds >= 4 && seconds < 9, `took ${seconds.toFixed(1)} s`);
  } finally {
    await server.shutdown();
  }
});

const sandboxed = insideNetworkSandbox();
if (!sandboxed) console.log(`imds_first_answer_test: unreachable-address case skipped: ${SANDBOX_VARIABLE} is not loopback-only`);

Deno.test({
  name: "an IMDS address no TCP connection reaches is reported unreachable (exit 3) within the 3 s connect bound",
  ignore: !sandboxed,
  async fn() {
    const ip = async (...args: string[]) => {
      const out = await new Deno.Command("ip", { args, stdout: "null", stderr: "piped" }).output();
      if (!out.success) throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    };
    await ip("tuntap", "add", "dev", "kvmi-hole0", "mode", "tun");
    try {
      await ip("addr", "add", "10.254.254.1/24", "dev", "kvmi-hole0");
      await ip("link", "set", "kvmi-hole0", "up");
      const env = { ...baseEnv(), AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://10.254.254.2" };
      const started = performance.now();
      const r = await runKvmi(["secret", "get", "--vault", "kv-demo", "--name", "x"], env);
      const seconds = (performance.now() - started) / 1000;
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /10\.254\.254\.2 could not be reached.*no connection to 10\.254\.254\.2 within 3000 ms/);
      assert.ok(seconds >= 2.9 && seconds < 5, `took ${seconds.toFixed(1)} s`);
    } finally {
      await ip("link", "del", "kvmi-hole0");
    }
  },
});
