/**
 * One vault's keys: versions with their private key material (never returned by GET),
 * attributes including `exportable`, tags and release policy, and soft delete.
 * @module
 */
import type { KeyObject } from "node:crypto";
import { compareUpper, newVersionId, RECOVERABLE_DAYS } from "./secret_store.ts";

/** A key release policy as stored (the `data` is base64url of the policy JSON). */
export interface StoredReleasePolicy {
  contentType: string;
  immutable: boolean;
  data: string;
}

/** One key version. */
export interface KeyVersion {
  version: string;
  kty: string;
  keyOps: string[];
  attributes: { enabled: boolean; nbf?: number; exp?: number; created: number; updated: number; exportable: boolean };
  tags?: Record<string, string>;
  releasePolicy?: StoredReleasePolicy;
  privateKey: KeyObject;
  /** The public JWK members (`n`,`e` or `crv`,`x`,`y`). */
  publicJwk: Record<string, string>;
}

/** A key and its versions in creation order. */
export interface KeyEntry {
  name: string;
  versions: KeyVersion[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number };
}

/** The keys of one vault. */
export class KeyStore {
  #entries = new Map<string, KeyEntry>();

  /** The live entry for a name. */
  live(name: string): KeyEntry | undefined {
    const e = this.#entries.get(name.toLowerCase());
    return e && !e.deleted ? e : undefined;
  }

  /** The deleted entry for a name. */
  deleted(name: string): KeyEntry | undefined {
    const e = this.#entries.get(name.toLowerCase());
    return e?.deleted ? e : undefined;
  }

  /** All entries sorted by upper-cased name. */
  all(): KeyEntry[] {
    return [...this.#entries.values()].sort((a, b) => compareUpper(a.name, b.name));
  }

  /** Adds a version (creating the key if needed). */
  add(name: string, version: Omit<KeyVersion, "version">): KeyVersion {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key) ?? { name, versions: [] };
    const stored = { ...version, version: newVersionId() };
    entry.versions.push(stored);
    this.#entries.set(key, entry);
    return stored;
  }

  /** Soft-deletes a key. */
  softDelete(entry: KeyEntry, now: number): void {
    entry.deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * 86_400 };
  }

  /** Recovers a deleted key. */
  recover(entry: KeyEntry): void {
    entry.deleted = undefined;
  }

  /** Purges a deleted key. */
  purge(entry: KeyEntry): void {
    this.#entries.delete(entry.name.toLowerCase());
  }
}

/** The version asked for: empty means latest. */
export function keyVersion(entry: KeyEntry, version: string): KeyVersion | undefined {
  if (version === "") return entry.versions[entry.versions.length - 1];
  return entry.versions.find((v) => v.version === version.toLowerCase());
}
