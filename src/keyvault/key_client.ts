/**
 * The Key Vault keys data plane over REST: get, list, versions, create, update, the
 * cryptographic operations, release, rotate, rotation policy, backup and restore.
 * @module
 */
import { KeyVaultTransport } from "./keyvault_transport.ts";
import { checkObjectName, checkVersion } from "./vault_address.ts";
import type { Authorization } from "../http/authorized_request.ts";

/** A KeyBundle as the REST API returns it. */
export interface KeyBundle {
  key: Record<string, unknown> & { kid: string; kty: string; n?: string; e?: string };
  attributes: Record<string, unknown>;
  tags?: Record<string, string>;
  release_policy?: { contentType?: string; immutable?: boolean; data?: string };
}

/** A key list item. */
export interface KeyItem {
  kid: string;
  attributes: Record<string, unknown>;
  tags?: Record<string, string>;
}

/** A key rotation policy as the REST API returns and takes it. */
export interface KeyRotationPolicy {
  id?: string;
  lifetimeActions?: { trigger?: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action?: { type?: string } }[];
  attributes?: { expiryTime?: string; created?: number; updated?: number };
}

/** The path segment of a cryptographic operation. */
export type KeyOperation = "encrypt" | "decrypt" | "wrapkey" | "unwrapkey" | "sign" | "verify";

/** Talks to one vault's keys. */
export class KeyClient {
  #kv: KeyVaultTransport;

  constructor(vaultUrl: URL, auth: Authorization) {
    this.#kv = new KeyVaultTransport(vaultUrl, auth);
  }

  /** The vault this client talks to. */
  get vault(): URL {
    return this.#kv.vault;
  }

  #path(name: string, version?: string): string {
    return `/keys/${checkObjectName(name, "key")}/${version !== undefined ? checkVersion(version) : ""}`;
  }

  /** Gets a key (public parts only). */
  async get(name: string, version?: string): Promise<KeyBundle> {
    return await this.#kv.json("GET", this.#path(name, version)) as unknown as KeyBundle;
  }

  /** Lists keys. */
  async list(): Promise<KeyItem[]> {
    return await this.#kv.pages<KeyItem>("/keys");
  }

  /** Lists a key's versions. */
  async versions(name: string): Promise<KeyItem[]> {
    return await this.#kv.pages<KeyItem>(`/keys/${checkObjectName(name, "key")}/versions`);
  }

  /** Creates a key (`POST /keys/{name}/create`). */
  async create(name: string, body: Record<string, unknown>): Promise<KeyBundle> {
    return await this.#kv.json("POST", `/keys/${checkObjectName(name, "key")}/create`, body) as unknown as KeyBundle;
  }

  /** Runs a cryptographic operation; returns the service's JSON (`{kid, value}` or `{value: bool}`). */
  async operation(name: string, version: string | undefined, op: KeyOperation, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return await this.#kv.json("POST", `${this.#path(name, version)}${version ? "/" : ""}${op}`, body);
  }

  /** Releases an exportable key to the environment the attestation token describes; returns the JWS. */
  async release(name: string, version: string | undefined, target: string, enc: string, nonce?: string): Promise<string> {
    const body = { target, enc, ...(nonce ? { nonce } : {}) };
    const json = await this.#kv.json("POST", `${this.#path(name, version)}${version ? "/" : ""}release`, body);
    return String(json.value ?? "");
  }

  /** Makes a new current version of the key (`POST /keys/{name}/rotate`). */
  async rotate(name: string): Promise<KeyBundle> {
    return await this.#kv.json("POST", `/keys/${checkObjectName(name, "key")}/rotate`) as unknown as KeyBundle;
  }

  /** The key's rotation policy (the service's default when none was set). */
  async rotationPolicy(name: string): Promise<KeyRotationPolicy> {
    return await this.#kv.json("GET", `/keys/${checkObjectName(name, "key")}/rotationpolicy`) as KeyRotationPolicy;
  }

  /** Sets the key's rotation policy; returns it as the service stored it. */
  async setRotationPolicy(name: string, policy: KeyRotationPolicy): Promise<KeyRotationPolicy> {
    const { lifetimeActions, attributes } = policy;
    const body = { ...(lifetimeActions ? { lifetimeActions } : {}), ...(attributes?.expiryTime ? { attributes: { expiryTime: attributes.expiryTime } } : {}) };
    return await this.#kv.json("PUT", `/keys/${checkObjectName(name, "key")}/rotationpolicy`, body) as KeyRotationPolicy;
  }

  /** The key's backup blob (base64url, every version; restorable only in the same subscription and geography). */
  async backup(name: string): Promise<string> {
    const json = await this.#kv.json("POST", `/keys/${checkObjectName(name, "key")}/backup`);
    return String(json.value ?? "");
  }

  /** Restores a backup blob into this vault; returns the restored key. */
  async restore(blob: string): Promise<KeyBundle> {
    return await this.#kv.json("POST", "/keys/restore", { value: blob }) as unknown as KeyBundle;
  }
}
