/**
 * The emulated Azure Resource Manager: bearer-token checks with ARM's own 401 errors, the
 * `api-version` rule, RBAC on every call with the real `AuthorizationFailed` message, the
 * throttling and correlation headers, and dispatch to resource-provider routes.
 *
 * @example
 * ```ts
 * import { createArmHandler } from "./arm_server.ts";
 * import { resourcesRoute } from "./resources_api.ts";
 * import { Faults } from "../faults.ts";
 * import { seedWorld } from "../seed.ts";
 * import { TokenIssuer } from "../token_issuer.ts";
 * let base = "";
 * const handler = createArmHandler({ world: seedWorld("demo"), issuer: await TokenIssuer.create(), faults: new Faults(), routes: [resourcesRoute], baseUrl: () => base });
 * ```
 * @module
 */
import { authorize } from "../rbac/authorize.ts";
import type { Faults } from "../faults.ts";
import { bearerToken, drainBody, guid, isObject, jsonResponse, readJson } from "../http_util.ts";
import type { TokenIssuer } from "../token_issuer.ts";
import { armOperationKind, type ArmThrottle } from "../throttling.ts";
import type { World } from "../world.ts";

const ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
];

/** The caller of an ARM request. */
export interface ArmCaller {
  objectId: string;
  appId: string;
}

/** What every ARM route gets. */
export interface ArmRequest {
  request: Request;
  url: URL;
  /** The path with duplicate slashes folded and no trailing slash. */
  path: string;
  apiVersion: string;
  world: World;
  caller: ArmCaller;
  /** The emulator's own ARM base URL (for nextLink and operation URLs). */
  baseUrl: string;
  /** Checks an action on a scope; returns the 403 to send when denied. */
  authorize(action: string, scope: string, roleDefinitionId?: string): Response | undefined;
  /** Sends a JSON response with ARM's headers. */
  respond(status: number, body?: unknown, headers?: Record<string, string>): Response;
}

/** An ARM route: returns undefined when the path is not its own. */
export type ArmRoute = (req: ArmRequest) => Promise<Response | undefined> | Response | undefined;

/** Everything the ARM server needs. */
export interface ArmContext {
  world: World;
  issuer: TokenIssuer;
  faults: Faults;
  routes: ArmRoute[];
  baseUrl: () => string;
  /** The subscription's ARM request limits, or undefined when throttling is off. */
  throttle?: ArmThrottle;
}

/** An ARM error body. */
export function armError(code: string, message: string): Record<string, unknown> {
  return { error: { code, message } };
}

/**
 * Reads a PUT body's `properties` object; when the body is not a JSON object with one, returns
 * ARM's 400 InvalidRequestContent response instead.
 */
export async function readArmProperties(req: ArmRequest): Promise<Record<string, unknown> | Response> {
  const parsed = await readJson(req.request);
  if ("value" in parsed && isObject(parsed.value) && isObject(parsed.value.properties)) return parsed.value.properties;
  return req.respond(
    400,
    armError("InvalidRequestContent", "The request content was invalid and could not be deserialized: a JSON object with 'properties' is required."),
  );
}

