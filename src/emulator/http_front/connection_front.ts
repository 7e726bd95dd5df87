/**
 * The emulator's connection front: what stands between a client and each emulated service, as
 * Azure's front ends (HTTP.sys, Front Door) do. `Deno.serve` has no header-read timeout, no
 * header-size option with a chosen answer and no ALPN option, so the front accepts TCP or TLS
 * itself (`Deno.listenTls` with the service's `alpnProtocols`), follows the client's bytes with a
 * framer (HTTP/1.1 heads and bodies, or HTTP/2 frames) and passes them on to an internal
 * `Deno.serve` on a loopback port (TLS already ended, HTTP/2 as prior-knowledge h2c), piping the
 * answers back unchanged. It:
 *
 * - closes a connection whose first request head is not complete within `headTimeoutMs` of
 *   the accept (TLS handshake included), or any later head within that time of its first byte,
 *   or that sends nothing for `idleTimeoutMs` (a slow-loris client ties up nothing for long);
 * - refuses an HTTP/1.1 head over `maxHeaderBytes` (or one line over `maxFieldBytes`) with
 *   HTTP.sys's 400 page and closes, never buffering more than the limit;
 * - refuses a body over `maxBodyBytes` with the service's 413: over HTTP/1.1 the framer does it
 *   (a declared length before the head is passed on, a chunked body at the chunk that passes the
 *   cap) and the connection is closed; over HTTP/2 body_cap.ts does it per stream;
 * - closes gracefully: when the service closes its side, the client's remaining upload is read
 *   and discarded for a moment (a lingering close) so the answer is not lost to a TCP reset.
 *
 * Measured before choosing this (Deno 2.9.5): `node:http` honours `maxHeaderSize` (431) but not
 * `headersTimeout` (a half head stayed open 6 s with a 2 s timeout); `Deno.serve` keeps a half
 * head open indefinitely, accepts a 17 KB head and answers a 70 KB one with an empty 400; the
 * deprecated `Deno.serveHttp(conn)` would let a timer watch for each request, but sees no bytes,
 * so it cannot tell a half-sent head from an idle keep-alive connection, nor answer a head it
 * refuses. The internal server is reached over loopback TCP, not a Unix socket, because its
 * view of each piped connection (the local port) is how the handler gets the real client's
 * address back (a Unix socket measured no faster). The cost, measured with `deno task
 * bench:emulator` before and after: nothing measurable for the TLS services, about 40% of the
 * cheapest plain-HTTP answers (IMDS's 429), which still come at thousands per second (README,
 * Benchmarks).
 * @module
 */
import { type FramerPhase, Http1Framer } from "./http1_framer.ts";
import { Http2Framer } from "./http2_framer.ts";
import type { FrontLimits } from "./limits.ts";
import { withBodyCap } from "./body_cap.ts";
import { type Refusal, refusalBytes } from "./refusals.ts";
import { DeadlineClock, type Deadlines } from "./deadlines.ts";

/** A handler as `Deno.serve` calls it, seeing the real client in `info.remoteAddr`. */
export type FrontHandler = (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>;

/** Where and how a front listens. */
export interface FrontOptions {
  hostname: string;
  port: number;
  /** PEM certificate chain and key; plain HTTP without. */
  tls?: { cert: string; key: string };
  limits: FrontLimits;
}

/** A listening front. */
export interface FrontServer {
  /** The address clients connect to. */
  addr: Deno.NetAddr;
  /** Stops accepting, closes every connection and the internal server. */
  shutdown(): Promise<void>;
}

/** How long a closing connection keeps reading (and discarding) what the client still sends. */
const LINGER_MS = 2_000;
const READ_BUFFER = 64 * 1024;

/** Starts a front for `handler` on `options.hostname:options.port`. */
export function serveFront(options: FrontOptions, handler: FrontHandler): FrontServer {
  const { limits } = options;
  const clients = new Map<number, Deno.NetAddr>();
  const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request, info) => {
    const client = clients.get(info.remoteAddr.port) ?? info.remoteAddr;
    try {
      return await withBodyCap(request, limits, (r) => handler(r, { ...info, remoteAddr: client }));
    } catch (error) {
      // A request whose connection the front has closed (refused inside its body, or the client
      // left): its body read failed, and there is no one to answer.
      if (!clients.has(info.remoteAddr.port)) return new Response(null, { status: 499 });
      throw error;
    }
  });
  const listener: Deno.Listener = options.tls
    ? Deno.listenTls({ hostname: options.hostname, port: options.port, cert: options.tls.cert, key: options.tls.key, alpnProtocols: limits.alpnProtocols })
    : Deno.listen({ hostname: options.hostname, port: options.port });
  const open = new Set<PipedConnection>();
  const connection = { limits, innerPort: inner.addr.port, clients, open, tls: options.tls !== undefined, clock: new DeadlineClock(limits) };
  let stopping = false;
  const accepting = (async () => {
    while (!stopping) {
      try {
        void new PipedConnection(await listener.accept(), connection).run();
      } catch {
        // Closed by shutdown, or a failed accept (out of descriptors): keep serving the others.
        if (!stopping) await new Promise((r) => setTimeout(r, 10));
      }
    }
  })();
  return {
    addr: listener.addr as Deno.NetAddr,
    async shutdown() {
      stopping = true;
      listener.close();
      await accepting;
      for (const connection of open) connection.close();
      await inner.shutdown();
    },
  };
}

