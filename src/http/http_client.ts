/**
 * The one place kvmi touches the network: `fetch` with a per-attempt timeout, the cloud's extra
 * CA, a direct (proxy-free) connection for IMDS and loopback, and safe error messages.
 *
 * @example
 * ```ts
 * import { HttpClient } from "./http_client.ts";
 * const http = new HttpClient();
 * const response = await http.send({ method: "GET", url: new URL("http://169.254.169.254/metadata/instance?api-version=2021-02-01"), headers: { Metadata: "true" }, direct: true });
 * console.log(response.status);
 * http.close();
 * ```
 * @module
 */
import { KvmiError, usageError } from "../core/errors.ts";
import { concatBytes } from "../core/bounded_read.ts";
import { deadlineExceeded, remainingMs } from "../core/deadline.ts";
import { RESPONSE_BODY_MAX_BYTES, SERVICE_ATTEMPT_TIMEOUT_MS } from "../core/limits.ts";
import { isVerbose, verbose } from "../core/verbose.ts";
import { queryNames } from "./query_string.ts";

/** A request as the clients describe it. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Per-attempt timeout in milliseconds (default `SERVICE_ATTEMPT_TIMEOUT_MS`), cut to the command's deadline. */
  timeoutMs?: number;
  /** Connect straight to the host even if HTTP(S)_PROXY/ALL_PROXY are set (IMDS, loopback). */
  direct?: boolean;
}

/** A fully read response. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Options for {@link HttpClient}. */
export interface HttpClientOptions {
  /** PEM text of extra CA certificates to trust in addition to the default roots. */
  caCerts?: string[];
}

/** Sends requests; one instance per process is enough. */
export class HttpClient {
  #caCerts: string[];
  #systemTrusted = false;
  #client?: Deno.HttpClient;
  #directClients = new Map<string, Deno.HttpClient>();

  constructor(options: HttpClientOptions = {}) {
    this.#caCerts = options.caCerts ?? [];
  }

  /**
   * Sends one request and reads the whole body. Network failures become {@link KvmiError}s. A
   * certificate the bundled roots do not trust is tried once more with the system store added.
   */
  async send(request: HttpRequest): Promise<HttpResponse> {
    try {
      return await this.#send(request);
    } catch (error) {
      if (this.#systemTrusted || request.url.protocol !== "https:") throw error;
      // Loaded only after a TLS failure: an ordinary run never reads the system store's code or files.
      const trust = await import("./system_trust.ts").catch(() => undefined);
      if (!trust?.isUntrustedCertificate(error)) throw error;
      const system = trust.systemCaBundle();
      if (system === undefined) throw error;
      this.#systemTrusted = true;
      this.#caCerts = [...this.#caCerts, system];
      this.close();
      this.#client = undefined;
      this.#directClients.clear();
      verbose("the server's certificate is not trusted by the bundled roots; trying again with the system certificate store");
      return await this.#send(request);
    }
  }

  async #send(request: HttpRequest): Promise<HttpResponse> {
    const headers = checkedHeaders(request);
    const client = request.direct && proxyConfigured() ? this.#directClient(request.url) : this.#defaultClient();
    const wantedMs = request.timeoutMs ?? SERVICE_ATTEMPT_TIMEOUT_MS;
    const leftMs = remainingMs();
    if (leftMs <= 0) throw deadlineExceeded(`${request.method} ${describeUrl(request.url)}`);
    const timeoutMs = Math.min(wantedMs, leftMs);
    const started = performance.now();
    if (isVerbose()) verbose(`${request.method} ${describeUrl(request.url)}`);
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body,
        client,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await readBody(response, request.url);
      if (isVerbose()) verbose(`${response.status} from ${request.url.host} in ${Math.round(performance.now() - started)} ms`);
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof KvmiError) throw error;
      if (timeoutMs < wantedMs && isTimeout(error)) throw deadlineExceeded(`No response from ${describeUrl(request.url)}`);
      throw networkError(request.url, error, timeoutMs);
    }
  }

  /** Releases the underlying connection pools. */
  close(): void {
    this.#client?.close();
    for (const c of this.#directClients.values()) c.close();
  }

  #defaultClient(): Deno.HttpClient | undefined {
    if (this.#caCerts.length === 0) return undefined;
    this.#client ??= Deno.createHttpClient({ caCerts: this.#caCerts });
    return this.#client;
  }

  #directClient(url: URL): Deno.HttpClient {
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const key = `${url.hostname}:${port}`;
    let client = this.#directClients.get(key);
    if (!client) {
      client = Deno.createHttpClient({
        caCerts: this.#caCerts,
        proxy: { transport: "tcp", hostname: url.hostname.replace(/^\[|\]$/g, ""), port },
      });
      this.#directClients.set(key, client);
    }
    return client;
  }
}

/** The variables Deno's fetch takes a proxy from (upper case, then lower case). */
const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

/**
 * Whether fetch would send a request through a proxy. A direct request needs its own
 * proxy-bypassing client only then; otherwise it shares the one client (one TLS setup per run).
 */
