/**
 * Follows the client's side of an HTTP/2 connection at the frame level (RFC 9113 section 4.1: a 9-byte
 * header, then the payload), only to tell when the client is in the middle of something: the
 * connection preface, a frame, or a header block split over CONTINUATION frames. Every byte is
 * passed on unchanged; HPACK, flow control and stream state stay with the HTTP server. Pure.
 * @module
 */
import type { FramerPhase } from "./http1_framer.ts";

/** What one chunk of client bytes amounts to. */
export interface Http2FeedResult {
  /** "head" while the preface, a frame or a header block is incomplete; "idle" otherwise. */
  phase: FramerPhase;
  /** Header blocks (requests) completed in this chunk. */
  headsCompleted: number;
  /** Set when the bytes are not HTTP/2 (a wrong preface). */
  invalid?: true;
}

const PREFACE = new TextEncoder().encode("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const FRAME_HEADER = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;

/** Follows one HTTP/2 connection's client frames. */
export class Http2Framer {
  #prefaceSeen = 0;
  #header = new Uint8Array(FRAME_HEADER);
  #headerSeen = 0;
  #payloadLeft = 0;
  #inHeaderBlock = false;

  /** Consumes one chunk of client bytes. */
  feed(chunk: Uint8Array): Http2FeedResult {
    let headsCompleted = 0;
    let i = 0;
    while (i < chunk.length && this.#prefaceSeen < PREFACE.length) {
      if (chunk[i++] !== PREFACE[this.#prefaceSeen++]) return { phase: "head", headsCompleted, invalid: true };
    }
    while (i < chunk.length) {
      if (this.#payloadLeft > 0) {
        const take = Math.min(this.#payloadLeft, chunk.length - i);
        this.#payloadLeft -= take;
        i += take;
        continue;
      }
      const take = Math.min(FRAME_HEADER - this.#headerSeen, chunk.length - i);
      this.#header.set(chunk.subarray(i, i + take), this.#headerSeen);
      this.#headerSeen += take;
      i += take;
      if (this.#headerSeen < FRAME_HEADER) break;
      this.#headerSeen = 0;
      const h = this.#header;
      this.#payloadLeft = (h[0] << 16) | (h[1] << 8) | h[2];
      const type = h[3];
      if (type === HEADERS || (type === CONTINUATION && this.#inHeaderBlock)) {
        this.#inHeaderBlock = (h[4] & END_HEADERS) === 0;
        if (!this.#inHeaderBlock) headsCompleted++;
      }
    }
    return { phase: this.#midway() ? "head" : "idle", headsCompleted };
  }

  #midway(): boolean {
    return this.#prefaceSeen < PREFACE.length || this.#headerSeen > 0 || this.#payloadLeft > 0 || this.#inHeaderBlock;
  }
}
