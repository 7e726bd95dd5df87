/**
 * What the managed-identity sources (IMDS, App Service, Azure Arc) share: reading
 * `IDENTITY_ENDPOINT`, the token URL with the user-assigned selector, and the token response (`access_token` and `expires_on`); the Entra
 * request reads its `access_token` with the same {@link accessTokenFrom}.
 * @module
 */
import type { AccessToken, IdentitySelector } from "../core/credential.ts";
import { KvmiError } from "../core/errors.ts";
import { parseJsonObject, stringField } from "../core/json_body.ts";
import { isLoopbackUrl } from "../http/http_client.ts";
import { withQuery } from "../http/query_string.ts";

/** Parses `IDENTITY_ENDPOINT`; a value that is not a URL is an identity failure (exit 3). */
export function parseIdentityEndpoint(endpoint: string): URL {
  try {
    return new URL(endpoint);
  } catch {
    throw new KvmiError(`IDENTITY_ENDPOINT is not a URL: '${endpoint}'.`, { code: "InvalidIdentityEndpoint", kind: "authentication" });
  }
}

/**
 * Where a host's identity endpoint may be before it is sent the host's secret: App Service's over
 * https or on this machine, the Azure Arc agent's on this machine only.
 */
export type IdentityEndpointRule = "app-service" | "arc";

/**
 * Parses `IDENTITY_ENDPOINT` and checks it against its host's rule; a bad one is an identity
 * failure (exit 3). Checked when the credential is chosen, before its module loads, and again by the credential.
 */
export function checkedIdentityEndpoint(endpoint: string, rule: IdentityEndpointRule): URL {
  const url = parseIdentityEndpoint(endpoint);
  if (rule === "arc" && !isLoopbackUrl(url)) {
    throw new KvmiError(`The Azure Arc identity endpoint must be on this machine, not ${url.host}.`, {
      code: "InvalidIdentityEndpoint",
      kind: "authentication",
      hint: "The agent listens on http://localhost:40342; check IDENTITY_ENDPOINT.",
    });
  }
  if (rule === "app-service" && !isLoopbackUrl(url) && url.protocol !== "https:") {
    throw new KvmiError(`Refusing to send IDENTITY_HEADER over plain http to ${url.host}.`, {
      code: "InsecureIdentityEndpoint",
      kind: "authentication",
      hint: "App Service's identity endpoint is local; check IDENTITY_ENDPOINT.",
    });
  }
  return url;
}

/** The query parameter names an endpoint uses for the user-assigned selectors. */
export interface SelectorParameterNames {
  clientId: string;
  objectId: string;
  resourceId: string;
}

/** The IMDS names (also Azure Arc's): `client_id`, `object_id`, `msi_res_id`. */
export const IMDS_SELECTOR_NAMES: SelectorParameterNames = { clientId: "client_id", objectId: "object_id", resourceId: "msi_res_id" };

/** The token URL: `endpoint` with `api-version`, `resource` and at most one selector parameter. */
export function managedIdentityTokenUrl(
  endpoint: string | URL,
  apiVersion: string,
  resource: string,
  selector: IdentitySelector,
  names: SelectorParameterNames = IMDS_SELECTOR_NAMES,
): URL {
  return withQuery(endpoint, {
    "api-version": apiVersion,
    resource,
    [names.clientId]: selector.clientId || undefined,
    [names.objectId]: selector.objectId || undefined,
    [names.resourceId]: selector.resourceId || undefined,
  });
}

/** The latest expiry (Unix seconds) a token may claim: 9999-12-31, well inside what a Date can hold. */
const MAX_EXPIRES_ON = 253_402_300_799;

/** The token of a token response whose expiry (Unix seconds) is `expiresOn`; undefined when either is unusable. */
export function accessTokenFrom(json: Record<string, unknown> | undefined, expiresOn: number, resource: string, source: string): AccessToken | undefined {
  const token = stringField(json, "access_token");
  return token && Number.isFinite(expiresOn) && expiresOn > 0 && expiresOn < MAX_EXPIRES_ON ? { token, expiresOn, resource, source } : undefined;
}

/** Parses a managed-identity token response (`expires_on` as string or number). */
export function parseManagedIdentityToken(body: string, resource: string, source: string): AccessToken {
  const json = parseJsonObject(body);
  const token = accessTokenFrom(json, Number(json?.expires_on), resource, source);
  if (token && token.expiresOn <= Date.now() / 1000) {
    throw new KvmiError(`The managed identity endpoint issued a token that expired at ${new Date(token.expiresOn * 1000).toISOString()}.`, {
      code: "ExpiredToken",
      kind: "authentication",
      hint: "Check this machine's clock (kvmi doctor); if it is right, the identity endpoint is misbehaving: try again in a minute.",
    });
  }
  if (token) return token;
  throw new KvmiError("The managed identity endpoint answered 200 without a usable access_token/expires_on.", {
    code: "InvalidTokenResponse",
    kind: "authentication",
    hint: "A proxy may be answering instead of the identity endpoint; make sure it is reached directly.",
  });
}
