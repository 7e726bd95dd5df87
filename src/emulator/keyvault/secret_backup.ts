/**
 * Secret backup blobs: every version of a secret with its values and attributes, sealed to the
 * vault's security world like key backups (same subscription and geography; backup_sealing.ts).
 * Restore reads it back, refusing blobs that are not secret backups and blobs from another
 * subscription or geography.
 * @module
 */
import type { SecretEntry } from "./secret_store.ts";
import { openBackup, type OpenFailure, sealBackup, type SecurityWorld } from "./backup_sealing.ts";

/** Encodes every version of a secret into a backup blob sealed to `world`. */
export async function encodeSecretBackup(world: SecurityWorld, entry: SecretEntry): Promise<string> {
  return await sealBackup("Secret", world, { name: entry.name, versions: entry.versions });
}

/** Decodes a backup blob in `world`; why not when it is not a secret backup of this security world. */
export async function decodeSecretBackup(world: SecurityWorld, blob: string): Promise<SecretEntry | OpenFailure> {
  const opened = await openBackup("Secret", world, blob);
  if ("failure" in opened) return opened.failure;
  const parsed = opened.payload as { name?: unknown; versions?: unknown };
  if (typeof parsed?.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return "corrupt";
  return { name: parsed.name, versions: parsed.versions };
}
