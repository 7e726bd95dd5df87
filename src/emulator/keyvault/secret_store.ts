/**
 * One vault's secrets: versions with their values and attributes, on top of the shared
 * {@link ObjectStore} (names, versions, soft delete). No HTTP here.
 * @module
 */
import { ObjectStore, type StoredObject } from "./object_store.ts";

export { compareUpper, findVersion, latest, newVersionId, RECOVERABLE_DAYS } from "./object_store.ts";

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
  /** Set on a certificate's backing secret: its lifetime is managed by Key Vault. */
  managed?: boolean;
  /** Set on the backing secret of an exportable certificate: its bundle links the backing key (`kid`, same name and version). */
  keyLinked?: boolean;
}

/** A secret and its versions. */
export type SecretEntry = StoredObject<SecretVersion>;

/** Settable properties of a version. */
export interface VersionProperties {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** The secrets of one vault. */
export class SecretStore extends ObjectStore<SecretVersion> {
  /** Adds a new version with `value` and returns it. */
  set(name: string, value: string, props: VersionProperties, now: number): SecretVersion {
    return this.add(name, {
      value,
      contentType: props.contentType,
      tags: props.tags,
      attributes: { enabled: props.enabled ?? true, nbf: props.nbf, exp: props.exp, created: now, updated: now },
    });
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
}
