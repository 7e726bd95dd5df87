/**
 * Service principal with a client secret (OAuth 2.0 client credentials grant against Entra ID),
 * for servers outside Azure. The secret comes from the environment, never from argv.
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";
import { firstLine, parseJsonObject, stringField } from "../core/json_body.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import type { HttpClient } from "../http/http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "../http/retry.ts";

/** The three values the Azure SDK's EnvironmentCredential reads. */
export interface ClientSecretSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Gets tokens from `{authorityHost}/{tenant}/oauth2/v2.0/token`. */
export class ClientSecretCredential implements TokenCredential {
  readonly source = "ServicePrincipal (client secret)";
  #http: HttpClient;
  #authorityHost: string;
  #settings: ClientSecretSettings;

  constructor(http: HttpClient, authorityHost: string, settings: ClientSecretSettings) {
    this.#http = http;
    this.#authorityHost = authorityHost;
    this.#settings = settings;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const url = new URL(`${this.#authorityHost}/${encodeURIComponent(this.#settings.tenantId)}/oauth2/v2.0/token`);
    if (url.protocol !== "https:") {
      throw new KvmiError(`Refusing to send a client secret to the non-https authority ${url.origin}.`, {
        code: "InsecureAuthority",
        kind: "usage",
        hint: "Set AZURE_AUTHORITY_HOST to an https URL.",
      });
    }
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: this.#settings.clientId,
      client_secret: this.#settings.clientSecret,
      scope: scopeForResource(resource),
    }).toString();
    const response = await sendWithRetry(
      () => this.#http.send({ method: "POST", url, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }),
      serviceRetryPolicy,
    );
    const json = parseJsonObject(response.body);
    if (response.status !== 200) {
      const description = firstLine(stringField(json, "error_description") ?? `HTTP ${response.status}`);
      throw new KvmiError(`Entra ID refused the client credentials: ${stringField(json, "error") ?? "error"}: ${description}`, {
        code: "ClientAuthenticationFailed",
        kind: isTransientStatus(response.status) ? "unavailable" : "authentication",
        status: response.status,
        hint: entraHint(description),
      });
    }
    const token = stringField(json, "access_token");
    const expiresIn = Number(json?.expires_in);
    if (!token || !Number.isFinite(expiresIn)) {
      throw new KvmiError("Entra ID answered 200 without a usable access_token/expires_in.", {
        code: "InvalidTokenResponse",
        kind: "authentication",
      });
    }
    return { token, expiresOn: Math.floor(Date.now() / 1000) + expiresIn, resource, source: this.source };
  }
}

/** Turns a v1 resource (`https://vault.azure.net`) into a v2 scope (`https://vault.azure.net/.default`). */
export function scopeForResource(resource: string): string {
  return resource.endsWith("/.default") ? resource : `${resource.replace(/\/+$/, "")}/.default`;
}

function entraHint(description: string): string | undefined {
  if (/AADSTS7000215|AADSTS70002/.test(description)) return "Check AZURE_CLIENT_SECRET: it is wrong or has expired.";
  if (/AADSTS700016|AADSTS700011/.test(description)) return "Check AZURE_CLIENT_ID: no such application in the tenant.";
  if (/AADSTS90002/.test(description)) return "Check AZURE_TENANT_ID: no such tenant.";
  if (/AADSTS500011|AADSTS70011/.test(description)) return "Check the resource (audience) requested.";
  return undefined;
}
