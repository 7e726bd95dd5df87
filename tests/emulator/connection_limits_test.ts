/**
 * The emulator's front ends at the connection level, as a client sees Azure's: a request head
 * sent half-way (slow loris) is cut off within the head timeout on every server while other
 * clients are served; an idle keep-alive connection is not; an oversized head gets HTTP.sys's
 * 400 page and a closed connection; a body over the cap gets the service's 413 before the upload
 * ends; TLS settles on h2 as Azure's front ends do; and curl's PUT without a token always shows
 * Key Vault's 401 body.
 * @module
 */
import assert from "node:assert/strict";
import { adminToken, type EmulatorHandle, startEmulator } from "../fixtures/emulator.ts";
import { openRaw, type RawConnection, readResponse, readUntilClosed, send } from "../fixtures/raw_http.ts";
import { DEFAULT_HEAD_TIMEOUT_MS } from "../../src/emulator/http_front/limits.ts";

/** Each server with a request any client may make and the status it gets. */
function servers(emu: EmulatorHandle): { name: string; base: string; path: string; headers?: Record<string, string>; status: number }[] {
  const m = emu.manifest;
  return [
    { name: "imds", base: m.imdsEndpoint, path: "/metadata/versions", headers: { Metadata: "true" }, status: 200 },
    { name: "entra", base: m.authorityHost, path: `/${m.tenantId}/v2.0/.well-known/openid-configuration`, status: 200 },
    { name: "keyvault", base: m.vaults["kv-demo"], path: "/secrets?api-version=7.4", status: 401 },
    { name: "arm", base: m.armEndpoint, path: "/subscriptions?api-version=2022-12-01", status: 401 },
    { name: "attestation", base: m.attestationEndpoint, path: "/.well-known/openid-configuration", status: 200 },
  ];
}