export function proxyConfigured(env: (name: string) => string | undefined = (name) => Deno.env.get(name)): boolean {
  return PROXY_VARIABLES.some((name) => (env(name) ?? "") !== "");
}

/** Sends one unauthenticated GET to the root of `url`'s origin, to check DNS and TLS; returns the HTTP status. */
export async function probeOrigin(http: HttpClient, url: URL, timeoutMs = 5000): Promise<number> {
  return (await http.send({ method: "GET", url: new URL("/", url), timeoutMs })).status;
}

/** Whether the URL's host is this machine (localhost, 127.0.0.1 or [::1]). */
export function isLoopbackUrl(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** A URL as it may appear in logs and errors: origin and path, no query values. */
export function describeUrl(url: URL): string {
  const params = queryNames(url);
  return `${url.origin}${url.pathname}${params.length ? "?" + params.map((k) => `${k}=...`).join("&") : ""}`;
}

/** Whether a network error (not an HTTP status) should count as transient. */
export function isNetworkError(error: unknown): error is KvmiError {
  return error instanceof KvmiError && (error.code === "NetworkError" || error.code === "Timeout");
}

/** A header name: an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value fetch accepts once trimmed: no NUL, CR or LF, nothing beyond Latin-1. */
const HEADER_VALUE = /^[^\0\r\n\u0100-\uffff]*$/;
/** What Headers trims from both ends of a value before checking it. */
const HEADER_VALUE_EDGES = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/**
 * Validates header names and values and the method/body pair before anything is sent: a bad one is
 * a usage error. Returns the headers as a plain record for fetch (which checks them again itself),
 * one entry per case-insensitive name, each value trimmed first as Headers does (so a secret read
 * from a file with a final line break still goes out without it).
 */
function checkedHeaders(request: HttpRequest): Record<string, string> {
  if (request.body !== undefined && ["GET", "HEAD"].includes(request.method.toUpperCase())) {
    throw usageError(`A ${request.method.toUpperCase()} request cannot have a body.`, "Drop --body, or use POST, PUT or PATCH.");
  }
  const byName = new Map<string, [string, string]>();
  for (const [name, raw] of Object.entries(request.headers ?? {})) {
    const value = raw.replace(HEADER_VALUE_EDGES, "");
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
      throw usageError(
        `Invalid HTTP header ${JSON.stringify(name.slice(0, 64))}: names are letters, digits and !#$%&'*+-.^_\`|~, values have no line breaks.`,
      );
    }
    // Names are case-insensitive: a later one replaces an earlier one (as Headers.set would), never joins it.
    byName.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byName.values());
}

/**
 * Reads a response body up to {@link RESPONSE_BODY_MAX_BYTES}; a larger one is an error, not an
 * unbounded read. A body with a `Content-Length` within the limit, no `Transfer-Encoding` and no
 * `Content-Encoding` is read in one step: the HTTP stack then never delivers more than the declared
 * length (HTTP/1.1 reads exactly that many bytes, HTTP/2 treats more as a protocol error). Any other
 * body is read in chunks and counted: with a `Transfer-Encoding` the length is ignored (the body
 * runs to its last chunk or the connection's end), and a compressed body's length is that of the
 * compressed bytes, which fetch decompresses.
 */
async function readBody(response: Response, url: URL): Promise<string> {
  if (!response.body) return "";
  if (declaredWithinLimit(response.headers)) return await response.text();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    total += read.value.length;
    if (total > RESPONSE_BODY_MAX_BYTES) {
      await reader.cancel().catch(() => {});
      throw new KvmiError(`The response from ${describeUrl(url)} is larger than ${RESPONSE_BODY_MAX_BYTES} bytes.`, {
        code: "ResponseTooLarge",
        kind: "other",
        status: response.status,
      });
    }
    chunks.push(read.value);
  }
  return new TextDecoder().decode(concatBytes(chunks, total));
}

/** Whether the headers declare an uncompressed body no larger than {@link RESPONSE_BODY_MAX_BYTES} whose length the HTTP stack enforces. */
export function declaredWithinLimit(headers: Headers): boolean {
  if (headers.has("transfer-encoding")) return false;
  const encoding = headers.get("content-encoding");
  if (encoding !== null && encoding.trim().toLowerCase() !== "identity") return false;
  const length = headers.get("content-length");
  return length !== null && /^\d{1,15}$/.test(length.trim()) && Number(length) <= RESPONSE_BODY_MAX_BYTES;
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

function networkError(url: URL, error: unknown, timeoutMs: number): KvmiError {
  const where = describeUrl(url);
  if (isTimeout(error)) {
    return new KvmiError(`No response from ${where} within ${timeoutMs} ms.`, {
      code: "Timeout",
      kind: "unavailable",
      hint: "Check that the endpoint is reachable from this machine (firewall, proxy, DNS).",
    });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  const reason = cause.replace(/https?:\/\/\S+/g, "").replace(/^.*?: /, "").trim();
  return new KvmiError(`Cannot connect to ${where}: ${reason}.`, {
    code: "NetworkError",
    kind: "unavailable",
    hint: "Check that the endpoint is reachable from this machine (firewall, proxy, DNS).",
  });
}
