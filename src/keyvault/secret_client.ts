/**
 * The Key Vault secrets data plane over REST (api-version 2026-04-01): get, list with paging,
 * versions, set, update, soft delete, deleted list, recover and purge.
 * @module
 */
import { keyVaultError } from "./keyvault_error.ts";
import { checkObjectName, checkVersion } from "./vault_address.ts";
import { parseJsonObject } from "../auth/json_body.ts";
import { ExitCode, KvmiError } from "../cli/errors.ts";
import { type Authorization, sendAuthorized } from "../http/authorized_request.ts";
import type { HttpResponse } from "../http/http_client.ts";

/** The data-plane api-version kvmi sends (the one current Azure SDKs send). */
export const KEYVAULT_API_VERSION = "2026-04-01";

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
  #vault: URL;
  #auth: Authorization;

  constructor(vaultUrl: URL, auth: Authorization) {
    this.#vault = vaultUrl;
    this.#auth = auth;
  }

  /** Gets the latest version, or the given one. */
  async get(name: string, version?: string): Promise<SecretBundle> {
    const v = version ? checkVersion(version) : "";
    return await this.#json("GET", `/secrets/${checkObjectName(name)}/${v}`) as unknown as SecretBundle;
  }

  /** Lists every secret (no values), following every page. */
  async list(): Promise<SecretBundle[]> {
    return await this.#pages("/secrets");
  }

  /** Lists every version of a secret (no values). */
  async listVersions(name: string): Promise<SecretBundle[]> {
    return await this.#pages(`/secrets/${checkObjectName(name)}/versions`);
  }

  /** Creates a new version with `value`. */
  async set(name: string, value: string, properties: SecretProperties = {}): Promise<SecretBundle> {
    const body = { value, ...propertiesBody(properties) };
    return await this.#json("PUT", `/secrets/${checkObjectName(name)}`, body) as unknown as SecretBundle;
  }

  /** Updates attributes, content type or tags of a version (latest when empty). */
  async update(name: string, version: string | undefined, properties: SecretProperties): Promise<SecretBundle> {
    const v = version ? checkVersion(version) : "";
    return await this.#json("PATCH", `/secrets/${checkObjectName(name)}/${v}`, propertiesBody(properties)) as unknown as SecretBundle;
  }

  /** Soft-deletes a secret (all versions). */
  async delete(name: string): Promise<SecretBundle> {
    return await this.#json("DELETE", `/secrets/${checkObjectName(name)}`) as unknown as SecretBundle;
  }

  /** Gets a deleted secret. */
  async getDeleted(name: string): Promise<SecretBundle> {
    return await this.#json("GET", `/deletedsecrets/${checkObjectName(name)}`) as unknown as SecretBundle;
  }

  /** Lists deleted secrets. */
  async listDeleted(): Promise<SecretBundle[]> {
    return await this.#pages("/deletedsecrets");
  }

  /** Recovers a deleted secret. */
  async recover(name: string): Promise<SecretBundle> {
    return await this.#json("POST", `/deletedsecrets/${checkObjectName(name)}/recover`) as unknown as SecretBundle;
  }

  /** Permanently deletes a deleted secret. */
  async purge(name: string): Promise<void> {
    await this.#send("DELETE", this.#url(`/deletedsecrets/${checkObjectName(name)}`));
  }

  #url(path: string): URL {
    const url = new URL(path, this.#vault);
    url.searchParams.set("api-version", KEYVAULT_API_VERSION);
    return url;
  }

  async #send(method: string, url: URL, body?: unknown): Promise<HttpResponse> {
    const response = await sendAuthorized(this.#auth, {
      method,
      url,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw keyVaultError(response);
    return response;
  }

  async #json(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await this.#send(method, this.#url(path), body);
    return parseBody(response);
  }

  async #pages(path: string): Promise<SecretBundle[]> {
    const items: SecretBundle[] = [];
    let next: URL | undefined = this.#url(path);
    for (let page = 0; next; page++) {
      if (page > 10_000) throw new KvmiError("Key Vault returned more than 10,000 pages; stopping.", { code: "PagingLoop", exitCode: ExitCode.Error });
      const json = parseBody(await this.#send("GET", next));
      items.push(...(Array.isArray(json.value) ? json.value as SecretBundle[] : []));
      next = typeof json.nextLink === "string" && json.nextLink ? this.#nextLink(json.nextLink) : undefined;
    }
    return items;
  }

  #nextLink(link: string): URL {
    const url = new URL(link);
    if (url.origin !== this.#vault.origin) {
      throw new KvmiError(`Key Vault returned a nextLink to another host (${url.host}); refusing to follow it.`, {
        code: "UnexpectedNextLink",
        exitCode: ExitCode.Error,
      });
    }
    return url;
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

function parseBody(response: HttpResponse): Record<string, unknown> {
  const json = parseJsonObject(response.body);
  if (!json) {
    throw new KvmiError(`Key Vault answered ${response.status} with a body that is not JSON.`, {
      code: "InvalidResponse",
      exitCode: ExitCode.Error,
      hint: "A proxy or firewall may be answering instead of Key Vault.",
    });
  }
  return json;
}
