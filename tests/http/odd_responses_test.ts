/**
 * Responses no real service sends but a broken proxy or a hostile endpoint might, from servers
 * of our own on 127.0.0.1: an IMDS `expires_on` too large for a Date or already past, a relative
 * `nextLink`, a redirect, bodies without end or compressed past the limit, odd request headers. Each must end with a clear error, never "Unexpected failure".
 * @module
 */
import assert from "node:assert/strict";
import { issueServerCertificate, loadOrCreateCa } from "../../src/emulator/tls.ts";
import { type EmulatorHandle, startEmulator, testCaDir } from "../fixtures/emulator.ts";

function fakeImds(expiresOn: string): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => Response.json({ access_token: "a.b.c", expires_on: expiresOn }));
}

/** An https server of ours and a cloud profile (the emulator's, plus our CA and a vault `kv-fake` on our server). */
async function fakeHttps(emu: EmulatorHandle, handler: (r: Request) => Response): Promise<{ server: Deno.HttpServer<Deno.NetAddr>; profile: string }> {
  const dir = testCaDir();
  const tls = await issueServerCertificate(await loadOrCreateCa(dir));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, cert: tls.certChainPem, key: tls.keyPem, onListen: () => {} }, handler);
  const profile = await Deno.makeTempFile({ suffix: ".json" });
  const vaults = { ...emu.manifest.vaults, "kv-fake": `https://127.0.0.1:${server.addr.port}` };
  await Deno.writeTextFile(profile, JSON.stringify({ ...emu.manifest, caCertFile: `${dir}/ca.pem`, vaults }));
  return { server, profile };
}

Deno.test("odd responses end with a clear error, never Unexpected failure", async (t) => {
  const emu = await startEmulator();
  try {
    await t.step("IMDS expires_on too large for a Date", async () => {
      const imds = fakeImds("1e20");
      try {
        const r = await emu.kvmi(["token", "-o", "table"], { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${imds.addr.port}` } });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /without a usable access_token\/expires_on/);
      } finally {
        await imds.shutdown();
      }
    });
    await t.step("IMDS token already expired", async () => {
      const imds = fakeImds(String(Math.floor(Date.now() / 1000) - 60));
      try {
        const r = await emu.kvmi(["token"], { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: `http://127.0.0.1:${imds.addr.port}` } });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /issued a token that expired at/);
      } finally {
        await imds.shutdown();
      }
    });
    await t.step("a relative nextLink from a vault", async () => {
      const { server, profile } = await fakeHttps(emu, () => Response.json({ value: [], nextLink: "/secrets?$skiptoken=x" }));
      try {
        const r = await emu.kvmi(["secret", "list", "--vault", "kv-fake"], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /nextLink that is not an absolute URL/);
      } finally {
        await server.shutdown();
      }
    });
    await t.step("a redirect answered to kvmi rest", async () => {
      const { server, profile } = await fakeHttps(emu, () => new Response(null, { status: 307, headers: { location: "https://elsewhere.example/x" } }));
      try {
        const r = await emu.kvmi(["rest", "--url", `https://127.0.0.1:${server.addr.port}/x`], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /answered 307 \(a redirect to https:\/\/elsewhere\.example\); kvmi does not follow redirects/);
        assert.equal(r.stdout, "");
      } finally {
        await server.shutdown();
      }
    });
    await t.step("an endless chunked body is cut at the response limit", async () => {
      const chunk = new Uint8Array(1024 * 1024).fill(0x20);
      const endless = () => new Response(new ReadableStream({ pull: (c) => c.enqueue(chunk) }), { headers: { "content-type": "application/json" } });
      const { server, profile } = await fakeHttps(emu, endless);
      try {
        const r = await emu.kvmi(["secret", "get", "--vault", "kv-fake", "--name", "s"], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /is larger than 33554432 bytes/);
      } finally {
        await server.shutdown();
      }
    });
    await t.step("a compressed body small on the wire but over the limit unpacked (its Content-Length is the compressed size)", async () => {
      const zeros = new Uint8Array(40 * 1024 * 1024);
      const bomb = await new Response(new Blob([zeros]).stream().pipeThrough(new CompressionStream("gzip"))).bytes();
      const { server, profile } = await fakeHttps(
        emu,
        () => new Response(bomb, { headers: { "content-encoding": "gzip", "content-length": String(bomb.length), "content-type": "application/json" } }),
      );
      try {
        const r = await emu.kvmi(["secret", "get", "--vault", "kv-fake", "--name", "s"], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.ok(bomb.length < 100_000);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /is larger than 33554432 bytes/);
      } finally {
        await server.shutdown();
      }
    });
    await t.step("a Content-Length next to a Transfer-Encoding does not bound the body: it is still counted", async () => {
      // A raw server: the HTTP stack reads a chunked body (or one to the connection's end) whatever Content-Length says.
      const dir = testCaDir();
      const tls = await issueServerCertificate(await loadOrCreateCa(dir));
      const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: tls.certChainPem, key: tls.keyPem });
      const chunk = "x".repeat(1024 * 1024);
      const serving = (async () => {
        for await (const conn of listener) {
          (async () => {
            try {
              await conn.read(new Uint8Array(65536));
              const out = new TextEncoder();
              const writeAll = async (bytes: Uint8Array) => {
                for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
              };
              await writeAll(out.encode("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n"));
              const frame = out.encode(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
              for (let i = 0; i < 48; i++) await writeAll(frame);
              await writeAll(out.encode("0\r\n\r\n"));
            } catch {
              // kvmi hung up once it had read enough.
            } finally {
              try {
                conn.close();
              } catch { /* already closed */ }
            }
          })();
        }
      })();
      const profile = await Deno.makeTempFile({ suffix: ".json" });
      const addr = listener.addr as Deno.NetAddr;
      await Deno.writeTextFile(
        profile,
        JSON.stringify({ ...emu.manifest, caCertFile: `${dir}/ca.pem`, vaults: { ...emu.manifest.vaults, "kv-raw": `https://127.0.0.1:${addr.port}` } }),
      );
      try {
        const r = await emu.kvmi(["secret", "get", "--vault", "kv-raw", "--name", "s"], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /is larger than 33554432 bytes/);
      } finally {
        listener.close();
        await serving.catch(() => {});
      }
    });
    await t.step("request headers: names are case-insensitive, the last one wins, and none is joined with kvmi's own", async () => {
      let seen: [string, string][] = [];
      const { server, profile } = await fakeHttps(emu, (request) => {
        seen = [...request.headers];
        return Response.json({ ok: true });
      });
      try {
        const url = `https://127.0.0.1:${server.addr.port}/x`;
        const r = await emu.kvmi(["rest", "--url", url, "--header", "accept=text/plain", "--header", "X-Trace= a b ", "--header", "x-trace=c "], {
          env: { KVMI_CLOUD_PROFILE: profile },
        });
        assert.equal(r.code, 0, r.stderr);
        const values = (name: string) => seen.filter(([k]) => k === name).map(([, v]) => v);
        assert.deepEqual(values("accept"), ["text/plain"]);
        assert.deepEqual(values("x-trace"), ["c"]);
        assert.equal(values("authorization").length, 1);
        const bad = await emu.kvmi(["rest", "--url", url, "--header", "x-bad=caf\u0101"], { env: { KVMI_CLOUD_PROFILE: profile } });
        assert.equal(bad.code, 2, bad.stderr);
        assert.match(bad.stderr, /Invalid HTTP header "x-bad"/);
      } finally {
        await server.shutdown();
      }
    });
  } finally {
    await emu.stop();
  }
});
