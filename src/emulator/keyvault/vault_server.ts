/**
 * One emulated Key Vault over https: the unauthenticated 401 challenge (before anything else is
 * looked at), token validation with the real AKV error codes, api-version checks, Azure RBAC on
 * every data action with the real `ForbiddenByRbac` message, the real response headers, and
 * dispatch to the secrets (and keys) handlers.
 *
 * @example
 * ```ts
 * import { createVaultHandler } from "./vault_server.ts";
 * import { secretsRoute } from "./secrets_api.ts";
 * import { Faults } from "../faults.ts";
 * import { seedWorld } from "../seed.ts";
 * import { TokenIssuer } from "../token_issuer.ts";
 * const world = seedWorld("demo");
 * const vault = [...world.vaults.values()][0];
 * const handler = createVaultHandler({ world, vault, issuer: await TokenIssuer.create(), faults: new Faults(), options: { deleteDelayMs: 0 }, routes: [secretsRoute] });
 * ```
 * @module
 */
import { authorize } from "../rbac/authorize.ts";
import type { VaultThrottle } from "../throttling.ts";
import type { Faults } from "../faults.ts";
import { accessPolicyRefusal, permissionFor, policiesGrant, usesAccessPolicies } from "./access_policies.ts";
import { type ApiShape, apiShape, apiVersionRefusal } from "./api_versions.ts";
import type { SecurityWorld } from "./backup_sealing.ts";
import { bearerToken, drainBody, guid, isObject, jsonResponse, readJson } from "../http_util.ts";
import { issuerFor, type TokenIssuer } from "../token_issuer.ts";
import { type Vault, vaultResourceId, type World } from "../world.ts";

const KEYVAULT_AUDIENCES = ["https://vault.azure.net", "https://vault.azure.net/"];

/** What every handler gets: the request, the vault, and the authenticated caller. */
export interface VaultRequest {
  request: Request;
  url: URL;
  world: World;
  vault: Vault;
  caller: Caller;
  /** What the request's api-version puts in responses. */
  api: ApiShape;
  /** The vault's subscription and region, to which its backups are sealed. */
  securityWorld: SecurityWorld;
  options: VaultOptions;
  /** Checks RBAC for a data action on `objectPath` (e.g. `/secrets/name`, or "" for the vault). */
  authorize(action: string, objectPath: string): Response | undefined;
  /** Sends a response with the service's headers. */
  respond(status: number, body?: unknown): Response;
}

/** The authenticated caller, from the validated token. */
export interface Caller {
  objectId: string;
  appId: string;
  issuer: string;
  resourceId?: string;
}

/** Knobs for behaviour that takes time on the real service. */
export interface VaultOptions {
  /** How long a soft delete stays invisible to `GET /deletedsecrets/{name}` (the real service: seconds). */
  deleteDelayMs: number;
  /** The vault's documented request limits, or undefined when throttling is off. */
  throttle?: VaultThrottle;
}

/** A route handler; returns undefined when the path is not its own. */
export type VaultRoute = (req: VaultRequest) => Promise<Response | undefined> | Response | undefined;

/** Everything a vault server needs. */
export interface VaultServerContext {
  world: World;
  vault: Vault;
  issuer: TokenIssuer;
  faults: Faults;
  options: VaultOptions;
  routes: VaultRoute[];
}

