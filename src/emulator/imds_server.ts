/**
 * The Instance Metadata Service of the seeded VM, plain http like the real one: the managed
 * identity token endpoint (`Metadata: true`, `resource`, `client_id`/`object_id`/`msi_res_id`,
 * every response field a string, `resource` echoed exactly, IMDS's own token cache), instance
 * metadata, identity info and versions, plus the emulator's control endpoint under `/emulator/`.
 * @module
 */
import { type Faults, parseFault } from "./faults.ts";
import { guid, jsonResponse, nowSeconds, readJson } from "./http_util.ts";
import type { TokenIssuer } from "./token_issuer.ts";
import { canonicalResource, findPrincipal, type Principal, type VirtualMachine, type World } from "./world.ts";
import { type ImdsLimiter, THROTTLED_BODY } from "./imds_limits.ts";
import { INSTANCE_API_VERSIONS, instanceMetadata, metadataForVersion, selectMetadataNode } from "./instance_metadata.ts";

/** Lifetime of managed-identity tokens (IMDS hands out ~24 h tokens). */
export const MANAGED_IDENTITY_TOKEN_SECONDS = 86_399;

/** Extra IMDS routes added by later features (scheduled events, attested data...). */
export type ImdsRoute = (request: Request, url: URL, path: string) => Promise<Response | undefined> | Response | undefined;

/** Everything the IMDS server needs. */
export interface ImdsContext {
  world: World;
  vm: VirtualMachine;
  issuer: TokenIssuer;
  faults: Faults;
  extraRoutes: ImdsRoute[];
  /** Control routes under `/emulator/` added by the emulator (state changes for tests). */
  controlRoutes: ImdsRoute[];
  /** Identity endpoints of other hosting environments (App Service, Arc), which need no Metadata header. */
  hostRoutes: ImdsRoute[];
  /** The identity endpoint's rate and concurrency limits, or undefined when switched off. */
  limiter?: ImdsLimiter;
}

/** A cached managed-identity token. */
export interface CachedToken {
  token: string;
  notBefore: number;
  expiresOn: number;
}

const IDENTITY_VERSIONS = ["2018-02-01", "2019-08-01", "2019-11-01", "2020-06-01", "2021-02-01", "2023-07-01"];

/** The `Server` header of IMDS's own answers (MSAL checks for `IMDS/`). */
export const IMDS_SERVER_HEADER = "IMDS/150.870.65.1854";

/** Paths that take POST as well as GET. */
const POST_PATHS = ["/metadata/scheduledevents"];

/** Builds the IMDS request handler: IMDS's own answers carry its `Server` header. */
export function createImdsHandler(ctx: ImdsContext): (request: Request) => Promise<Response> {
  const handle = imdsHandler(ctx);
  return async (request) => {
    const response = await handle(request);
    const path = new URL(request.url).pathname.toLowerCase();
    if (path.startsWith("/metadata/")) response.headers.set("Server", IMDS_SERVER_HEADER);
    return response;
  };
}

function methodNotAllowed(): Response {
  return jsonResponse(405, { error: "Method not allowed" });
}

function imdsHandler(ctx: ImdsContext): (request: Request) => Promise<Response> {
  const cache = new Map<string, CachedToken>();
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/{2,}/g, "/").replace(/\/$/, "").toLowerCase();
    if (path.startsWith("/emulator/")) return await control(ctx, request, path);
    if (request.headers.has("x-forwarded-for")) {
      return imdsError(400, "bad_request", "Requests with an X-Forwarded-For header are not allowed.");
    }
    if (path === "/metadata/identity/oauth2/token") {
      if (request.method !== "GET") return imdsError(405, "method_not_allowed", "The request method is not supported for the identity endpoint.");
      if (!ctx.limiter) return await identityToken(ctx, cache, request, url);
      if (!ctx.limiter.enter()) return jsonResponse(429, THROTTLED_BODY);
      try {
        return await identityToken(ctx, cache, request, url);
      } finally {
        ctx.limiter.leave();
      }
    }
    for (const route of ctx.hostRoutes) {
      const response = await route(request, url, path);
      if (response) return response;
    }
    if (request.method !== "GET" && !POST_PATHS.includes(path)) return methodNotAllowed();
    const fault = ctx.faults.next("imds");
    if (fault?.kind === "status") {
      return jsonResponse(fault.status!, { error: "Injected fault" }, fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {});
    }
    if (request.headers.get("metadata") !== "true") {
      return jsonResponse(400, { error: "Bad request. Required metadata header not specified" });
    }
    if (path === "/metadata/versions") return jsonResponse(200, { apiVersions: INSTANCE_API_VERSIONS });
    if (path === "/metadata/identity/info") return jsonResponse(200, { tenantId: ctx.world.tenantId });
    for (const route of ctx.extraRoutes) {
      const response = await route(request, url, path);
      if (response) return response;
    }
    if (path === "/metadata/instance" || path.startsWith("/metadata/instance/")) {
      const version = url.searchParams.get("api-version");
      if (!version || !INSTANCE_API_VERSIONS.includes(version)) return badApiVersion();
      const document = metadataForVersion(instanceMetadata(ctx.world, ctx.vm), version);
      const node = selectMetadataNode(document, url.pathname.split("/").slice(3).filter(Boolean));
      if (node === undefined) return jsonResponse(404, { error: "Not found" });
      if (typeof node === "string") {
        return url.searchParams.get("format") === "text"
          ? new Response(node, { headers: { "Content-Type": "text/plain; charset=utf-8" } })
          : jsonResponse(400, { error: "Bad request. Leaf nodes require format=text." });
      }
      return jsonResponse(200, node);
    }
    return jsonResponse(404, { error: "Not found" });
  };
}

