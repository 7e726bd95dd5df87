/**
 * Certificate backup blobs: every version of a certificate with its policy, plus its backing key
 * (private keys as PKCS#8) and secret, sealed to the vault's security world like key and secret
 * backups (same subscription and geography; backup_sealing.ts). Restore reads it back, refusing
 * blobs that are not certificate backups and blobs from another subscription or geography.
 * @module
 */
import type { CertificateEntry } from "./certificate_store.ts";
import { openBackup, type OpenFailure, sealBackup, type SecurityWorld } from "./backup_sealing.ts";
import { keyVersionsFrom, type StoredKeyVersion, storedKeyVersions } from "./key_backup.ts";
import type { KeyEntry } from "./key_store.ts";
import type { SecretEntry } from "./secret_store.ts";

/** A certificate with its backing objects, as a backup carries them. */
export interface CertificateBackup {
  certificate: CertificateEntry;
  key?: KeyEntry;
  secret?: SecretEntry;
}

interface Payload {
  name: string;
  versions: CertificateEntry["versions"];
  key?: StoredKeyVersion[];
  secret?: SecretEntry["versions"];
}

/** Encodes a certificate and its backing key and secret into a backup blob sealed to `world`. */
export async function encodeCertificateBackup(world: SecurityWorld, backup: CertificateBackup): Promise<string> {
  const payload: Payload = {
    name: backup.certificate.name,
    versions: backup.certificate.versions,
    ...(backup.key ? { key: storedKeyVersions(backup.key) } : {}),
    ...(backup.secret ? { secret: backup.secret.versions } : {}),
  };
  return await sealBackup("Certificate", world, payload);
}

/** Decodes a backup blob in `world`; why not when it is not a certificate backup of this security world. */
export async function decodeCertificateBackup(world: SecurityWorld, blob: string): Promise<CertificateBackup | OpenFailure> {
  const opened = await openBackup("Certificate", world, blob);
  if ("failure" in opened) return opened.failure;
  const parsed = opened.payload as Partial<Payload>;
  if (typeof parsed?.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return "corrupt";
  try {
    const name = parsed.name;
    return {
      certificate: { name, versions: parsed.versions },
      ...(Array.isArray(parsed.key) ? { key: { name, versions: keyVersionsFrom(parsed.key) } } : {}),
      ...(Array.isArray(parsed.secret) ? { secret: { name, versions: parsed.secret } } : {}),
    };
  } catch {
    return "corrupt";
  }
}
