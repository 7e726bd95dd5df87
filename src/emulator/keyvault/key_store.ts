/**
 * One vault's keys: versions with their private key material (never returned by GET),
 * attributes including `exportable`, tags and release policy, on top of the shared
 * {@link ObjectStore} (names, versions, soft delete); and each key's rotation policy.
 * @module
 */
import type { KeyObject } from "node:crypto";
import { ObjectStore, type StoredObject } from "./object_store.ts";
import type { RotationPolicy } from "./rotation_policy.ts";

export { findVersion as keyVersion } from "./object_store.ts";

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
  /** Set on a certificate's backing key: its lifetime is managed by Key Vault. */
  managed?: boolean;
}

/** A key and its versions. */
export type KeyEntry = StoredObject<KeyVersion>;

/** The keys of one vault, and the rotation policies set on them (kept through soft delete, gone with purge). */
export class KeyStore extends ObjectStore<KeyVersion> {
  #policies = new Map<string, RotationPolicy>();

  /** The rotation policy set on a key, if any. */
  rotationPolicy(name: string): RotationPolicy | undefined {
    return this.#policies.get(name.toLowerCase());
  }

  /** Sets a key's rotation policy. */
  setRotationPolicy(name: string, policy: RotationPolicy): void {
    this.#policies.set(name.toLowerCase(), policy);
  }

  /** Removes a deleted key, and its rotation policy, for good. */
  override purge(entry: KeyEntry): void {
    super.purge(entry);
    this.#policies.delete(entry.name.toLowerCase());
  }
}