/** Builds the request handler of one vault. */
export function createVaultHandler(ctx: VaultServerContext): (request: Request, clientIp: string) => Promise<Response> {
  return async (request, clientIp) => {
    const url = new URL(request.url);
    const headers = baseHeaders(request, clientIp);
    const send = (status: number, body?: unknown, extra: Record<string, string> = {}) => jsonResponse(status, body, { ...headers, ...extra });
    const fault = ctx.faults.next("keyvault");
    if (fault?.kind === "status") {
      await drainBody(request);
      return send(fault.status!, faultBody(fault.status!), fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {});
    }
    const challenge = { "WWW-Authenticate": `Bearer authorization="${authorityUrl(ctx.world)}", resource="https://vault.azure.net"` };
    const token = bearerToken(request);
    if (!token) {
      await drainBody(request);
      return send(401, akvError("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."), challenge);
    }
    const verified = await ctx.issuer.verify(token, KEYVAULT_AUDIENCES, ctx.world.tenantId);
    if (!verified.ok) {
      await drainBody(request);
      return send(
        401,
        akvError(
          "Unauthorized",
          verified.problem === "malformed"
            ? malformedTokenMessage(token)
            : tokenMessage(verified.problem, verified.claims, verified.header, ctx.world.tenantId),
        ),
        challenge,
      );
    }
    if (ctx.world.vaults.get(ctx.vault.name.toLowerCase()) !== ctx.vault) {
      await drainBody(request);
      return send(404, akvError("VaultNotFound", `The vault '${ctx.vault.name}' was deleted; recover it or purge it through ARM.`));
    }
    const apiVersion = url.searchParams.get("api-version");
    const api = apiShape(apiVersion);
    if (!api) {
      await drainBody(request);
      return send(400, akvError("BadParameter", apiVersionRefusal(apiVersion)));
    }
    const wait = ctx.options.throttle?.admit(request.method, url.pathname);
    if (wait !== undefined) {
      await drainBody(request);
      return send(429, faultBody(429), { "Retry-After": String(wait) });
    }
    const claims = verified.claims;
    const caller: Caller = {
      objectId: String(claims.oid ?? ""),
      appId: String(claims.appid ?? ""),
      issuer: String(claims.iss ?? ""),
      resourceId: typeof claims.xms_mirid === "string" ? claims.xms_mirid : undefined,
    };
    let grantedBy: string | undefined;
    const vaultRequest: VaultRequest = {
      request,
      url,
      world: ctx.world,
      vault: ctx.vault,
      caller,
      api,
      securityWorld: { subscriptionId: ctx.world.subscriptionId, location: ctx.vault.location },
      options: ctx.options,
      authorize(action, objectPath) {
        if (usesAccessPolicies(ctx.vault)) {
          const needed = permissionFor(action, objectPath === "");
          if (needed && policiesGrant(ctx.vault.accessPolicies ?? [], caller.objectId, needed)) return undefined;
          const denied = needed ?? { kind: "secrets" as const, permission: action };
          return send(403, akvError("Forbidden", accessPolicyRefusal(caller, denied, ctx.vault), "AccessDenied"));
        }
        const scope = vaultResourceId(ctx.world, ctx.vault) + objectPath;
        const assignment = authorize(ctx.world, { principalId: caller.objectId, action, scope, dataAction: true });
        if (assignment) {
          grantedBy = assignment.name;
          return undefined;
        }
        return send(403, forbiddenByRbac(caller, action, scope, ctx.vault));
      },
      respond(status, body) {
        const rbac: Record<string, string> = grantedBy
          ? { "x-ms-keyvault-rbac-assignment-id": grantedBy, "x-ms-keyvault-rbac-cache": "ra_age=0;da_age=0;rd_age=0;brd_age=0;ra_notif_age=0;dec_lev=1;" }
          : {};
        return send(status, body, rbac);
      },
    };
    for (const route of ctx.routes) {
      const response = await route(vaultRequest);
      if (response) {
        await drainBody(request);
        return response;
      }
    }
    await drainBody(request);
    return send(404, akvError("NotFound", `The requested path ${url.pathname} was not found on this vault.`));
  };
}

/** The `{"error":{...}}` envelope of Key Vault. */
export function akvError(code: string, message: string, innerCode?: string): Record<string, unknown> {
  return { error: { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) } };
}

function authorityUrl(world: World): string {
  return `https://login.windows.net/${world.tenantId}`;
}

function baseHeaders(request: Request, clientIp: string): Record<string, string> {
  return {
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000;includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    ...clientRequestId(request),
    "x-ms-request-id": guid(),
    "x-ms-keyvault-region": "japaneast",
    "x-ms-keyvault-service-version": "1.9.2763.1",
    "x-ms-keyvault-network-info": `conn_type=Ipv4;addr=${clientIp};act_addr_fam=InterNetwork;`,
  };
}

