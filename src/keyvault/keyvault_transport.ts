/**
 * One vault's REST transport, shared by the secrets and keys clients: URLs with the
 * api-version, authorized sends, Key Vault error mapping, JSON bodies and `nextLink` paging that
 * never leaves the vault's origin.
 * @module
 */
import { parseJsonObject } from "../core/json_body.ts";
import { KvmiError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";
import { type Authorization, sendAuthorized } from "../http/authorized_request.ts";
import type { HttpResponse } from "../http/http_client.ts";

/** The data-plane api-version kvmi sends (the one current Azure SDKs send). */
export const KEYVAULT_API_VERSION = "2026-04-01";

/** Sends requests to one vault. */
export class KeyVaultTransport {
  readonly vault: URL;
  #auth: Authorization;

  constructor(vaultUrl: URL, auth: Authorization) {
    this.vault = vaultUrl;
    this.#auth = auth;
  }

  /** The URL of `path` (absolute: `/secrets/...`) on this vault, with the api-version. */
  url(path: string): URL {
    return withQuery(`${this.vault.origin}${path}`, { "api-version": KEYVAULT_API_VERSION });
  }

  /** Sends a request; throws the mapped Key Vault error on any status of 300 or more. */
  async send(method: string, url: URL, body?: unknown): Promise<HttpResponse> {
    const response = await sendAuthorized(this.#auth, {
      method,
      url,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // The error mapping (and its role table) loads only when there is an error to map.
    if (response.status >= 300) throw (await import("./keyvault_error.ts")).keyVaultError(response);
    return response;
  }

  /** Sends a request to `path` and parses the JSON object it returns. */
  async json(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    return parseBody(await this.send(method, this.url(path), body));
  }

  /** GETs `path` and every page after it, returning all `value` items. */
  async pages<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: URL | undefined = this.url(path);
    for (let page = 0; next; page++) {
      if (page > 10_000) throw new KvmiError("Key Vault returned more than 10,000 pages; stopping.", { code: "PagingLoop", kind: "other" });
      const json = parseBody(await this.send("GET", next));
      items.push(...(Array.isArray(json.value) ? json.value as T[] : []));
      next = typeof json.nextLink === "string" && json.nextLink ? this.#nextLink(json.nextLink) : undefined;
    }
    return items;
  }

  #nextLink(link: string): URL {
    const url = URL.parse(link);
    if (url === null || url.origin !== this.vault.origin) {
      throw new KvmiError(`Key Vault returned a nextLink ${url ? `to another host (${url.host})` : "that is not an absolute URL"}; refusing to follow it.`, {
        code: "UnexpectedNextLink",
        kind: "other",
      });
    }
    return url;
  }
}

function parseBody(response: HttpResponse): Record<string, unknown> {
  const json = parseJsonObject(response.body);
  if (!json) {
    throw new KvmiError(`Key Vault answered ${response.status} with a body that is not JSON.`, {
      code: "InvalidResponse",
      kind: "other",
      hint: "A proxy or firewall may be answering instead of Key Vault.",
    });
  }
  return json;
}
