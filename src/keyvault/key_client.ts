/**
 * The Key Vault keys data plane over REST: get, list, versions, create, update, the
 * cryptographic operations, and release.
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
}
