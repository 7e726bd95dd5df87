/**
 * Follows the client's side of an HTTP/1.1 connection byte by byte, as a front end must to know
 * where each request head starts and ends: heads are held back until complete (and refused with
 * HTTP.sys's reasons when too large or malformed), bodies framed by `Content-Length` or chunked
 * encoding pass straight through. Pure: no I/O, no timers; the connection front drives it.
 * @module
 */
import type { HeadRefusal, Refusal } from "./refusals.ts";

/** Where the client stands: between requests, inside a head, or inside a body. */
export type FramerPhase = "idle" | "head" | "body";

/** What one chunk of client bytes amounts to. */
export interface FeedResult {
  /** Bytes to pass on to the server, in order (complete heads and body bytes). */
  forward: Uint8Array[];
  /** Set when a request is refused: nothing after it is forwarded, ever. */
  refusal?: Refusal;
  /** Set when the refused request's head had already been forwarded (refused inside its body). */
  midRequest?: true;
  /** The phase after this chunk. */
  phase: FramerPhase;
  /** Request heads completed in this chunk. */
  headsCompleted: number;
}

/** The sizes the framer enforces. */
export interface FramerLimits {
  maxHeaderBytes: number;
  maxFieldBytes: number;
  maxBodyBytes: number;
}

type Body =
  | { kind: "fixed"; remaining: number }
  | { kind: "chunk-size"; line: number[]; total: number }
  | { kind: "chunk-data"; remaining: number; total: number }
  | { kind: "chunk-end"; total: number; cr: boolean }
  | { kind: "trailers"; lineBytes: number; total: number };

const CR = 13;
const LF = 10;
const MAX_CHUNK_SIZE_LINE = 1024;
const LATIN1 = new TextDecoder("latin1");

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
/** A whole head: request line, header lines `name: value`, the empty line (LF alone tolerated). */
const REQUEST_HEAD = new RegExp(`^${TOKEN} \\S+ HTTP/1\\.[01]\\r?\\n(?:${TOKEN}:[^\\r\\n]*\\r?\\n)*\\r?\\n$`);
const FRAMING_HEADER = /^(content-length|transfer-encoding):([^\r\n]*)/gim;

/** Parses the framing of a complete head (with its empty line): the body that follows, or why the request is refused. */
export function bodyOfHead(head: string, maxBodyBytes: number): { body: Body | undefined } | { refusal: Refusal } {
  if (!REQUEST_HEAD.test(head)) return { refusal: "bad-request" };
  let contentLength: string | undefined;
  let transferEncoding: string | undefined;
  for (const [, name, raw] of head.matchAll(FRAMING_HEADER)) {
    const value = raw.trim();
    if (name.length === "content-length".length) {
      if (!/^\d{1,15}$/.test(value) || (contentLength !== undefined && contentLength !== value)) return { refusal: "bad-request" };
      contentLength = value;
    } else {
      transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
    }
  }
  if (transferEncoding !== undefined) {
    const codings = transferEncoding.toLowerCase().split(",").map((c) => c.trim());
    return codings.at(-1) === "chunked" ? { body: { kind: "chunk-size", line: [], total: 0 } } : { refusal: "bad-request" };
  }
  const length = Number(contentLength ?? "0");
  if (length > maxBodyBytes) return { refusal: "body-too-large" };
  return { body: length > 0 ? { kind: "fixed", remaining: length } : undefined };
}

/** Follows one connection's request stream; feed it every chunk the client sends. */
export class Http1Framer {
  readonly #limits: FramerLimits;
  #phase: FramerPhase = "idle";
  #head: Uint8Array[] = [];
  #headBytes = 0;
  #lineBytes = 0;
  #overLimit = false;
  #body: Body | undefined;
  #refused = false;

  constructor(limits: FramerLimits) {
    this.#limits = limits;
  }

