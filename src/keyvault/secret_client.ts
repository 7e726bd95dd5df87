/**
 * The Key Vault secrets data plane over REST: get, list with paging, versions, set, update, soft
 * delete, deleted list, recover and purge.
 *
 * @example
 * ```ts
 * import { SecretClient } from "./secret_client.ts";
 * import { keyVaultAuthorization, createAzureContext } from "../commands/context.ts";
 * const context = createAzureContext({});
 * const client = new SecretClient(new URL("https://kv-demo.vault.azure.net"), keyVaultAuthorization(context));
 * const secret = await client.get("secret-for-vm");
 * ```
 * @module
 */
import { KeyVaultTransport } from "./keyvault_transport.ts";
import { checkObjectName, checkVersion } from "./vault_address.ts";
import type { Authorization } from "../http/authorized_request.ts";

export { KEYVAULT_API_VERSION } from "./keyvault_transport.ts";

/** Secret attributes as the REST API returns them (Unix seconds). */
export interface SecretAttributes {
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  created?: number;
  updated?: number;
  recoveryLevel?: string;
  recoverableDays?: number;
}

/** A secret bundle or list item, as the REST API returns it. */
export interface SecretBundle {
  value?: string;
  id: string;
  contentType?: string;
  attributes: SecretAttributes;
  tags?: Record<string, string>;
  managed?: boolean;
  kid?: string;
  recoveryId?: string;
  deletedDate?: number;
  scheduledPurgeDate?: number;
}

/** Properties accepted by set and update. */
export interface SecretProperties {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** Talks to one vault's secrets. */
export class SecretClient {
  #kv: KeyVaultTransport;

  constructor(vaultUrl: URL, auth: Authorization) {
    this.#kv = new KeyVaultTransport(vaultUrl, auth);
  }

  /** Gets the latest version, or the given one. */
  async get(name: string, version?: string): Promise<SecretBundle> {
    const v = version !== undefined ? checkVersion(version) : "";
    return await this.#kv.json("GET", `/secrets/${checkObjectName(name)}/${v}`) as unknown as SecretBundle;
  }

  /** Lists every secret (no values), following every page. */
  async list(): Promise<SecretBundle[]> {
    return await this.#kv.pages<SecretBundle>("/secrets");
  }

  /** Lists every version of a secret (no values). */
  async listVersions(name: string): Promise<SecretBundle[]> {
    return await this.#kv.pages<SecretBundle>(`/secrets/${checkObjectName(name)}/versions`);
  }

  /** Creates a new version with `value`. */
  async set(name: string, value: string, properties: SecretProperties = {}): Promise<SecretBundle> {
    const body = { value, ...propertiesBody(properties) };
    return await this.#kv.json("PUT", `/secrets/${checkObjectName(name)}`, body) as unknown as SecretBundle;
  }

  /** Updates attributes, content type or tags of a version (latest when empty). */
  async update(name: string, version: string | undefined, properties: SecretProperties): Promise<SecretBundle> {
    const v = version !== undefined ? checkVersion(version) : "";
    return await this.#kv.json("PATCH", `/secrets/${checkObjectName(name)}/${v}`, propertiesBody(properties)) as unknown as SecretBundle;
  }

  /** Soft-deletes a secret (all versions). */
  async delete(name: string): Promise<SecretBundle> {
    return await this.#kv.json("DELETE", `/secrets/${checkObjectName(name)}`) as unknown as SecretBundle;
  }

  /** Gets a deleted secret. */
  async getDeleted(name: string): Promise<SecretBundle> {
    return await this.#kv.json("GET", `/deletedsecrets/${checkObjectName(name)}`) as unknown as SecretBundle;
  }

  /** Lists deleted secrets. */
  async listDeleted(): Promise<SecretBundle[]> {
    return await this.#kv.pages<SecretBundle>("/deletedsecrets");
  }

  /** Recovers a deleted secret. */
  async recover(name: string): Promise<SecretBundle> {
    return await this.#kv.json("POST", `/deletedsecrets/${checkObjectName(name)}/recover`) as unknown as SecretBundle;
  }

  /** Permanently deletes a deleted secret. */
  async purge(name: string): Promise<void> {
    await this.#kv.send("DELETE", this.#kv.url(`/deletedsecrets/${checkObjectName(name)}`));
  }
}

function propertiesBody(p: SecretProperties): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (p.enabled !== undefined) attributes.enabled = p.enabled;
  if (p.nbf !== undefined) attributes.nbf = p.nbf;
  if (p.exp !== undefined) attributes.exp = p.exp;
  const body: Record<string, unknown> = { attributes };
  if (p.contentType !== undefined) body.contentType = p.contentType;
  if (p.tags !== undefined) body.tags = p.tags;
  return body;
}