/** Formats a date as ARM does in ExpiredAuthenticationToken ('8/17/2017 10:54:41 PM'). */
export function usDateTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const h = d.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${
    d.getUTCHours() < 12 ? "AM" : "PM"
  }`;
}

/** Builds the ARM request handler. */
export function createArmHandler(ctx: ArmContext): (request: Request) => Promise<Response> {
  let reads = 250;
  let writes = 200;
  return async (request) => {
    const url = new URL(request.url);
    const correlation = guid();
    const method = request.method;
    const limitHeader: Record<string, string> = method === "GET"
      ? { "x-ms-ratelimit-remaining-subscription-reads": String(reads = reads > 1 ? reads - 1 : 250) }
      : {
        [method === "DELETE" ? "x-ms-ratelimit-remaining-subscription-deletes" : "x-ms-ratelimit-remaining-subscription-writes"]: String(
          writes = writes > 1 ? writes - 1 : 200,
        ),
      };
    const headers = {
      "Cache-Control": "no-cache",
      Pragma: "no-cache",
      Expires: "-1",
      "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
      "X-Content-Type-Options": "nosniff",
      "x-ms-request-id": correlation,
      "x-ms-correlation-request-id": correlation,
      "x-ms-routing-request-id": `JAPANEAST:${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}:${correlation}`,
      ...limitHeader,
    };
    const send = (status: number, body?: unknown, extra: Record<string, string> = {}) => jsonResponse(status, body, { ...headers, ...extra });
    const wait = ctx.throttle?.admit(method);
    if (wait !== undefined) {
      await drainBody(request);
      const kind = armOperationKind(method);
      const operation = kind === "reads" ? "Read" : kind === "deletes" ? "Delete" : "Write";
      return send(
        429,
        armError(
          "TooManyRequests",
          `The request is being throttled as the limit has been reached for operation type - '${operation}'. For more information, see - https://aka.ms/throttling.`,
        ),
        { "Retry-After": String(wait) },
      );
    }
    const fault = ctx.faults.next("arm");
    if (fault?.kind === "status") {
      await drainBody(request);
      const body = fault.status === 429
        ? armError(
          "TooManyRequests",
          "The request is being throttled as the limit has been reached for operation type - 'Read'. For more information, see - https://aka.ms/throttling.",
        )
        : armError("InternalServerError", "Encountered internal server error. Diagnostic information: timestamp '" + new Date().toISOString() + "'.");
      return send(fault.status!, body, fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {});
    }
    const token = bearerToken(request);
    const challenge = (description: string) => ({
      "WWW-Authenticate":
        `Bearer authorization_uri="https://login.windows.net/${ctx.world.tenantId}", error="invalid_token", error_description="${description}"`,
    });
    if (!token) {
      await drainBody(request);
      return send(
        401,
        armError("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
        challenge("The authentication failed because of missing 'Authorization' header."),
      );
    }
    const verified = await ctx.issuer.verify(token, ARM_AUDIENCES, ctx.world.tenantId);
    if (!verified.ok) {
      await drainBody(request);
      const now = Math.floor(Date.now() / 1000);
      if (verified.problem === "expired") {
        return send(
          401,
          armError(
            "ExpiredAuthenticationToken",
            `The access token expiry UTC time '${usDateTime(Number(verified.claims?.exp))}' is earlier than current UTC time '${usDateTime(now)}'.`,
          ),
          challenge("The access token has expired."),
        );
      }
      if (verified.problem === "audience") {
        return send(
          401,
          armError(
            "InvalidAuthenticationTokenAudience",
            `The access token has been obtained for wrong audience or resource '${
              String(verified.claims?.aud)
            }'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
          ),
          challenge("The access token has an invalid audience."),
        );
      }
      return send(401, armError("InvalidAuthenticationToken", "The access token is invalid."), challenge("The access token is invalid."));
    }
    const apiVersion = url.searchParams.get("api-version");
    if (!apiVersion) {
      await drainBody(request);
      return send(400, armError("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."));
    }
    const caller: ArmCaller = { objectId: String(verified.claims.oid ?? ""), appId: String(verified.claims.appid ?? "") };
    const armRequest: ArmRequest = {
      request,
      url,
      path: url.pathname.replace(/\/{2,}/g, "/").replace(/\/$/, ""),
      apiVersion,
      world: ctx.world,
      caller,
      baseUrl: ctx.baseUrl(),
      authorize(action, scope, roleDefinitionId) {
        if (authorize(ctx.world, { principalId: caller.objectId, action, scope, dataAction: false, roleDefinitionId })) return undefined;
        return send(
          403,
          armError(
            "AuthorizationFailed",
            `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
          ),
        );
      },
      respond: send,
    };
    for (const route of ctx.routes) {
      const response = await route(armRequest);
      if (response) {
        await drainBody(request);
        return response;
      }
    }
    await drainBody(request);
    const provider = url.pathname.match(/\/providers\/([^/]+)\/([^/?]+)/i);
    return send(
      404,
      armError(
        "InvalidResourceType",
        provider
          ? `The resource type '${provider[2]}' could not be found in the namespace '${provider[1]}' for api version '${apiVersion}'.`
          : `The resource type could not be found in the namespace 'Microsoft.Resources' for api version '${apiVersion}'.`,
      ),
    );
  };
}

/** The error ARM gives for an api-version a resource type does not support. */
export function unsupportedApiVersion(req: ArmRequest, type: string, supported: readonly string[], location = "global"): Response {
  return req.respond(
    400,
    armError(
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location}' and API version '${req.apiVersion}' for type '${type}'. The supported api-versions are '${
        supported.join(", ")
      }'. The supported locations are '${location}'.`,
    ),
  );
}

/** Checks that a path's subscription is the emulated one; returns the 404 otherwise. */
export function checkSubscription(req: ArmRequest, subscriptionId: string): Response | undefined {
  if (subscriptionId.toLowerCase() === req.world.subscriptionId.toLowerCase()) return undefined;
  return req.respond(404, armError("SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`));
}
