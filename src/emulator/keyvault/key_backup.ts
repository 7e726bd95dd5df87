/**
 * Key backup blobs: every version of a key with its private key (PKCS#8), attributes, tags and
 * release policy, as an opaque base64url string (the service's blob is encrypted and bound to
 * the vault's geography; this one is only opaque). Restore reads it back.
 * @module
 */
import { createPrivateKey } from "node:crypto";
import { base64url } from "jose";
import type { KeyEntry, KeyVersion } from "./key_store.ts";

const MARKER = "kvmi-emulator-key-backup-v1";

/** Encodes every version of a key into a backup blob. */
export function encodeKeyBackup(entry: KeyEntry): string {
  const versions = entry.versions.map(({ privateKey, ...rest }) => ({ ...rest, pkcs8: privateKey.export({ format: "pem", type: "pkcs8" }) }));
  return base64url.encode(JSON.stringify({ marker: MARKER, name: entry.name, versions }));
}

/** Decodes a backup blob; undefined when it is not one. */
export function decodeKeyBackup(blob: string): KeyEntry | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(blob)));
    if (parsed?.marker !== MARKER || typeof parsed.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return undefined;
    const versions: KeyVersion[] = parsed.versions.map(({ pkcs8, ...rest }: { pkcs8: string } & Omit<KeyVersion, "privateKey">) => ({
      ...rest,
      privateKey: createPrivateKey(pkcs8),
    }));
    return { name: parsed.name, versions };
  } catch {
    return undefined;
  }
}
