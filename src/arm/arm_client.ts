/**
 * Calling ARM (and other Azure REST APIs) with a bearer token: one request, all pages of a
 * list (`nextLink`), and long-running operations (`Azure-AsyncOperation` / `Location`) followed
 * to their final result.
 *
 * @example
 * ```ts
 * import { RestClient, jsonBody } from "./arm_client.ts";
 * import { armAuthorization, createAzureContext } from "../commands/context.ts";
 * const context = createAzureContext({});
 * const client = new RestClient(context.http, armAuthorization(context));
 * const url = new URL(`${context.cloud.armEndpoint}/subscriptions?api-version=2022-12-01`);
 * const subscriptions = jsonBody(await client.send({ method: "GET", url }));
 * ```
 * @module
 */
import { armError } from "./arm_error.ts";
import { parseJsonObject } from "../core/json_body.ts";
import { KvmiError } from "../core/errors.ts";
import { verbose } from "../core/verbose.ts";
import { type Authorization, sendAuthorized } from "../http/authorized_request.ts";
import type { HttpClient, HttpResponse } from "../http/http_client.ts";
import { retryAfterMs, retryDelayScale, sendWithRetry, serviceRetryPolicy } from "../http/retry.ts";

/** One REST request. */
export interface RestRequest {
  method: string;
  url: URL;
  body?: string;
  headers?: Record<string, string>;
}

/** Sends REST requests, with a token when an audience is given. */
export class RestClient {
  #http: HttpClient;
  #auth?: Authorization;

  /** `auth` undefined means no token is sent (an unknown host without `--resource`). */
  constructor(http: HttpClient, auth?: Authorization) {
    this.#http = http;
    this.#auth = auth;
  }

  /** Sends one request; returns the response whatever its status. */
  async send(request: RestRequest): Promise<HttpResponse> {
    const headers = { ...(request.body !== undefined ? { "Content-Type": "application/json" } : {}), ...request.headers };
    if (this.#auth) return await sendAuthorized(this.#auth, { ...request, headers });
    return await sendWithRetry(() => this.#http.send({ ...request, headers }), serviceRetryPolicy);
  }

  /** Sends one request and throws a mapped error unless it succeeded. */
  async sendOk(request: RestRequest): Promise<HttpResponse> {
    const response = await this.send(request);
    if (response.status >= 400) throw armError(response, request.url.host);
    return response;
  }

  /** GETs `url` and every `nextLink` after it, merging `value` arrays into the first page's shape. */
  async paginate(url: URL): Promise<{ response: HttpResponse; value: unknown[] }> {
    const first = await this.sendOk({ method: "GET", url });
    const value: unknown[] = [];
    let body = jsonBody(first);
    for (let page = 1;; page++) {
      if (!Array.isArray(body.value)) throw new KvmiError("--paginate needs a response with a 'value' array.", { code: "NotAList", kind: "usage" });
      value.push(...body.value);
      if (typeof body.nextLink !== "string" || !body.nextLink) break;
      if (page > 10_000) throw new KvmiError("More than 10,000 pages; stopping.", { code: "PagingLoop", kind: "other" });
      const next = URL.parse(body.nextLink);
      if (next === null || next.origin !== url.origin) {
        const where = next ? `at another host (${next.host})` : "nowhere (not an absolute URL)";
        throw new KvmiError(`nextLink points ${where}; refusing to follow it.`, { code: "UnexpectedNextLink", kind: "other" });
      }
      verbose(`following nextLink (page ${page + 1})`);
      body = jsonBody(await this.sendOk({ method: "GET", url: next }));
    }
    return { response: first, value };
  }

  /**
   * Follows a long-running operation started by `request` whose first response was `initial`:
   * polls `Azure-AsyncOperation` (else `Location`) honouring `Retry-After`, then returns the
   * final resource (GET of the original URL for PUT/PATCH) or the final polling response.
   */
  async waitForCompletion(request: RestRequest, initial: HttpResponse, progress: (status: string) => void): Promise<HttpResponse> {
    const asyncUrl = initial.headers.get("azure-asyncoperation");
    const locationUrl = initial.headers.get("location");
    if (!asyncUrl && !(locationUrl && initial.status === 202)) return initial;
    let delay = retryAfterMs(initial.headers) ?? 1000;
    for (let poll = 1; poll <= 3600; poll++) {
      await sleep(delay);
      if (asyncUrl) {
        const status = await this.sendOk({ method: "GET", url: this.#pollUrl(asyncUrl, request.url) });
        const body = jsonBody(status);
        const state = String(body.status ?? "");
        progress(state);
        if (/^(succeeded|failed|canceled|cancelled)$/i.test(state)) {
          if (!/^succeeded$/i.test(state)) {
            const error = body.error as Record<string, unknown> | undefined;
            throw new KvmiError(`The operation ended ${state}: ${String(error?.code ?? "")} ${String(error?.message ?? "")}`.trim(), {
              code: "OperationFailed",
              kind: "other",
            });
          }
          if (request.method === "PUT" || request.method === "PATCH") return await this.sendOk({ method: "GET", url: request.url });
          return status;
        }
        delay = retryAfterMs(status.headers) ?? delay;
      } else {
        const status = await this.sendOk({ method: "GET", url: this.#pollUrl(locationUrl!, request.url) });
        if (status.status !== 202) return status;
        progress("InProgress");
        delay = retryAfterMs(status.headers) ?? delay;
      }
    }
    throw new KvmiError("The operation did not finish after 3,600 polls.", { code: "OperationTimeout", kind: "unavailable" });
  }

  #pollUrl(text: string, original: URL): URL {
    const url = new URL(text, original);
    if (url.origin !== original.origin) {
      throw new KvmiError(`The service asked to poll another host (${url.host}); refusing.`, { code: "UnexpectedPollUrl", kind: "other" });
    }
    return url;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.round(ms * retryDelayScale())));
}

/** Parses a response body as a JSON object, or throws a clear error. */
export function jsonBody(response: HttpResponse): Record<string, unknown> {
  const json = parseJsonObject(response.body);
  if (!json) {
    throw new KvmiError(`Expected a JSON object, got HTTP ${response.status} with ${response.body.length ? "another body" : "no body"}.`, {
      code: "InvalidResponse",
      kind: "other",
    });
  }
  return json;
}
