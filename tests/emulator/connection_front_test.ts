/**
 * The connection front in-process, with a short head timeout: the handler sees the real client's
 * address (not the front's own connection to the internal server), a half head is cut off at the
 * configured time, a pipelined keep-alive stream is answered in order, and shutdown closes what
 * is still open.
 * @module
 */
import assert from "node:assert/strict";
import { serveFront } from "../../src/emulator/http_front/connection_front.ts";
import { frontLimits } from "../../src/emulator/http_front/limits.ts";
import { openRaw, readResponse, readUntilClosed, send } from "../fixtures/raw_http.ts";

function start(headTimeoutMs: number) {
  return serveFront({ hostname: "127.0.0.1", port: 0, limits: frontLimits("keyvault", headTimeoutMs) }, async (request, info) => {
    const body = await request.text();
    return Response.json({ client: `${info.remoteAddr.hostname}:${info.remoteAddr.port}`, path: new URL(request.url).pathname, body });
  });
}

Deno.test("connection front: the handler sees the real client, pipelined requests are answered in order", async () => {
  const front = start(300);
  try {
    const raw = await openRaw(`http://127.0.0.1:${front.addr.port}/`, "");
    const local = raw.conn.localAddr as Deno.NetAddr;
    await send(raw, "POST /one HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
    const one = await readResponse(raw);
    const two = await readResponse(raw);
    assert.deepEqual(JSON.parse(one.body), { client: `127.0.0.1:${local.port}`, path: "/one", body: "abc" });
    assert.deepEqual(JSON.parse(two.body), { client: `127.0.0.1:${local.port}`, path: "/two", body: "" });
    raw.conn.close();
  } finally {
    await front.shutdown();
  }
});

Deno.test("connection front: the head timeout is configurable and a half head is cut off at it; shutdown closes the rest", async () => {
  const front = start(300);
  const half = await openRaw(`http://127.0.0.1:${front.addr.port}/`, "");
  await send(half, "GET / HTTP/1.1\r\nHost: x\r\n");
  const out = await readUntilClosed(half, 5000);
  assert.ok(out.closed && out.afterMs >= 250 && out.afterMs < 2000, `closed after ${out.afterMs} ms`);

  const idle = await openRaw(`http://127.0.0.1:${front.addr.port}/`, "");
  await send(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal((await readResponse(idle)).status, 200);
  const closing = readUntilClosed(idle, 5000);
  await new Promise((r) => setTimeout(r, 600));
  await front.shutdown();
  const after = await closing;
  assert.ok(after.closed, "an idle keep-alive connection outlives the head timeout and is closed by shutdown");
  assert.ok(after.afterMs >= 600, `closed after ${after.afterMs} ms`);
});
