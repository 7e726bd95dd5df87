/**
 * The vault's certificate issuers (`/certificates/issuers[/{name}]`): list (`{id, provider}`
 * items with paging), PUT, PATCH (merge), GET and DELETE of an IssuerBundle. Responses never
 * carry `credentials.pwd`; `org_details` gains `zip: 0` as on the live service. Data actions
 * `certificatecas/read`, `write`, `delete`; access policies getissuers, listissuers, setissuers,
 * deleteissuers (or manageissuers).
 * @module
 */
import type { StoredIssuer } from "./certificate_store.ts";
import { badName, decodeSegment, OBJECT_NAME } from "./object_names.ts";
import { page } from "./paging.ts";
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";
import { isObject, nowSeconds } from "../http_util.ts";

const ACTION = "Microsoft.KeyVault/vaults/certificatecas";

function issuerUrl(req: VaultRequest, name: string): string {
  return `${req.vault.url}/certificates/issuers/${name}`;
}

/** The IssuerBundle JSON, without the password. */
function issuerJson(req: VaultRequest, issuer: StoredIssuer): Record<string, unknown> {
  const credentials = issuer.credentials?.account_id !== undefined ? { credentials: { account_id: issuer.credentials.account_id } } : {};
  return {
    id: issuerUrl(req, issuer.name),
    provider: issuer.provider,
    ...credentials,
    ...(issuer.org_details ? { org_details: { zip: 0, ...issuer.org_details } } : {}),
    attributes: issuer.attributes,
  };
}

function notFound(req: VaultRequest): Response {
  return req.respond(404, akvError("CertificateIssuerNotFound", "Issuer not found"));
}

/** Applies a PUT/PATCH body onto `issuer`; a message on error. */
function applyBody(issuer: StoredIssuer, body: Record<string, unknown>, now: number): string | undefined {
  if (body.provider !== undefined && body.provider !== null) {
    if (typeof body.provider !== "string" || body.provider === "") return "Property provider has invalid value.";
    issuer.provider = body.provider;
  }
  if (body.credentials !== undefined && body.credentials !== null) {
    if (!isObject(body.credentials)) return "Property credentials has invalid value.";
    const c = body.credentials;
    issuer.credentials = {
      ...(typeof c.account_id === "string" ? { account_id: c.account_id } : {}),
      ...(typeof c.pwd === "string" ? { pwd: c.pwd } : {}),
    };
  }
  if (body.org_details !== undefined && body.org_details !== null) {
    if (!isObject(body.org_details)) return "Property org_details has invalid value.";
    const o = body.org_details;
    issuer.org_details = {
      ...(typeof o.id === "string" ? { id: o.id } : {}),
      ...(Array.isArray(o.admin_details) ? { admin_details: o.admin_details.filter(isObject) } : {}),
    };
  }
  if (isObject(body.attributes) && typeof body.attributes.enabled === "boolean") issuer.attributes.enabled = body.attributes.enabled;
  issuer.attributes.updated = now;
  return undefined;
}

/** Handles `/certificates/issuers` and `/certificates/issuers/{name}`. */
export async function issuersRoute(req: VaultRequest, path: string): Promise<Response> {
  const method = req.request.method;
  const store = req.vault.certificates;
  const m = path.match(/^\/certificates\/issuers\/?(?:([^/]+)\/?)?$/i);
  if (!m) return req.respond(404, akvError("NotFound", `The requested path ${path} was not found on this vault.`));
  if (m[1] === undefined) {
    if (method !== "GET") return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
    const denied = req.authorize(`${ACTION}/read`, "");
    if (denied) return denied;
    return page(req, [...store.issuers.values()], (i) => i.name, (i) => ({ id: issuerUrl(req, i.name), provider: i.provider }));
  }
  const name = decodeSegment(m[1]);
  if (!OBJECT_NAME.test(name)) return badName(req, name);
  const objectPath = `/certificates/issuers/${name}`;
  const key = name.toLowerCase();
  if (method === "GET" || method === "DELETE") {
    const denied = req.authorize(`${ACTION}/${method === "GET" ? "read" : "delete"}`, objectPath);
    if (denied) return denied;
    const issuer = store.issuers.get(key);
    if (!issuer) return notFound(req);
    if (method === "DELETE") store.issuers.delete(key);
    return req.respond(200, issuerJson(req, issuer));
  }
  if (method !== "PUT" && method !== "PATCH") return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  const denied = req.authorize(`${ACTION}/write`, objectPath);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const now = nowSeconds();
  const existing = store.issuers.get(key);
  if (method === "PATCH" && !existing) return notFound(req);
  if (method === "PUT" && (typeof body.provider !== "string" || body.provider === "")) {
    return req.respond(400, akvError("BadParameter", "Property provider is required."));
  }
  const issuer: StoredIssuer = method === "PATCH" && existing
    ? existing
    : { name, provider: "", attributes: { enabled: true, created: existing?.attributes.created ?? now, updated: now } };
  const problem = applyBody(issuer, body, now);
  if (problem) return req.respond(400, akvError("BadParameter", problem));
  store.issuers.set(key, issuer);
  return req.respond(200, issuerJson(req, issuer));
}
