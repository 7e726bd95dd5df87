/**
 * The identity endpoints of other Azure hosting environments, served for the same VM identity
 * so scripts can be tested as they would run there:
 * - App Service / Functions: `GET /msi/token?api-version=2019-08-01&resource=...` with the
 *   `X-IDENTITY-HEADER` secret; selectors `client_id`, `principal_id`/`object_id`, `mi_res_id`;
 *   `expires_on` only; errors `{statusCode, message, correlationId}`.
 * - Azure Arc (himds): `GET /arc/metadata/identity/oauth2/token?api-version=2020-06-01...` with
 *   `Metadata: true`; the first call gets 401 `WWW-Authenticate: Basic realm=<file>` for a fresh
 *   secret written to the token folder; the retry must carry `Authorization: Basic <secret>`.
 * `GET /emulator/hosts` returns the environment variables that select each host.
 * @module
 */
import { guid, jsonResponse } from "./http_util.ts";
import { type ImdsContext, type ImdsRoute, issueVmToken, type VmTokenCache } from "./imds_server.ts";

/** Settings of the hosting endpoints. */
export interface HostingOptions {
  /** Where the Arc endpoint writes its challenge files (owner-only folder). */
  arcTokenDir: string;
  /** The IMDS listener's base URL. */
  baseUrl: () => string;
}

/** Builds the hosting routes and the control route that describes them. */
export function hostingRoutes(ctx: ImdsContext, options: HostingOptions): { host: ImdsRoute; control: ImdsRoute } {
  const appServiceSecret = guid();
  const appServiceCache: VmTokenCache = new Map();
  const arcCache: VmTokenCache = new Map();
  const host: ImdsRoute = async (request, url, path) => {
    if (path === "/msi/token") return await appService(request, url);
    if (path === "/arc/metadata/identity/oauth2/token") return await arc(request, url);
    return undefined;
  };

  async function appService(request: Request, url: URL): Promise<Response> {
    const fail = (status: number, message: string) => jsonResponse(status, { statusCode: status, message, correlationId: guid() });
    if (request.headers.get("x-identity-header") !== appServiceSecret) return fail(401, "Unauthorized: the X-IDENTITY-HEADER is missing or wrong.");
    const params = url.searchParams;
    if (params.get("api-version") !== "2019-08-01") return fail(400, "The api-version must be 2019-08-01.");
    const resource = params.get("resource");
    if (!resource) return fail(400, "The resource parameter is required.");
    const issued = await issueVmToken(ctx, appServiceCache, {
      resource,
      clientId: params.get("client_id") ?? undefined,
      objectId: params.get("principal_id") ?? params.get("object_id") ?? undefined,
      resourceId: params.get("mi_res_id") ?? undefined,
    });
    if (issued === "identity") return fail(400, "No managed identity matches the request.");
    if (issued === "resource") return fail(500, `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`);
    return jsonResponse(200, {
      access_token: issued.token.token,
      expires_on: String(issued.token.expiresOn),
      resource,
      token_type: "Bearer",
      client_id: issued.identity.appId,
      not_before: String(issued.token.notBefore),
    });
  }

  async function arc(request: Request, url: URL): Promise<Response> {
    if (request.headers.get("metadata") !== "true") {
      return jsonResponse(400, { error: "invalid_request", error_description: "Required metadata header not specified" });
    }
    const params = url.searchParams;
    const auth = request.headers.get("authorization")?.match(/^Basic\s+(.+)$/i)?.[1];
    if (!auth) {
      const file = `${options.arcTokenDir}/${guid()}.key`;
      await Deno.writeTextFile(file, btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))), { mode: 0o600 });
      return new Response(null, { status: 401, headers: { "WWW-Authenticate": `Basic realm=${file}` } });
    }
    if (!(await consumeSecret(options.arcTokenDir, auth))) {
      return jsonResponse(401, { error: "unauthorized_client", error_description: "The secret does not match a current challenge." });
    }
    const resource = params.get("resource");
    if (!resource) return jsonResponse(400, { error: "invalid_request", error_description: "Required query variable 'resource' is missing" });
    const selector = {
      clientId: params.get("client_id") ?? undefined,
      objectId: params.get("object_id") ?? undefined,
      resourceId: params.get("msi_res_id") ?? undefined,
    };
    const issued = await issueVmToken(ctx, arcCache, { resource, ...selector });
    if (issued === "identity") return jsonResponse(400, { error: "invalid_request", error_description: "Identity not found" });
    if (issued === "resource") {
      return jsonResponse(400, {
        error: "invalid_resource",
        error_description: `AADSTS500011: The resource principal named ${resource} was not found in the tenant.`,
      });
    }
    const now = issued.now;
    return jsonResponse(200, {
      access_token: issued.token.token,
      expires_in: String(issued.token.expiresOn - now),
      expires_on: String(issued.token.expiresOn),
      not_before: String(issued.token.notBefore),
      resource,
      token_type: "Bearer",
      ...(selector.clientId ? { client_id: selector.clientId } : {}),
      ...(selector.objectId ? { object_id: selector.objectId } : {}),
      ...(selector.resourceId ? { msi_res_id: selector.resourceId } : {}),
    });
  }

  const control: ImdsRoute = (request, _url, path) => {
    if (path !== "/emulator/hosts" || request.method !== "GET") return undefined;
    const base = options.baseUrl();
    return jsonResponse(200, {
      appService: { IDENTITY_ENDPOINT: `${base}/msi/token`, IDENTITY_HEADER: appServiceSecret },
      arc: { IDENTITY_ENDPOINT: `${base}/arc/metadata/identity/oauth2/token`, IMDS_ENDPOINT: base, KVMI_ARC_TOKEN_DIR: options.arcTokenDir },
    });
  };
  return { host, control };
}

/** Whether `secret` is the content of a challenge file in `dir`; the file is used once. */
async function consumeSecret(dir: string, secret: string): Promise<boolean> {
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".key")) continue;
    const path = `${dir}/${entry.name}`;
    if ((await Deno.readTextFile(path)) === secret) {
      await Deno.remove(path);
      return true;
    }
  }
  return false;
}
