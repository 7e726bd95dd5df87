/**
 * Key backup blobs: every version of a key with its private key (PKCS#8), attributes, tags and
 * release policy, plus the key's rotation policy, sealed to the vault's security world (same
 * subscription and geography; backup_sealing.ts). Restore reads it back, refusing blobs that are
 * not key backups and blobs from another subscription or geography.
 * @module
 */
import { createPrivateKey } from "node:crypto";
import type { KeyEntry, KeyVersion } from "./key_store.ts";
import type { RotationPolicy } from "./rotation_policy.ts";
import { openBackup, type OpenFailure, sealBackup, type SecurityWorld } from "./backup_sealing.ts";

/** What a key backup holds. */
export interface KeyBackup {
  entry: KeyEntry;
  rotationPolicy?: RotationPolicy;
}

/** A key version as a backup stores it: the private key as PKCS#8 PEM. */
export type StoredKeyVersion = Omit<KeyVersion, "privateKey"> & { pkcs8: string };

/** Every version of a key as JSON (private keys as PKCS#8), for a backup's payload. */
export function storedKeyVersions(entry: KeyEntry): StoredKeyVersion[] {
  return entry.versions.map(({ privateKey, ...rest }) => ({ ...rest, pkcs8: privateKey.export({ format: "pem", type: "pkcs8" }) as string }));
}

/** The versions {@link storedKeyVersions} wrote, with their private keys back; throws on anything else. */
export function keyVersionsFrom(stored: StoredKeyVersion[]): KeyVersion[] {
  return stored.map(({ pkcs8, ...rest }) => ({ ...rest, privateKey: createPrivateKey(pkcs8) }));
}

/** Encodes every version of a key (and its rotation policy) into a backup blob sealed to `world`. */
export async function encodeKeyBackup(world: SecurityWorld, backup: KeyBackup): Promise<string> {
  return await sealBackup("Key", world, { name: backup.entry.name, versions: storedKeyVersions(backup.entry), rotationPolicy: backup.rotationPolicy });
}

/** Decodes a backup blob in `world`; why not when it is not a key backup of this security world. */
export async function decodeKeyBackup(world: SecurityWorld, blob: string): Promise<KeyBackup | OpenFailure> {
  const opened = await openBackup("Key", world, blob);
  if ("failure" in opened) return opened.failure;
  try {
    const parsed = opened.payload as { name?: unknown; versions?: unknown; rotationPolicy?: RotationPolicy };
    if (typeof parsed.name !== "string" || !Array.isArray(parsed.versions) || parsed.versions.length === 0) return "corrupt";
    const versions = keyVersionsFrom(parsed.versions as StoredKeyVersion[]);
    return { entry: { name: parsed.name, versions }, ...(parsed.rotationPolicy ? { rotationPolicy: parsed.rotationPolicy } : {}) };
  } catch {
    return "corrupt";
  }
}
