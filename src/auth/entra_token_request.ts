/**
 * The one Entra ID token request: POST `{authorityHost}/{tenant}/oauth2/v2.0/token` with a
 * form, over https only, with the service retry policy; a refusal becomes an error whose hint
 * names the setting to check. Every app-only credential (client secret today; certificate or
 * federated token tomorrow) sends its own form through it.
 * @module
 */
import type { AccessToken } from "../core/credential.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import { firstLine, parseJsonObject, stringField } from "../core/json_body.ts";
import type { HttpClient } from "../http/http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "../http/retry.ts";
import { accessTokenFrom } from "./identity_endpoint.ts";

/** Where to ask and for what. */
export interface EntraTokenRequest {
  /** Entra authority host without trailing slash, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  tenantId: string;
  /** The token audience (a v1 resource; sent as its `/.default` scope). */
  resource: string;
  /** The grant's own form fields (`grant_type`, `client_id`, and its proof). */
  form: Record<string, string>;
  /** The source name the token reports. */
  source: string;
}

/** Sends the token request and returns the token, or throws a {@link KvmiError}. */
export async function requestEntraToken(http: HttpClient, request: EntraTokenRequest): Promise<AccessToken> {
  const url = new URL(`${request.authorityHost}/${encodeURIComponent(request.tenantId)}/oauth2/v2.0/token`);
  if (url.protocol !== "https:") {
    throw new KvmiError(`Refusing to send a client secret to the non-https authority ${url.origin}.`, {
      code: "InsecureAuthority",
      kind: "usage",
      hint: "Set AZURE_AUTHORITY_HOST to an https URL.",
    });
  }
  const body = new URLSearchParams({ ...request.form, scope: scopeForResource(request.resource) }).toString();
  const response = await sendWithRetry(
    () => http.send({ method: "POST", url, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }),
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
  return parseEntraToken(json, request.resource, request.source);
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

/** Parses an Entra ID token response (`expires_in` seconds from now). */
export function parseEntraToken(json: Record<string, unknown> | undefined, resource: string, source: string): AccessToken {
  const token = accessTokenFrom(json, Math.floor(Date.now() / 1000) + Number(json?.expires_in), resource, source);
  if (token) return token;
  throw new KvmiError("Entra ID answered 200 without a usable access_token/expires_in.", { code: "InvalidTokenResponse", kind: "authentication" });
}