  /** Consumes one chunk of client bytes. */
  feed(chunk: Uint8Array): FeedResult {
    const result: FeedResult = { forward: [], phase: this.#phase, headsCompleted: 0 };
    if (this.#refused) return { ...result, refusal: "bad-request" };
    let i = 0;
    while (i < chunk.length) {
      if (this.#phase === "idle") {
        if (chunk[i] === CR || chunk[i] === LF) { // RFC 9112 section 2.2: ignore empty lines before a request line
          i++;
          continue;
        }
        this.#phase = "head";
      }
      if (this.#phase === "head") {
        const step = this.#scanHead(chunk, i);
        if (step.refusal) return this.#refuse(result, step.refusal);
        i = step.next;
        if (step.done) {
          const refusal = this.#completeHead(result);
          if (refusal) return this.#refuse(result, refusal);
        }
        continue;
      }
      const step = this.#scanBody(chunk, i);
      if (step.refusal) return { ...this.#refuse(result, step.refusal), midRequest: true };
      if (step.next > i) result.forward.push(chunk.subarray(i, step.next));
      i = step.next;
    }
    result.phase = this.#phase;
    return result;
  }

  #refuse(result: FeedResult, refusal: Refusal): FeedResult {
    this.#refused = true;
    return { ...result, refusal, phase: this.#phase };
  }

  /** Scans head bytes from `start`, a line at a time; keeps them unless the head is already over the limit. */
  #scanHead(chunk: Uint8Array, start: number): { next: number; done: boolean; refusal?: HeadRefusal } {
    const { maxHeaderBytes, maxFieldBytes } = this.#limits;
    let i = start;
    while (i < chunk.length) {
      const lf = chunk.indexOf(LF, i);
      const end = lf < 0 ? chunk.length : lf;
      const lineBytes = this.#lineBytes + (end - i);
      this.#headBytes += end - i;
      if (lineBytes > maxFieldBytes) return { next: end, done: false, refusal: "field-too-long" };
      if (this.#headBytes > maxHeaderBytes && !this.#overLimit) {
        this.#overLimit = true; // read on to the end of this line: one line over the field limit is reported as such
        this.#head = [];
      }
      if (lf < 0) {
        this.#lineBytes = lineBytes;
        break;
      }
      if (this.#overLimit) return { next: lf + 1, done: false, refusal: "request-too-long" };
      const empty = lineBytes === 0 || (lineBytes === 1 && this.#byteBefore(chunk, lf, start) === CR);
      this.#lineBytes = 0;
      i = lf + 1;
      if (empty) {
        this.#keep(chunk.subarray(start, i));
        return { next: i, done: true };
      }
    }
    if (!this.#overLimit) this.#keep(chunk.subarray(start));
    return { next: chunk.length, done: false };
  }

  /** The head byte before position `i` of `chunk`, which may be the last one kept from an earlier chunk. */
  #byteBefore(chunk: Uint8Array, i: number, start: number): number | undefined {
    if (i > start) return chunk[i - 1];
    const last = this.#head.at(-1);
    return last?.[last.length - 1];
  }

  #keep(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#head.push(bytes.slice());
  }

  #completeHead(result: FeedResult): Refusal | undefined {
    const head = concat(this.#head);
    this.#head = [];
    this.#headBytes = 0;
    const parsed = bodyOfHead(LATIN1.decode(head), this.#limits.maxBodyBytes);
    if ("refusal" in parsed) return parsed.refusal;
    result.forward.push(head);
    result.headsCompleted++;
    this.#body = parsed.body;
    this.#phase = parsed.body ? "body" : "idle";
    return undefined;
  }

  /** Scans body bytes from `start`; returns where this body's bytes in the chunk end. */
  #scanBody(chunk: Uint8Array, start: number): { next: number; refusal?: Refusal } {
    let i = start;
    while (i < chunk.length && this.#body) {
      const body = this.#body;
      switch (body.kind) {
        case "fixed":
        case "chunk-data": {
          const take = Math.min(body.remaining, chunk.length - i);
          body.remaining -= take;
          i += take;
          if (body.remaining === 0) this.#body = body.kind === "fixed" ? undefined : { kind: "chunk-end", total: body.total, cr: false };
          break;
        }
        case "chunk-size": {
          const byte = chunk[i++];
          if (byte !== LF) {
            if (body.line.length >= MAX_CHUNK_SIZE_LINE) return { next: i, refusal: "bad-request" };
            body.line.push(byte);
            break;
          }
          // A chunk-size line ends with CR LF, as HTTP.sys requires; a bare LF is bad framing.
          if (body.line[body.line.length - 1] !== CR) return { next: i, refusal: "bad-request" };
          const text = String.fromCharCode(...body.line.slice(0, -1)).split(";")[0].trim();
          if (!/^[0-9a-fA-F]{1,15}$/.test(text)) return { next: i, refusal: "bad-request" };
          const size = parseInt(text, 16);
          if (body.total + size > this.#limits.maxBodyBytes) return { next: i, refusal: "body-too-large" };
          this.#body = size === 0 ? { kind: "trailers", lineBytes: 0, total: 0 } : { kind: "chunk-data", remaining: size, total: body.total + size };
          break;
        }
        case "chunk-end": {
          // Exactly CR LF after a chunk's data; anything else is bad framing, answered with a 400.
          const byte = chunk[i++];
          if (!body.cr && byte === CR) body.cr = true;
          else if (body.cr && byte === LF) this.#body = { kind: "chunk-size", line: [], total: body.total };
          else return { next: i, refusal: "bad-request" };
          break;
        }
        case "trailers": {
          const byte = chunk[i++];
          body.total++;
          if (body.total > this.#limits.maxHeaderBytes) return { next: i, refusal: "request-too-long" };
          if (byte !== LF) {
            if (byte !== CR) body.lineBytes++;
            break;
          }
          if (body.lineBytes === 0) this.#body = undefined;
          else body.lineBytes = 0;
          break;
        }
      }
    }
    if (!this.#body) this.#phase = "idle";
    return { next: i };
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
