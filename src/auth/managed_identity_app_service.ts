/**
 * Managed identity on App Service, Azure Functions and Azure Automation: the local token endpoint
 * in `IDENTITY_ENDPOINT`, authenticated with the rotating `IDENTITY_HEADER` secret sent as
 * `X-IDENTITY-HEADER`, api-version 2019-08-01, user-assigned identities by `client_id`,
 * `principal_id` or `mi_res_id`.
 * @module
 */
import { checkedIdentityEndpoint, managedIdentityTokenUrl, parseManagedIdentityToken, type SelectorParameterNames } from "./identity_endpoint.ts";
import type { AccessToken, IdentitySelector, TokenCredential } from "../core/credential.ts";
import { firstLine, parseJsonObject, stringField } from "../core/json_body.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import type { HttpClient } from "../http/http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "../http/retry.ts";

const APP_SERVICE_SELECTOR_NAMES: SelectorParameterNames = { clientId: "client_id", objectId: "principal_id", resourceId: "mi_res_id" };

/** Gets tokens from the App Service identity endpoint. */
export class AppServiceCredential implements TokenCredential {
  readonly source = "ManagedIdentity (App Service)";
  #http: HttpClient;
  #endpoint: URL;
  #header: string;
  #selector: IdentitySelector;

  constructor(http: HttpClient, endpoint: string, header: string, selector: IdentitySelector = {}) {
    this.#http = http;
    this.#endpoint = checkedIdentityEndpoint(endpoint, "app-service");
    this.#header = header;
    this.#selector = selector;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const url = managedIdentityTokenUrl(this.#endpoint, "2019-08-01", resource, this.#selector, APP_SERVICE_SELECTOR_NAMES);
    let response;
    try {
      response = await sendWithRetry(
        () => this.#http.send({ method: "GET", url, headers: { "X-IDENTITY-HEADER": this.#header }, direct: true, timeoutMs: 10_000 }),
        serviceRetryPolicy,
      );
    } catch (error) {
      throw new KvmiError(`The App Service identity endpoint could not be reached: ${(error as Error).message}`, {
        code: "IdentityEndpointUnreachable",
        kind: "authentication",
      });
    }
    if (response.status !== 200) {
      const json = parseJsonObject(response.body);
      const message = firstLine(stringField(json, "message") ?? stringField(json, "error_description") ?? response.body.slice(0, 200));
      throw new KvmiError(`The App Service identity endpoint refused the token request (HTTP ${response.status}): ${message}`, {
        code: "ManagedIdentityError",
        status: response.status,
        kind: isTransientStatus(response.status) ? "unavailable" : "authentication",
        hint: "Check that the app has a managed identity (and the user-assigned id, if you passed one).",
      });
    }
    return parseManagedIdentityToken(response.body, resource, this.source);
  }
}
