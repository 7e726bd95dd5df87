/**
 * One cache entry as the JSON text of its file: the format tag, its full key (checked on every
 * read, so a file can never answer for another key), the expiry, the identity source's name and
 * the token, sealed by the protector (`none` on POSIX, `dpapi` on Windows). Anything else, a
 * truncated file, another format or a key that does not match, decodes to `undefined`.
 * @module
 */
import type { AccessToken } from "../core/credential.ts";
import { canonicalKey, sameKey, type TokenCacheKey } from "./token_cache_key.ts";
import type { TokenProtector } from "./token_protection.ts";

/** The format tag every entry carries. */
export const ENTRY_FORMAT = "kvmi-token-cache/1";

/** What an entry says without opening its token: enough to list it. */
export interface EntryHeader {
  key: TokenCacheKey;
  /** Unix seconds. */
  expiresOn: number;
  source: string;
  protection: string;
  /** The sealed token (base64 for `dpapi`, the token itself for `none`). */
  sealed: string;
}

/** The file text for `token` under `key`, sealed by `protector`. */
export function encodeEntry(key: TokenCacheKey, token: AccessToken, protector: TokenProtector): string {
  const plain = new TextEncoder().encode(token.token);
  const sealed = protector.name === "none" ? token.token : toBase64(protector.protect(plain, entropyFor(key)));
  return JSON.stringify({ format: ENTRY_FORMAT, key, expiresOn: token.expiresOn, source: token.source, protection: protector.name, token: sealed });
}

/** Reads an entry's header; `undefined` for anything that is not a well-formed entry. */
export function decodeEntryHeader(text: string): EntryHeader | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const key = v.key as Record<string, unknown> | null | undefined;
  const keyFields = ["authority", "kind", "identity", "resource"];
  if (v.format !== ENTRY_FORMAT || typeof key !== "object" || key === null || !keyFields.every((f) => typeof key[f] === "string")) return undefined;
  if (typeof v.expiresOn !== "number" || !Number.isFinite(v.expiresOn) || typeof v.source !== "string") return undefined;
  if (typeof v.protection !== "string" || typeof v.token !== "string" || v.token === "") return undefined;
  const cacheKey = { authority: key.authority, kind: key.kind, identity: key.identity, resource: key.resource } as TokenCacheKey;
  return { key: cacheKey, expiresOn: v.expiresOn, source: v.source, protection: v.protection, sealed: v.token };
}

/**
 * The token an entry holds for `key`, or `undefined` when the entry is for another key, sealed
 * another way, or cannot be opened.
 */
export function openEntry(header: EntryHeader, key: TokenCacheKey, protector: TokenProtector): AccessToken | undefined {
  if (!sameKey(header.key, key) || header.protection !== protector.name) return undefined;
  let token: string;
  try {
    token = protector.name === "none"
      ? header.sealed
      : new TextDecoder("utf-8", { fatal: true }).decode(protector.unprotect(fromBase64(header.sealed), entropyFor(key)));
  } catch {
    return undefined;
  }
  if (!/^[\x21-\x7e]+$/.test(token)) return undefined;
  return { token, expiresOn: header.expiresOn, resource: key.resource, source: header.source, fromCache: true };
}

function entropyFor(key: TokenCacheKey): Uint8Array {
  return new TextEncoder().encode(`${ENTRY_FORMAT}|${canonicalKey(key)}`);
}

function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
