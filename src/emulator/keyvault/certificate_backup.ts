/**
 * Certificate backup blobs: every version of a certificate with its policy, plus its backing
 * key (private keys as PKCS#8) and secret, as one opaque base64url string (the service's blob
 * is encrypted and bound to the vault's geography; this one is only opaque). Restore reads it
 * back, refusing anything that is not such a blob.
 * @module
 */
import { base64url } from "jose";
import type { CertificateEntry } from "./certificate_store.ts";
import { decodeKeyBackup, encodeKeyBackup } from "./key_backup.ts";
import type { KeyEntry } from "./key_store.ts";
import { decodeSecretBackup, encodeSecretBackup } from "./secret_backup.ts";
import type { SecretEntry } from "./secret_store.ts";

const MARKER = "kvmi-emulator-certificate-backup-v1";

/** A certificate with its backing objects, as a backup carries them. */
export interface CertificateBackup {
  certificate: CertificateEntry;
  key?: KeyEntry;
  secret?: SecretEntry;
}

/** Encodes a certificate and its backing key and secret into a backup blob. */
export function encodeCertificateBackup(backup: CertificateBackup): string {
  return base64url.encode(JSON.stringify({
    marker: MARKER,
    name: backup.certificate.name,
    versions: backup.certificate.versions,
    key: backup.key ? encodeKeyBackup(backup.key) : undefined,
    secret: backup.secret ? encodeSecretBackup(backup.secret) : undefined,
  }));
}

/** Decodes a backup blob; undefined when it is not one. */
export function decodeCertificateBackup(blob: string): CertificateBackup | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(blob)));
    if (parsed?.marker !== MARKER || typeof parsed.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return undefined;
    const key = typeof parsed.key === "string" ? decodeKeyBackup(parsed.key) : undefined;
    const secret = typeof parsed.secret === "string" ? decodeSecretBackup(parsed.secret) : undefined;
    return { certificate: { name: parsed.name, versions: parsed.versions }, key, secret };
  } catch {
    return undefined;
  }
}
