/**
 * Managed identity on Azure VMs and scale sets: the Instance Metadata Service (IMDS) token
 * endpoint, plain http on 169.254.169.254 (or `AZURE_POD_IDENTITY_AUTHORITY_HOST`), always
 * `Metadata: true`, never through a proxy, with Microsoft's documented retry policy.
 * @module
 */
import type { AccessToken, IdentitySelector, TokenCredential } from "../core/credential.ts";
import { firstLine, parseJsonObject, stringField } from "../core/json_body.ts";
import { KvmiError } from "../core/errors.ts";
import type { HttpClient, HttpResponse } from "../http/http_client.ts";
import { imdsRetryPolicy, sendWithRetry } from "../http/retry.ts";
import { withShortFirstAnswer } from "../http/first_answer.ts";
import { managedIdentityTokenUrl, parseManagedIdentityToken } from "./identity_endpoint.ts";

/** The api-version every Azure SDK sends to the IMDS identity endpoint. */
export const IMDS_IDENTITY_API_VERSION = "2018-02-01";

/** Gets tokens from IMDS. */
export class ImdsCredential implements TokenCredential {
  readonly source = "ManagedIdentity (IMDS)";
  #http: HttpClient;
  #endpoint: string;
  #selector: IdentitySelector;

  /** `endpoint` is the IMDS base URL, e.g. `http://169.254.169.254`. */
  constructor(http: HttpClient, endpoint: string, selector: IdentitySelector = {}) {
    this.#http = http;
    this.#endpoint = endpoint;
    this.#selector = selector;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const url = imdsTokenUrl(this.#endpoint, resource, this.#selector);
    let response: HttpResponse;
    try {
      response = await sendWithRetry(
        withShortFirstAnswer(
          url,
          (timeoutMs) => this.#http.send({ method: "GET", url, headers: { Metadata: "true" }, direct: true, timeoutMs }),
        ),
        imdsRetryPolicy,
      );
    } catch (error) {
      if (error instanceof KvmiError && error.code === "DeadlineExceeded") throw error;
      throw imdsUnreachable(this.#endpoint, error);
    }
    if (response.status !== 200) throw imdsError(response, this.#selector);
    return parseManagedIdentityToken(response.body, resource, this.source);
  }
}

/** Builds the IMDS token URL with exactly one of the selector parameters. */
export function imdsTokenUrl(endpoint: string, resource: string, selector: IdentitySelector): URL {
  return managedIdentityTokenUrl(`${endpoint}/metadata/identity/oauth2/token`, IMDS_IDENTITY_API_VERSION, resource, selector);
}

function imdsUnreachable(endpoint: string, error: unknown): KvmiError {
  const reason = error instanceof Error ? error.message : String(error);
  return new KvmiError(`The managed identity endpoint (IMDS) at ${endpoint} could not be reached: ${reason}`, {
    code: "ImdsUnreachable",
    kind: "authentication",
    hint: "Run kvmi on an Azure VM with a managed identity, or off Azure set AZURE_CLIENT_ID, AZURE_TENANT_ID and " +
      "AZURE_CLIENT_SECRET (service principal), or point AZURE_POD_IDENTITY_AUTHORITY_HOST at the kvmi emulator.",
  });
}

function imdsError(response: HttpResponse, selector: IdentitySelector): KvmiError {
  const json = parseJsonObject(response.body);
  const code = stringField(json, "error") ?? `http_${response.status}`;
  const description = firstLine(stringField(json, "error_description") ?? response.body.slice(0, 200));
  const status = response.status;
  if (status === 429 || status >= 500 || status === 404 || status === 410) {
    return new KvmiError(`IMDS kept failing with HTTP ${status} (${code}) after retries: ${description}`, {
      code: "ImdsUnavailable",
      kind: "unavailable",
      status,
      hint: "IMDS may be updating or throttling this VM (20 token requests/s); try again in a minute.",
    });
  }
  const selected = selector.clientId ?? selector.objectId ?? selector.resourceId;
  const hint = /identity not found/i.test(description)
    ? selected
      ? `No managed identity '${selected}' is assigned to this VM; check the id or assign the identity to the VM.`
      : "This VM has no system-assigned identity; enable it or pass --client-id/--object-id/--msi-res-id."
    : /AADSTS50001|AADSTS500011|invalid_resource/i.test(`${code} ${description}`)
    ? "The resource (audience) is not known in this tenant; check --resource."
    : undefined;
  return new KvmiError(`IMDS refused the token request: ${code}: ${description}`, {
    code: /identity not found/i.test(description) ? "IdentityNotFound" : "ManagedIdentityError",
    kind: "authentication",
    status,
    hint,
  });
}
