/**
 * One vault's secrets: versions, soft delete and recovery, as plain data with the service's
 * rules (case-insensitive names, 32-hex versions, the 25,600-character limit). No HTTP here.
 * @module
 */

/** Attributes of one secret version (Unix seconds). */
export interface StoredAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

/** One version of a secret. */
export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  attributes: StoredAttributes;
}

/** A secret: its name as first created and its versions in creation order. */
export interface SecretEntry {
  name: string;
  versions: SecretVersion[];
  deleted?: { deletedDate: number; scheduledPurgeDate: number; visibleAtMs: number };
}

/** Settable properties of a version. */
export interface VersionProperties {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** Days a deleted secret stays recoverable (the service default). */
export const RECOVERABLE_DAYS = 90;

/** Generates a version id: 32 lowercase hex characters. */
export function newVersionId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** The secrets of one vault. */
export class SecretStore {
  #entries = new Map<string, SecretEntry>();

  /** The live (not deleted) entry for a name. */
  live(name: string): SecretEntry | undefined {
    const entry = this.#entries.get(name.toLowerCase());
    return entry && !entry.deleted ? entry : undefined;
  }

  /** The deleted entry for a name (whether or not the deletion is visible yet). */
  deleted(name: string): SecretEntry | undefined {
    const entry = this.#entries.get(name.toLowerCase());
    return entry?.deleted ? entry : undefined;
  }

  /** All entries, live first-class, sorted by upper-cased name as the service lists them. */
  all(): SecretEntry[] {
    return [...this.#entries.values()].sort((a, b) => compareUpper(a.name, b.name));
  }

  /** Adds a new version (creating the secret if needed) and returns it. */
  set(name: string, value: string, props: VersionProperties, now: number): SecretVersion {
    const key = name.toLowerCase();
    const entry = this.#entries.get(key) ?? { name, versions: [] };
    const version: SecretVersion = {
      version: newVersionId(),
      value,
      contentType: props.contentType,
      tags: props.tags,
      attributes: { enabled: props.enabled ?? true, nbf: props.nbf, exp: props.exp, created: now, updated: now },
    };
    entry.versions.push(version);
    this.#entries.set(key, entry);
    return version;
  }

  /** Applies an update to a version. */
  update(version: SecretVersion, props: VersionProperties, now: number): void {
    if (props.contentType !== undefined) version.contentType = props.contentType;
    if (props.tags !== undefined) version.tags = props.tags;
    if (props.enabled !== undefined) version.attributes.enabled = props.enabled;
    if (props.nbf !== undefined) version.attributes.nbf = props.nbf;
    if (props.exp !== undefined) version.attributes.exp = props.exp;
    version.attributes.updated = now;
  }

  /** Soft-deletes a live secret; the deletion becomes visible after `delayMs`. */
  softDelete(entry: SecretEntry, now: number, delayMs: number): void {
    entry.deleted = { deletedDate: now, scheduledPurgeDate: now + RECOVERABLE_DAYS * 86_400, visibleAtMs: Date.now() + delayMs };
  }

  /** Brings a deleted secret back. */
  recover(entry: SecretEntry): void {
    entry.deleted = undefined;
  }

  /** Removes a deleted secret for good. */
  purge(entry: SecretEntry): void {
    this.#entries.delete(entry.name.toLowerCase());
  }
}

/** The latest version of an entry. */
export function latest(entry: SecretEntry): SecretVersion {
  return entry.versions[entry.versions.length - 1];
}

/** Finds a version by id (case-insensitive); empty means latest. */
export function findVersion(entry: SecretEntry, version: string): SecretVersion | undefined {
  if (version === "") return latest(entry);
  return entry.versions.find((v) => v.version === version.toLowerCase());
}

/** Compares two strings by their upper-cased form, the order Key Vault lists in. */
export function compareUpper(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
