/**
 * A token goes only to an allowed origin (scheme, host and port): every command that sends a
 * token is pointed at a listener of ours on another port of an allowed host (the emulator's
 * 127.0.0.1) and nothing may arrive there.
 * @module
 */
import assert from "node:assert/strict";
import { acceptsTokens, BUILTIN_CLOUDS } from "../../src/cloud/cloud.ts";
import { issueServerCertificate, loadOrCreateCa } from "../../src/emulator/tls.ts";
import { adminEnv, startEmulator, testCaDir } from "../fixtures/emulator.ts";

/** An https server of ours on 127.0.0.1 (the emulator's CA) that records every Authorization header it receives. */
async function trap(): Promise<{ port: number; authorizations: string[]; close: () => Promise<void> }> {
  const tls = await issueServerCertificate(await loadOrCreateCa(testCaDir()));
  const authorizations: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, cert: tls.certChainPem, key: tls.keyPem, onListen: () => {} }, (request) => {
    const authorization = request.headers.get("authorization");
    if (authorization) authorizations.push(authorization);
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  });
  return { port: server.addr.port, authorizations, close: () => server.shutdown() };
}

Deno.test("the service table compares origins: another port of a known host accepts no token", () => {
  const cloud = BUILTIN_CLOUDS.AzureCloud;
  assert.ok(acceptsTokens(new URL("https://kv1.vault.azure.net"), cloud));
  assert.ok(acceptsTokens(new URL("https://kv1.vault.azure.net:443"), cloud));
  assert.ok(!acceptsTokens(new URL("https://kv1.vault.azure.net:4444"), cloud));
  assert.ok(!acceptsTokens(new URL("https://management.azure.com:8443"), cloud));
  assert.ok(!acceptsTokens(new URL("https://graph.microsoft.com:444"), cloud));
  assert.ok(!acceptsTokens(new URL("https://x.attest.azure.net:1"), cloud));
  assert.ok(!acceptsTokens(new URL("http://kv1.vault.azure.net"), cloud));
});

Deno.test("every command that sends a token sends none to another port of the emulator's host", async () => {
  const emu = await startEmulator();
  const listener = await trap();
  const other = `https://127.0.0.1:${listener.port}`;
  const admin = adminEnv(emu);
  const sub = emu.manifest.subscriptionId;
  const cases: { args: string[]; env?: Record<string, string>; stdin?: string }[] = [
    { args: ["secret", "get", "--vault", other, "--name", "x"] },
    { args: ["secret", "list", "--vault", other] },
    { args: ["secret", "set", "--vault", other, "--name", "x"], env: admin, stdin: "v" },
    { args: ["secret", "delete", "--vault", other, "--name", "x"], env: admin },
    { args: ["key", "get", "--vault", other, "--name", "x"] },
    { args: ["key", "list", "--vault", other] },
    { args: ["key", "release", "--vault", other, "--name", "x"] },
    { args: ["rest", "--url", `${other}/subscriptions/${sub}?api-version=2022-01-01`] },
    { args: ["rest", "--url", `${other}/secrets?api-version=7.4`] },
    { args: ["doctor", "--vault", other] },
  ];
  try {
    for (const c of cases) {
      const result = await emu.kvmi(c.args, { env: c.env, stdin: c.stdin });
      assert.doesNotMatch(result.stderr, /Unexpected failure/, c.args.join(" "));
      assert.deepEqual(listener.authorizations, [], `${c.args.join(" ")} sent a token to the other port: ${result.stderr}`);
    }
  } finally {
    await listener.close();
    await emu.stop();
  }
});
