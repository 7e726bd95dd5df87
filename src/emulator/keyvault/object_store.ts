/**
 * What secrets and keys share in a vault: objects with case-insensitive names, versions in
 * creation order with 32-hex ids, soft delete (optionally invisible for a moment, as on Azure),
 * recovery and purge, listed in upper-cased name order.
 * @module
 */
import type { ApiShape } from "./api_versions.ts";

/** Days a deleted object stays recoverable (the service default). */
export const RECOVERABLE_DAYS = 90;

/** Soft-delete state of an object. */
export interface DeletedState {
  deletedDate: number;
  scheduledPurgeDate: number;
  /** When `GET /deleted.../{name}` starts to find it (ms since epoch). */
  visibleAtMs: number;
}

/** An object and its versions in creation order. */
export interface StoredObject<V> {
  name: string;
  versions: V[];
  deleted?: DeletedState;
}

/** Generates a version id: 32 lowercase hex characters. */
export function newVersionId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Compares two strings by their upper-cased form, the order Key Vault lists in. */
export function compareUpper(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The latest version of an object. */
export function latest<V>(entry: StoredObject<V>): V {
  return entry.versions[entry.versions.length - 1];
}

/** Finds a version by id (case-insensitive); empty means latest. */
export function findVersion<V extends { version: string }>(entry: StoredObject<V>, version: string): V | undefined {
  if (version === "") return latest(entry);
  return entry.versions.find((v) => v.version === version.toLowerCase());
}

/** The objects of one kind in one vault. */
export class ObjectStore<V extends { version: string }> {
  #entries = new Map<string, StoredObject<V>>();

  /** The live (not deleted) object of that name. */
  live(name: string): StoredObject<V> | undefined {
    const entry = this.#entries.get(name.toLowerCase());
    return entry && !entry.deleted ? entry : undefined;
  }

  /** The deleted object of that name (whether or not the deletion is visible yet). */
  deleted(name: string): StoredObject<V> | undefined {
    const entry = this.#entries.get(name.toLowerCase());
    return entry?.deleted ? entry : undefined;
  }

  /** All objects, sorted by upper-cased name. */
  all(): StoredObject<V>[] {
    return [...this.#entries.values()].sort((a, b) => compareUpper(a.name, b.name));
  }

  /** Adds a version with a fresh id, or `versionId` (a certificate's backing key and secret share its id), creating the object if needed. */
  add(name: string, version: Omit<V, "version">, versionId: string = newVersionId()): V {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key) ?? { name, versions: [] };
    const stored = { ...version, version: versionId } as V;
    entry.versions.push(stored);
    this.#entries.set(key, entry);
    return stored;
  }

  /** Puts a whole object (a restored backup) in place; false when the name is taken, live or deleted. */
  restore(entry: StoredObject<V>): boolean {
    const key = entry.name.toLowerCase();
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, { name: entry.name, versions: entry.versions });
    return true;
  }

  /** Soft-deletes an object; `GET` of the deleted object finds it after `delayMs`. */
  softDelete(entry: StoredObject<V>, now: number, delayMs = 0): void {
    entry.deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * 86_400, visibleAtMs: Date.now() + delayMs };
  }

  /** Brings a deleted object back. */
  recover(entry: StoredObject<V>): void {
    entry.deleted = undefined;
  }

  /** Removes a deleted object for good. */
  purge(entry: StoredObject<V>): void {
    this.#entries.delete(entry.name.toLowerCase());
  }
}

/** Attributes every version carries (Unix seconds). */
export interface VersionAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

/** The `attributes` object as the service returns it: unset times omitted, recovery level and days added where the api-version has them. */
export function attributesJson(a: VersionAttributes, api: ApiShape): Record<string, unknown> {
  return {
    enabled: a.enabled,
    ...(a.nbf !== undefined ? { nbf: a.nbf } : {}),
    ...(a.exp !== undefined ? { exp: a.exp } : {}),
    created: a.created,
    updated: a.updated,
    ...(api.softDelete ? { recoveryLevel: "Recoverable+Purgeable" } : {}),
    ...(api.recoverableDays ? { recoverableDays: RECOVERABLE_DAYS } : {}),
  };
}