interface ConnectionContext {
  limits: FrontLimits;
  innerPort: number;
  clients: Map<number, Deno.NetAddr>;
  open: Set<PipedConnection>;
  tls: boolean;
  clock: DeadlineClock;
}

/** A framer of either protocol, seen through what the front needs from it. */
interface Framer {
  feed(chunk: Uint8Array): { forward: Uint8Array[]; phase: FramerPhase; headsCompleted: number; refusal?: Refusal; midRequest?: true; close?: true };
}

function framerFor(protocol: string | null, limits: FrontLimits): Framer {
  if (protocol !== "h2") return new Http1Framer(limits);
  const h2 = new Http2Framer();
  return {
    feed(chunk) {
      const result = h2.feed(chunk);
      return { forward: result.invalid ? [] : [chunk], phase: result.phase, headsCompleted: result.headsCompleted, close: result.invalid };
    },
  };
}

/** One client connection piped to the internal server. */
class PipedConnection {
  readonly #conn: Deno.Conn;
  readonly #ctx: ConnectionContext;
  readonly #deadlines: Deadlines;
  #upstream: Deno.TcpConn | undefined;
  #closed = false;
  /** Set once the answer is out: the client's further bytes are read and discarded. */
  #lingering = false;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(conn: Deno.Conn, ctx: ConnectionContext) {
    this.#conn = conn;
    this.#ctx = ctx;
    this.#deadlines = ctx.clock.watch(() => this.close());
    ctx.open.add(this);
  }

  /** Runs the connection to its end; never throws. */
  async run(): Promise<void> {
    try {
      const connecting = this.#connectUpstream(); // meanwhile, the TLS handshake
      connecting.catch(() => {});
      const protocol = this.#ctx.tls ? (await (this.#conn as Deno.TlsConn).handshake()).alpnProtocol : null;
      const upstream = await connecting;
      if (this.#closed) return;
      let refusing = false;
      const down = pipe(upstream, this.#conn).then(() => {
        if (!refusing) this.#linger();
      });
      const refused = await this.#pumpClient(upstream, framerFor(protocol, this.#ctx.limits));
      if (refused) refusing = true;
      // Earlier requests are answered first; a request refused inside its body is abandoned.
      if (refused?.midRequest) this.#closeUpstream();
      else await upstream.closeWrite().catch(() => {});
      await down;
      if (refused) {
        await writeAll(this.#conn, refusalBytes(refused.refusal, this.#ctx.limits.bodyRefusal));
        this.#linger();
        await this.#discardUntilEnd();
      }
    } catch {
      // A reset, a failed handshake, or a deadline: nothing more to answer.
    } finally {
      this.close();
    }
  }

  /** Opens this connection's own connection to the internal server, noting whose it is. */
  async #connectUpstream(): Promise<Deno.TcpConn> {
    const upstream = await Deno.connect({ hostname: "127.0.0.1", port: this.#ctx.innerPort });
    this.#upstream = upstream;
    this.#ctx.clients.set(upstream.localAddr.port, this.#conn.remoteAddr as Deno.NetAddr);
    if (this.#closed) this.#closeUpstream();
    return upstream;
  }

  /** Reads the client and forwards what the framer passes; returns a refusal, or undefined at the client's end. */
  async #pumpClient(upstream: Deno.TcpConn, framer: Framer): Promise<{ refusal: Refusal; midRequest?: true } | undefined> {
    let firstHead = false;
    const buffer = new Uint8Array(READ_BUFFER);
    while (true) {
      const n = await this.#conn.read(buffer);
      if (n === null) return undefined;
      if (this.#lingering) continue;
      const result = framer.feed(buffer.subarray(0, n));
      if (result.headsCompleted > 0) firstHead = true;
      this.#deadlines.update(!firstHead || result.phase === "head");
      for (const bytes of result.forward) await writeAll(upstream, bytes);
      if (result.close) throw new Error("not HTTP/2");
      if (result.refusal) return { refusal: result.refusal, midRequest: result.midRequest };
    }
  }

  async #discardUntilEnd(): Promise<void> {
    const buffer = new Uint8Array(READ_BUFFER);
    while ((await this.#conn.read(buffer)) !== null) { /* discard */ }
  }

  /** After the answer: stop sending, keep reading for a moment so unread upload does not reset it. */
  #linger(): void {
    if (this.#lingering) return;
    this.#lingering = true;
    this.#ctx.clock.forget(this.#deadlines);
    this.#conn.closeWrite().catch(() => {});
    this.#lingerTimer = setTimeout(() => this.close(), LINGER_MS);
  }

  /** Closes both sides (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.clock.forget(this.#deadlines);
    clearTimeout(this.#lingerTimer);
    closeQuietly(this.#conn);
    this.#closeUpstream();
    this.#ctx.open.delete(this);
  }

  #closeUpstream(): void {
    if (!this.#upstream) return;
    this.#ctx.clients.delete(this.#upstream.localAddr.port);
    closeQuietly(this.#upstream);
  }
}

/** Copies `from` to `to` until `from` ends; never throws. */
async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(READ_BUFFER);
  try {
    while (true) {
      const n = await from.read(buffer);
      if (n === null) return;
      await writeAll(to, buffer.subarray(0, n));
    }
  } catch {
    // Either side went away.
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