function badApiVersion(): Response {
  return jsonResponse(400, {
    error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
    "newest-versions": ["2025-04-07", "2024-07-17", "2024-03-15"],
  });
}

/** The IMDS token error body: `{"error","error_description"}`. */
function imdsError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error, error_description: description }, headers);
}

async function identityToken(ctx: ImdsContext, cache: Map<string, CachedToken>, request: Request, url: URL): Promise<Response> {
  const fault = ctx.faults.next("imds-token");
  if (request.headers.get("metadata") !== "true") return imdsError(400, "bad_request_102", "Required metadata header not specified");
  if (fault?.kind === "status") {
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
    const descriptions: Record<number, [string, string]> = {
      404: ["not_found", "IMDS endpoint is updating"],
      410: ["gone", "IMDS is going through updates; retry after some time for a max of 70 seconds"],
      429: [THROTTLED_BODY.error, THROTTLED_BODY.error_description],
    };
    const [error, description] = descriptions[fault.status!] ??
      ["unknown", "Failed to retrieve token from the Active directory. For details see logs in C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.Identity.MSI"];
    return imdsError(fault.status!, error, description, headers);
  }
  const params = url.searchParams;
  const duplicate = [...new Set(params.keys())].find((k) => params.getAll(k).length > 1);
  if (duplicate) return imdsError(400, "invalid_request", `The query parameter '${duplicate}' is specified more than once.`);
  const apiVersion = params.get("api-version");
  if (!apiVersion) return imdsError(400, "invalid_request", "Required query variable 'api-version' is missing");
  if (!IDENTITY_VERSIONS.includes(apiVersion)) return badApiVersion();
  const resource = params.get("resource");
  if (!resource) return imdsError(400, "invalid_request", "Required query variable 'resource' is missing");
  const selectors = ["client_id", "object_id", "msi_res_id"].filter((k) => params.has(k));
  if (selectors.length > 1) return imdsError(400, "invalid_request", "Only one of client_id, object_id and msi_res_id may be specified");
  const issued = await issueVmToken(ctx, cache, {
    resource,
    clientId: params.get("client_id") ?? undefined,
    objectId: params.get("object_id") ?? undefined,
    resourceId: params.get("msi_res_id") ?? undefined,
    bypassCache: params.get("bypass_cache") === "true",
  }, fault?.kind);
  if (issued === "identity") return imdsError(400, "invalid_request", "Identity not found");
  if (issued === "resource") {
    return imdsError(400, "invalid_resource", unknownResourceDescription(resource, ctx.world.tenantId));
  }
  const { identity, token: cached, now } = issued;
  const body: Record<string, string> = {
    access_token: cached.token,
    client_id: identity.appId,
    expires_in: String(cached.expiresOn - now),
    expires_on: String(cached.expiresOn),
    ext_expires_in: String(cached.expiresOn - now),
    not_before: String(cached.notBefore),
    resource,
    token_type: "Bearer",
  };
  if (params.has("object_id")) body.object_id = params.get("object_id")!;
  if (params.has("msi_res_id")) body.msi_res_id = params.get("msi_res_id")!;
  return jsonResponse(200, body);
}