function head(method: string, url: string, headers: Record<string, string> = {}): string {
  const u = new URL(url);
  const lines = Object.entries({ Host: u.host, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `${method} ${u.pathname}${u.search} HTTP/1.1\r\n${lines}\r\n`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CUT_OFF_AFTER = [DEFAULT_HEAD_TIMEOUT_MS - 1000, DEFAULT_HEAD_TIMEOUT_MS + 4000];

Deno.test("connection limits", async (t) => {
  const emu = await startEmulator();
  const ca = await Deno.readTextFile(emu.manifest.caCertFile);
  try {
    await t.step("a half-sent head, a silent TLS client and a half HTTP/2 frame are cut off on every server; others are served meanwhile", async () => {
      const slow: { name: string; raw: RawConnection }[] = [];
      for (const s of servers(emu)) {
        const raw = await openRaw(s.base, ca);
        await send(raw, head("GET", `${s.base}${s.path}`, s.headers).replace(/\r\n\r\n$/, "\r\nX-Slow: "));
        slow.push({ name: `${s.name} half head`, raw });
      }
      const vault = emu.manifest.vaults["kv-demo"];
      slow.push({ name: "keyvault silent after the handshake", raw: await openRaw(vault, ca) });
      const h2 = await openRaw(vault, ca, ["h2"]);
      assert.equal(h2.alpn, "h2");
      const settings = [0, 0, 0, 4, 0, 0, 0, 0, 0];
      const halfHeaders = [0, 0, 100, 1, 4, 0, 0, 0, 1, 0x82, 0x86]; // HEADERS of 100 bytes, 2 sent
      await send(h2, new Uint8Array([...new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), ...settings, ...halfHeaders]));
      slow.push({ name: "keyvault HTTP/2 half frame", raw: h2 });
      const outcomes = slow.map((c) => readUntilClosed(c.raw, 20_000));

      await sleep(1000);
      for (const s of servers(emu)) {
        const res = await fetch(`${s.base}${s.path}`, { client: emu.http, headers: s.headers });
        await res.body?.cancel();
        assert.equal(res.status, s.status, `${s.name} serves others while a slow client holds a connection`);
      }
      const results = await Promise.all(outcomes);
      slow.forEach((c, i) => {
        assert.ok(results[i].closed, `${c.name}: still open after ${results[i].afterMs} ms`);
        assert.ok(
          results[i].afterMs >= CUT_OFF_AFTER[0] && results[i].afterMs <= CUT_OFF_AFTER[1],
          `${c.name}: closed after ${results[i].afterMs} ms, expected about ${DEFAULT_HEAD_TIMEOUT_MS}`,
        );
        assert.equal(c.name.includes("HTTP/2") ? "" : results[i].text, "", `${c.name}: no answer to an unfinished head`);
      });
    });

    await t.step("a keep-alive connection may sit idle longer than the head timeout between requests", async () => {
      await Promise.all(
        servers(emu).filter((s) => s.name === "imds" || s.name === "keyvault").map(async (s) => {
          const raw = await openRaw(s.base, ca);
          try {
            await send(raw, head("GET", `${s.base}${s.path}`, s.headers));
            assert.equal((await readResponse(raw)).status, s.status);
            await sleep(DEFAULT_HEAD_TIMEOUT_MS + 1500);
            await send(raw, head("GET", `${s.base}${s.path}`, s.headers));
            assert.equal((await readResponse(raw)).status, s.status, `${s.name}: the same connection answers again`);
          } finally {
            raw.conn.close();
          }
        }),
      );
    });

    await t.step("an oversized request head gets HTTP.sys's 400 page and the connection is closed", async () => {
      const manyHeaders = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`X-Filler-${i}`, "a".repeat(1000)]));
      for (const s of servers(emu)) {
        for (
          const [headers, title, text] of [
            [manyHeaders, "Bad Request - Request Too Long", "HTTP Error 400. The size of the request headers is too long."],
            [{ Cookie: "c=" + "b".repeat(17_000) }, "Bad Request - Header Field Too Long", "HTTP Error 400. A request header field is too long."],
          ] as const
        ) {
          const raw = await openRaw(s.base, ca);
          await send(raw, head("GET", `${s.base}${s.path}`, { ...s.headers, ...headers }));
          const out = await readUntilClosed(raw, 10_000);
          assert.ok(out.closed, `${s.name}: the connection is closed after the refusal`);
          assert.match(out.text, /^HTTP\/1\.1 400 Bad Request\r\n/, s.name);
          assert.match(out.text, /\r\nServer: Microsoft-HTTPAPI\/2\.0\r\n/);
          assert.match(out.text, /\r\nConnection: close\r\n/);
          assert.ok(out.text.includes(`<h2>${title}</h2>`) && out.text.includes(`<p>${text}</p>`), `${s.name}: ${out.text}`);
        }
        const raw = await openRaw(s.base, ca);
        await send(raw, head("GET", `${s.base}${s.path}`, { ...s.headers, Cookie: "c=" + "b".repeat(12_000) }));
        assert.equal((await readResponse(raw)).status, s.status, `${s.name}: a 12 KB header is within the limit`);
        raw.conn.close();
      }
      const h2 = await fetch(`${emu.manifest.vaults["kv-demo"]}/secrets?api-version=7.4`, { client: emu.http, headers: { Cookie: "c=" + "b".repeat(20_000) } });
      await h2.body?.cancel();
      assert.equal(h2.status, 431, "over HTTP/2 the HPACK header-list limit answers 431");
    });

    await t.step("a body over the cap gets the service's 413 before the upload ends", async () => {
      const arm = await adminToken(emu, "https://management.azure.com/");
      const assignment =
        `${emu.manifest.armEndpoint}/subscriptions/${emu.manifest.subscriptionId}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`;
      const armRefusal = { error: { code: "RequestContentTooLarge", message: "The request content size exceeds the maximum size of 4 MB." } };

      const declared = await openRaw(assignment, ca);
      await send(declared, head("PUT", assignment, { Authorization: `Bearer ${arm}`, "Content-Type": "application/json", "Content-Length": "5000000" }));
      const declaredOut = await readUntilClosed(declared, 10_000);
      assert.match(declaredOut.text, /^HTTP\/1\.1 413 /, declaredOut.text);
      assert.deepEqual(JSON.parse(declaredOut.text.slice(declaredOut.text.indexOf("\r\n\r\n") + 4)), armRefusal);
      assert.ok(declaredOut.closed, "refused without waiting for the 5 MB announced");

      const chunked = await openRaw(assignment, ca);
      await send(chunked, head("PUT", assignment, { Authorization: `Bearer ${arm}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" }));
      const answer = readUntilClosed(chunked, 60_000);
      let answered = false;
      void answer.then(() => answered = true);
      const chunk = new TextEncoder().encode(`10000\r\n${" ".repeat(0x10000)}\r\n`);
      const limit = 40 * 1024 * 1024;
      let sent = 0;
      try {
        while (!answered && sent < limit) {
          await send(chunked, chunk);
          sent += 0x10000;
        }
      } catch {
        // The front closed the connection after its answer and the lingering time.
      }
      const chunkedOut = await answer;
      assert.ok(sent < limit, `answered only after the whole ${limit}-byte upload`);
      assert.match(chunkedOut.text, /^HTTP\/1\.1 413 /, chunkedOut.text.slice(0, 200));
      assert.deepEqual(JSON.parse(chunkedOut.text.slice(chunkedOut.text.indexOf("\r\n\r\n") + 4)), armRefusal);

      // Over HTTP/2 (fetch negotiates h2): a declared length and a streamed body without one.
      const big = new Uint8Array(5 * 1024 * 1024).fill(32);
      const streamed = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < big.length; at += 0x10000) controller.enqueue(big.subarray(at, at + 0x10000));
          controller.close();
        },
      });
      for (const body of [big, streamed]) {
        const res = await fetch(assignment, {
          method: "PUT",
          client: emu.http,
          headers: { Authorization: `Bearer ${arm}`, "Content-Type": "application/json" },
          body,
        });
        assert.equal(res.status, 413, body === big ? "declared length" : "streamed");
        assert.deepEqual(await res.json(), armRefusal);
      }

      const vault = emu.manifest.vaults["kv-demo"];
      const kv = await adminToken(emu, "https://vault.azure.net");
      const secret = `${vault}/secrets/too-big?api-version=7.4`;
      const kvRaw = await openRaw(secret, ca);
      await send(kvRaw, head("PUT", secret, { Authorization: `Bearer ${kv}`, "Content-Type": "application/json", "Content-Length": "40000000" }));
      const kvOut = await readUntilClosed(kvRaw, 10_000);
      assert.match(kvOut.text, /^HTTP\/1\.1 413 /, kvOut.text);
      assert.match(kvOut.text, /\r\ncontent-length: 0\r\n/i);
    });

    await t.step("TLS front ends settle on h2 as Azure's do, and on http/1.1 when that is all a client offers", async () => {
      for (const s of servers(emu).filter((s) => s.base.startsWith("https:"))) {
        const both = await openRaw(s.base, ca, ["h2", "http/1.1"]);
        both.conn.close();
        assert.equal(both.alpn, "h2", s.name);
        const h1 = await openRaw(s.base, ca, ["http/1.1"]);
        h1.conn.close();
        assert.equal(h1.alpn, "http/1.1", s.name);
      }
    });

    await t.step("curl's early-refused uploads show the error body every time, over HTTP/2 and HTTP/1.1", async () => {
      const m = emu.manifest;
      const cases = [
        {
          name: "Key Vault PUT without a token",
          method: "PUT",
          url: `${m.vaults["kv-demo"]}/secrets/curl-put?api-version=7.4`,
          type: "application/json",
          body: JSON.stringify({ value: "x".repeat(20_000) }),
          expect: "AKV10000: Request is missing a Bearer or PoP token.",
          runs: 20,
        },
        {
          name: "ARM PUT without a token",
          method: "PUT",
          url: `${m.armEndpoint}/subscriptions/${m.subscriptionId}/resourceGroups/rg-x?api-version=2021-04-01`,
          type: "application/json",
          body: JSON.stringify({ location: "japaneast", tags: { filler: "y".repeat(20_000) } }),
          expect: "AuthenticationFailed",
          runs: 5,
        },
        {
          name: "Entra token request with a wrong secret",
          method: "POST",
          url: `${m.authorityHost}/${m.tenantId}/oauth2/v2.0/token`,
          type: "application/x-www-form-urlencoded",
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: m.admin.clientId,
            client_secret: "wrong" + "z".repeat(20_000),
            scope: "https://vault.azure.net/.default",
          })
            .toString(),
          expect: "AADSTS7000215",
          runs: 5,
        },
      ];
      const curl = await Deno.stat("/usr/bin/curl").then(() => true, () => false);
      for (const c of cases) {
        for (const [version, runs] of [["--http2", c.runs], ["--http1.1", 3]] as const) {
          for (let i = 0; i < runs; i++) {
            let text: string;
            if (curl) {
              const args = ["-sS", version, "--cacert", m.caCertFile, "-X", c.method, "-H", `Content-Type: ${c.type}`, "--data-binary", "@-", c.url];
              const child = new Deno.Command("/usr/bin/curl", { args, stdin: "piped", stdout: "piped", stderr: "piped" }).spawn();
              const writer = child.stdin.getWriter();
              await writer.write(new TextEncoder().encode(c.body));
              await writer.close();
              const out = await child.output();
              text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
            } else {
              const res = await fetch(c.url, { method: c.method, client: emu.http, headers: { "Content-Type": c.type }, body: c.body });
              text = await res.text();
            }
            assert.ok(text.includes(c.expect), `${c.name}, ${version} run ${i + 1}: ${text}`);
          }
        }
      }
    });
  } finally {
    await emu.stop();
  }
});
