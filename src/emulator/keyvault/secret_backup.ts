/**
 * Secret backup blobs: every version of a secret with its values and attributes, as an opaque
 * base64url string (the service's blob is encrypted and bound to the vault's geography; this
 * one is only opaque). Restore reads it back, refusing anything that is not such a blob.
 * @module
 */
import { base64url } from "jose";
import type { SecretEntry } from "./secret_store.ts";

const MARKER = "kvmi-emulator-secret-backup-v1";

/** Encodes every version of a secret into a backup blob. */
export function encodeSecretBackup(entry: SecretEntry): string {
  return base64url.encode(JSON.stringify({ marker: MARKER, name: entry.name, versions: entry.versions }));
}

/** Decodes a backup blob; undefined when it is not one. */
export function decodeSecretBackup(blob: string): SecretEntry | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(blob)));
    if (parsed?.marker !== MARKER || typeof parsed.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return undefined;
    return { name: parsed.name, versions: parsed.versions };
  } catch {
    return undefined;
  }
}