/** IMDS's documented AADSTS50001 description for a resource the tenant does not know, with Entra's trailer. */
export function unknownResourceDescription(resource: string, tenantId: string): string {
  const timestamp = new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return [
    `AADSTS50001: The application named ${resource} wasn't found in the tenant named ${tenantId}. This message shows if the tenant administrator hasn't installed the application or no tenant user consented to it. You might have sent your authentication request to the wrong tenant.`,
    `Trace ID: ${guid()}`,
    `Correlation ID: ${guid()}`,
    `Timestamp: ${timestamp}`,
  ].join("\r\n");
}

/** A managed-identity token request, whatever endpoint dialect it came in. */
export interface VmTokenRequest {
  resource: string;
  clientId?: string;
  objectId?: string;
  resourceId?: string;
  bypassCache?: boolean;
}

/** A token the VM's identity endpoint hands out (cached per identity and audience, as IMDS does). */
export interface VmToken {
  identity: Principal;
  token: CachedToken;
  now: number;
}

/** Token caches per endpoint (IMDS, App Service, Arc each keep their own). */
export type VmTokenCache = Map<string, CachedToken>;

/**
 * Issues (or serves from cache) a token for one of the VM's identities; returns "identity" or
 * "resource" when the identity or the audience is unknown. Faults can make it expired or malformed.
 */
export async function issueVmToken(ctx: ImdsContext, cache: VmTokenCache, request: VmTokenRequest, fault?: string): Promise<VmToken | "identity" | "resource"> {
  const identity = selectIdentity(ctx, request);
  if (!identity) return "identity";
  const audience = canonicalResource(ctx.world, request.resource);
  if (!audience) return "resource";
  const now = nowSeconds();
  const key = `${identity.objectId}|${audience}`;
  let cached = cache.get(key);
  if (fault === "expired-token") {
    const minted = await ctx.issuer.issue(identitySubject(ctx.world, identity), audience, 60, now - 7200);
    cached = { token: minted.token, notBefore: minted.notBefore, expiresOn: minted.expiresOn };
  } else if (fault === "malformed-token") {
    cached = { token: "not-a-jwt", notBefore: now, expiresOn: now + 3600 };
  } else if (!cached || request.bypassCache || cached.expiresOn - now < 300) {
    const minted = await ctx.issuer.issue(identitySubject(ctx.world, identity), audience, MANAGED_IDENTITY_TOKEN_SECONDS, now);
    cached = { token: minted.token, notBefore: minted.notBefore, expiresOn: minted.expiresOn };
    cache.set(key, cached);
  }
  return { identity, token: cached, now };
}

function selectIdentity(ctx: ImdsContext, request: VmTokenRequest): Principal | undefined {
  const attached = [ctx.vm.systemIdentity, ...ctx.vm.userAssignedIdentities].filter((id): id is string => Boolean(id));
  const candidates = attached.map((id) => ctx.world.principals.get(id)).filter((p): p is Principal => Boolean(p));
  const { clientId, objectId, resourceId } = request;
  if (clientId || objectId || resourceId) {
    const wanted = findPrincipal(ctx.world, { appId: clientId, objectId, resourceId });
    return wanted && candidates.includes(wanted) ? wanted : undefined;
  }
  return ctx.vm.systemIdentity ? ctx.world.principals.get(ctx.vm.systemIdentity) : undefined;
}

/** The token subject of a principal (managed identities carry `xms_mirid`). */
export function identitySubject(world: World, p: Principal) {
  return {
    tenantId: world.tenantId,
    objectId: p.objectId,
    appId: p.appId,
    managedIdentityResourceId: p.resourceId,
    appidacr: p.kind === "ServicePrincipal" ? "1" as const : "2" as const,
  };
}

async function control(ctx: ImdsContext, request: Request, path: string): Promise<Response> {
  const remote = request.headers.get("x-forwarded-for");
  if (remote) return jsonResponse(403, { error: "control endpoint is local only" });
  if (path === "/emulator/faults" && request.method === "POST") {
    const parsed = await readJson(request);
    const fault = "error" in parsed ? parsed.error : parseFault(parsed.value);
    if (typeof fault === "string") return jsonResponse(400, { error: fault });
    ctx.faults.add(fault);
    return jsonResponse(200, { queued: fault });
  }
  if (path === "/emulator/faults" && request.method === "DELETE") {
    ctx.faults.clear();
    return jsonResponse(200, { cleared: true });
  }
  if (path === "/emulator/requests" && request.method === "GET") return jsonResponse(200, ctx.faults.counts());
  for (const route of ctx.controlRoutes) {
    const response = await route(request, new URL(request.url), path);
    if (response) return response;
  }
  return jsonResponse(404, { error: `Unknown control endpoint ${request.method} ${path}` });
}
