/**
 * The Entra ID (login.microsoftonline.com) surface a service principal needs: OpenID
 * configuration, JWKS, instance discovery, and the v2.0 token endpoint with the client
 * credentials grant, answering failures with AADSTS-style errors.
 * @module
 */
import { type Faults } from "./faults.ts";
import { drainBody, guid, jsonResponse } from "./http_util.ts";
import { identitySubject } from "./imds_server.ts";
import type { TokenIssuer } from "./token_issuer.ts";
import { canonicalResource, findPrincipal, type Principal, type World } from "./world.ts";

/** Lifetime of client-credential tokens. */
export const CLIENT_TOKEN_SECONDS = 3599;

/** Everything the Entra server needs. */
export interface EntraContext {
  world: World;
  issuer: TokenIssuer;
  faults: Faults;
  /** The authority host's own base URL, e.g. `https://127.0.0.1:4321`. */
  baseUrl: () => string;
}

/** Builds the Entra request handler. */
export function createEntraHandler(ctx: EntraContext): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const segments = url.pathname.split("/").filter(Boolean);
    const fault = ctx.faults.next("entra");
    if (fault?.kind === "status") {
      await drainBody(request);
      return aadError(fault.status!, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.");
    }
    const [tenant, ...rest] = segments;
    const route = rest.join("/").toLowerCase();
    if (tenant === "common" && route === "discovery/instance") return instanceDiscovery(ctx, url);
    if (tenant === "common" && route === "discovery/keys") return jsonResponse(200, ctx.issuer.jwks);
    if (!tenant || (tenant !== ctx.world.tenantId && tenant !== "organizations")) {
      await drainBody(request);
      return aadError(
        400,
        "invalid_request",
        90002,
        `Tenant '${tenant ?? ""}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (request.method === "GET" && (route === "v2.0/.well-known/openid-configuration" || route === ".well-known/openid-configuration")) {
      return jsonResponse(200, openIdConfiguration(ctx, route.startsWith("v2.0")));
    }
    if (request.method === "GET" && (route === "discovery/v2.0/keys" || route === "discovery/keys")) return jsonResponse(200, ctx.issuer.jwks);
    if (request.method === "POST" && route === "oauth2/v2.0/token") return await token(ctx, request, "v2");
    if (request.method === "POST" && route === "oauth2/token") return await token(ctx, request, "v1");
    await drainBody(request);
    return jsonResponse(404, { error: "not_found", error_description: `No such endpoint: ${url.pathname}` });
  };
}

function openIdConfiguration(ctx: EntraContext, v2: boolean): Record<string, unknown> {
  const base = `${ctx.baseUrl()}/${ctx.world.tenantId}`;
  return {
    token_endpoint: `${base}/oauth2${v2 ? "/v2.0" : ""}/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery${v2 ? "/v2.0" : ""}/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2 ? `${ctx.baseUrl()}/${ctx.world.tenantId}/v2.0` : `https://sts.windows.net/${ctx.world.tenantId}/`,
    authorization_endpoint: `${base}/oauth2${v2 ? "/v2.0" : ""}/authorize`,
    tenant_region_scope: "AS",
    cloud_instance_name: "microsoftonline.com",
  };
}

function instanceDiscovery(ctx: EntraContext, url: URL): Response {
  const host = new URL(ctx.baseUrl()).host;
  return jsonResponse(200, {
    tenant_discovery_endpoint: `${ctx.baseUrl()}/${ctx.world.tenantId}/v2.0/.well-known/openid-configuration`,
    "api-version": url.searchParams.get("api-version") ?? "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

/** An AADSTS-style error body. */
function aadError(status: number, error: string, code: number, text: string): Response {
  const traceId = guid();
  const correlationId = guid();
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return jsonResponse(status, {
    error,
    error_description: [`AADSTS${code}: ${text}`, `Trace ID: ${traceId}`, `Correlation ID: ${correlationId}`, `Timestamp: ${timestamp}`].join("\r\n"),
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/**
 * The client-credentials grant on the v2.0 endpoint (`scope=<resource>/.default`, numeric
 * `expires_in`) or the v1 endpoint older scripts use (`resource=<resource>`, every field a string,
 * with `expires_on`, `not_before` and the `resource` echoed).
 */
async function token(ctx: EntraContext, request: Request, dialect: "v1" | "v2"): Promise<Response> {
  const form = new URLSearchParams(await request.text());
  const grant = form.get("grant_type");
  if (grant !== "client_credentials") {
    return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant ?? ""}'.`);
  }
  let clientId = form.get("client_id") ?? "";
  let secret = form.get("client_secret") ?? "";
  const basic = request.headers.get("authorization")?.match(/^Basic\s+(.+)$/i);
  if (basic) {
    const [id, pw] = atob(basic[1]).split(":");
    clientId ||= decodeURIComponent(id ?? "");
    secret ||= decodeURIComponent(pw ?? "");
  }
  const principal = findPrincipal(ctx.world, { appId: clientId });
  if (!clientId || !principal || principal.kind !== "ServicePrincipal") {
    return aadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.world.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (form.has("client_assertion")) {
    return aadError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  }
  if (!secret || secret !== principal.secret) {
    return aadError(
      401,
      "invalid_client",
      7000215,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
        clientId + "'.",
    );
  }
  if (dialect === "v1") return await v1Token(ctx, form, principal);
  const scope = form.get("scope") ?? "";
  const scopes = scope.split(" ").filter(Boolean);
  if (scopes.length !== 1 || !scopes[0].endsWith("/.default")) {
    return aadError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resource = scopes[0].slice(0, -"/.default".length);
  const audience = canonicalResource(ctx.world, resource);
  if (!audience) return unknownResource(ctx, resource);
  const minted = await ctx.issuer.issue(identitySubject(ctx.world, principal), audience, CLIENT_TOKEN_SECONDS);
  return jsonResponse(200, { token_type: "Bearer", expires_in: CLIENT_TOKEN_SECONDS, ext_expires_in: CLIENT_TOKEN_SECONDS, access_token: minted.token });
}

function unknownResource(ctx: EntraContext, resource: string): Response {
  return aadError(
    400,
    "invalid_resource",
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${ctx.world.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}

/** The v1 endpoint's answer for `resource=`: every field a string, as Entra's v1 token endpoint sends them. */
async function v1Token(ctx: EntraContext, form: URLSearchParams, principal: Principal): Promise<Response> {
  const resource = form.get("resource") ?? "";
  if (!resource) {
    return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.");
  }
  const audience = canonicalResource(ctx.world, resource);
  if (!audience) return unknownResource(ctx, resource);
  const minted = await ctx.issuer.issue(identitySubject(ctx.world, principal), audience, CLIENT_TOKEN_SECONDS);
  return jsonResponse(200, {
    token_type: "Bearer",
    expires_in: String(CLIENT_TOKEN_SECONDS),
    ext_expires_in: String(CLIENT_TOKEN_SECONDS),
    expires_on: String(minted.expiresOn),
    not_before: String(minted.notBefore),
    resource,
    access_token: minted.token,
  });
}
