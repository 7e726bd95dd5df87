/**
 * The connection front's framers on their own: where HTTP/1.1 heads and bodies begin and end
 * whatever the chunking, what is refused and why, and when an HTTP/2 client is mid-frame.
 * @module
 */
import assert from "node:assert/strict";
import { Http1Framer } from "../../src/emulator/http_front/http1_framer.ts";
import { Http2Framer } from "../../src/emulator/http_front/http2_framer.ts";
import { headRefusalPage, refusalBytes } from "../../src/emulator/http_front/refusals.ts";

const LIMITS = { maxHeaderBytes: 16_384, maxFieldBytes: 16_384, maxBodyBytes: 1000 };
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (parts: Uint8Array[]) => parts.map((p) => new TextDecoder().decode(p)).join("");

/** Feeds `input` in pieces of `size` bytes; returns everything forwarded and the last result. */
function feedInPieces(framer: Http1Framer, input: string, size: number) {
  const all = bytes(input);
  const forwarded: Uint8Array[] = [];
  let heads = 0;
  let last = framer.feed(new Uint8Array(0));
  for (let at = 0; at < all.length; at += size) {
    last = framer.feed(all.subarray(at, at + size));
    forwarded.push(...last.forward);
    heads += last.headsCompleted;
    if (last.refusal) break;
  }
  return { forwarded: text(forwarded), heads, last };
}

Deno.test("HTTP/1.1 framer: pipelined requests with fixed and chunked bodies pass through unchanged at any chunking", () => {
  const input = "\r\nPOST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
    "PUT /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n" +
    "GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
  for (const size of [1, 2, 3, 7, 64, input.length]) {
    const { forwarded, heads, last } = feedInPieces(new Http1Framer(LIMITS), input, size);
    assert.equal(forwarded, input.slice(2), `piece size ${size}: the leading empty line is dropped, the rest forwarded as is`);
    assert.equal(heads, 3, `piece size ${size}`);
    assert.equal(last.phase, "idle");
    assert.equal(last.refusal, undefined);
  }
});

Deno.test("HTTP/1.1 framer: a head is held back until complete and its phase tells a half-sent head apart", () => {
  const framer = new Http1Framer(LIMITS);
  const first = framer.feed(bytes("GET / HTTP/1.1\r\nHost: x\r\n"));
  assert.deepEqual(first.forward, []);
  assert.equal(first.phase, "head");
  const rest = framer.feed(bytes("\r\n"));
  assert.equal(text(rest.forward), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal(rest.phase, "idle");
  assert.equal(new Http1Framer(LIMITS).feed(bytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc")).phase, "body");
});

Deno.test("HTTP/1.1 framer: refusals name HTTP.sys's reasons, and a body refused mid-way says so", () => {
  const refusal = (input: string) => feedInPieces(new Http1Framer(LIMITS), input, 100).last;
  const filler = Array.from({ length: 20 }, (_, i) => `X-F${i}: ${"a".repeat(1000)}\r\n`).join("");
  assert.equal(refusal(`GET / HTTP/1.1\r\n${filler}\r\n`).refusal, "request-too-long");
  assert.equal(refusal(`GET / HTTP/1.1\r\nCookie: ${"a".repeat(17_000)}\r\n\r\n`).refusal, "field-too-long");
  assert.equal(refusal(`GET / HTTP/1.1\r\nCookie: ${"a".repeat(12_000)}\r\n\r\n`).refusal, undefined);
  assert.equal(refusal("NOT HTTP\r\n\r\n").refusal, "bad-request");
  assert.equal(refusal("GET / HTTP/1.1\r\nBad Header: x\r\n\r\n").refusal, "bad-request");
  assert.equal(refusal("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").refusal, "bad-request");
  assert.equal(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").refusal, "bad-request");
  const declared = refusal("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n");
  assert.equal(declared.refusal, "body-too-large");
  assert.equal(declared.midRequest, undefined, "refused before its head was forwarded");
  assert.deepEqual(declared.forward, []);
  const chunked = refusal(`POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${"1f4\r\n" + "a".repeat(500) + "\r\n"}1f5\r\n`);
  assert.equal(chunked.refusal, "body-too-large");
  assert.equal(chunked.midRequest, true);
  assert.equal(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n").refusal, "bad-request");
  // Chunk framing is exactly CR LF: extra bytes after a chunk's data, or a bare LF, are refused (not passed on).
  assert.equal(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n").refusal, "bad-request");
  assert.equal(refusal("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n").refusal, "bad-request");
});

Deno.test("refusal pages: HTTP.sys's page and the 413s are complete HTTP/1.1 responses that close", () => {
  const page = new TextDecoder().decode(refusalBytes("request-too-long", "generic", new Date(0)));
  const [head, body] = page.split("\r\n\r\n");
  assert.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(head, /\r\nConnection: close(\r\n|$)/);
  assert.equal(Number(head.match(/Content-Length: (\d+)/)![1]), body.length);
  assert.equal(body, headRefusalPage("request-too-long"));
  const arm = new TextDecoder().decode(refusalBytes("body-too-large", "arm"));
  assert.match(arm, /^HTTP\/1\.1 413 Request Entity Too Large\r\n/);
  assert.deepEqual(JSON.parse(arm.split("\r\n\r\n")[1]).error.code, "RequestContentTooLarge");
  assert.match(new TextDecoder().decode(refusalBytes("body-too-large", "generic")), /Content-Length: 0\r\n\r\n$/);
});

Deno.test("HTTP/2 framer: mid-way through the preface, a frame or a header block is 'head'; whole frames are 'idle'", () => {
  const preface = bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  const settings = new Uint8Array([0, 0, 0, 4, 0, 0, 0, 0, 0]);
  const headers = (flags: number, payload: number[]) => new Uint8Array([0, 0, payload.length, 1, flags, 0, 0, 0, 1, ...payload]);
  const continuation = (flags: number, payload: number[]) => new Uint8Array([0, 0, payload.length, 9, flags, 0, 0, 0, 1, ...payload]);
  const framer = new Http2Framer();
  assert.equal(framer.feed(preface.subarray(0, 10)).phase, "head");
  assert.deepEqual(framer.feed(new Uint8Array([...preface.subarray(10), ...settings])), { phase: "idle", headsCompleted: 0 });
  const open = headers(0, [0x82, 0x86]);
  assert.equal(framer.feed(open.subarray(0, 5)).phase, "head", "half a frame header");
  assert.deepEqual(framer.feed(open.subarray(5)), { phase: "head", headsCompleted: 0 }, "HEADERS without END_HEADERS");
  assert.deepEqual(framer.feed(continuation(4, [0x84])), { phase: "idle", headsCompleted: 1 });
  assert.deepEqual(framer.feed(headers(5, [0x82])), { phase: "idle", headsCompleted: 1 });
  assert.equal(new Http2Framer().feed(bytes("GET / HTTP/1.1\r\n")).invalid, true);
});