/** The client's `x-ms-client-request-id`, echoed only when it sent a non-empty one (as the service does). */
function clientRequestId(request: Request): Record<string, string> {
  const id = request.headers.get("x-ms-client-request-id");
  return id ? { "x-ms-client-request-id": id } : {};
}

const PII = "[PII of type 'System.String' is hidden. For more details, see https://aka.ms/IdentityModel/PII.]";

/** The IdentityModel message for a token that is not a well-formed JWT, by how many dots it has. */
export function malformedTokenMessage(token: string): string {
  const dots = token.split(".").length - 1;
  const reason = dots === 0
    ? "IDX14100: JWT is not well formed, there are no dots (.)."
    : dots === 1
    ? "IDX14120: JWT is not well formed, there is only one dot (.)."
    : dots === 2
    ? `IDX14102: Unable to decode the header '${PII}' as Base64Url encoded string.`
    : "IDX14121: JWT is not a well formed JWE, there must be four dots (.).";
  return `Error validating token: '${reason}'.`;
}

function tokenMessage(problem: string, claims: Record<string, unknown> | undefined, header: string | undefined, tenantId: string): string {
  switch (problem) {
    case "malformed":
      return "Error validating token: 'IDX14100: JWT is not well formed, there are no dots (.).'.";
    case "signature":
      return `AKV10046: Unable to resolve the key used for signature validation. EncodedJwtHeader: '${header ?? ""}'`;
    case "audience":
      return `AKV10022: Invalid audience. Expected https://vault.azure.net, found: ${String(claims?.aud)}.`;
    case "issuer":
      return `AKV10032: Invalid issuer. Expected one of ${issuerFor(tenantId)}, found ${String(claims?.iss)}.`;
    case "expired":
      return "[TokenExpired] Error validating token: 'S2S12086'.";
    case "notYetValid":
      return "Token not yet valid.";
    default:
      return "AKV10000: Request is missing a Bearer or PoP token.";
  }
}

/** The 409 for reusing the name of a soft-deleted secret or key (`kind` is "Secret" or "Key"). */
export function deletedButRecoverable(kind: "Secret" | "Key", name: string): Record<string, unknown> {
  return akvError(
    "Conflict",
    `${kind} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the ${kind.toLowerCase()} can only be recovered or purged.`,
    "ObjectIsDeletedButRecoverable",
  );
}

/** The real ForbiddenByRbac body: CRLF-separated Caller, Action, Resource, Assignment, DecisionReason, Vault. */
export function forbiddenByRbac(caller: Caller, action: string, scope: string, vault: Vault): Record<string, unknown> {
  const callerText = `appid=${caller.appId};oid=${caller.objectId};iss=${caller.issuer}` + (caller.resourceId ? `;xms_mirid=${caller.resourceId}` : "");
  const message = [
    "Caller is not authorized to perform action on resource.",
    "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
    `Caller: ${callerText}`,
    `Action: '${action}'`,
    `Resource: '${scope.toLowerCase()}'`,
    "Assignment: (not found)",
    "DenyAssignmentId: null",
    "DecisionReason: 'DeniedWithNoValidRBAC' ",
    `Vault: ${vault.name};location=${vault.location}`,
    "",
  ].join("\r\n");
  return akvError("Forbidden", message, "ForbiddenByRbac");
}

function faultBody(status: number): Record<string, unknown> {
  if (status === 429) return akvError("Throttled", "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached");
  return akvError("InternalServerError", "The server encountered an internal error. Please retry the request.");
}

/** Reads the request body as a JSON object, or answers 400 BadParameter as Key Vault does. */
export async function requestObject(req: VaultRequest): Promise<Record<string, unknown> | Response> {
  const parsed = await readJson(req.request);
  if ("error" in parsed || !isObject(parsed.value)) return req.respond(400, akvError("BadParameter", "The request body is not a valid JSON object."));
  return parsed.value;
}
