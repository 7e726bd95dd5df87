/**
 * PEM text: reading its blocks (label and DER bytes) and writing a block wrapped at 64 columns with
 * `\n` line ends, the layout Key Vault uses for a certificate's PEM secret.
 *
 * @example
 * ```ts
 * import { pemBlocks, toPem } from "./pem.ts";
 * const [block] = pemBlocks(toPem("CERTIFICATE", new Uint8Array([0x30, 0x00])));
 * console.log(block.label); // CERTIFICATE
 * ```
 * @module
 */
import { decodeBase64, encodeBase64 } from "./base64.ts";

/** One `-----BEGIN label-----` ... `-----END label-----` block. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: ...`) and the blank line after them, as OpenSSL's traditional encrypted keys have. */
const ENCAPSULATED_HEADERS = /^\s*(?:[A-Za-z][A-Za-z0-9-]*:[^\n]*\r?\n)+\s*?\r?\n/;

/**
 * Every PEM block in `text`, in order; a block whose body is not base64 throws a TypeError. RFC 1421
 * headers before a body (OpenSSL's traditional encrypted keys) are skipped: that `der` is still encrypted.
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2].replace(ENCAPSULATED_HEADERS, "").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) throw new TypeError(`the ${match[1]} block is not base64`);
    blocks.push({ label: match[1], der: decodeBase64(body) });
  }
  return blocks;
}

/** Whether `text` starts (after white space) like PEM. */
export function looksLikePem(text: string): boolean {
  return /^\s*-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/** One PEM block: base64 wrapped at 64 columns, `\n` line ends, a trailing newline. */
export function toPem(label: string, der: Uint8Array): string {
  const body = encodeBase64(der).replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}
