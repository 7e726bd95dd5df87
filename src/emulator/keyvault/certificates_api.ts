/**
 * The Key Vault certificates REST API as the service defines it: create (202 with `Location` and
 * `Retry-After`, a pending version that already GETs with 200), the `/pending` operation
 * (GET, cancel by PATCH, DELETE, merge with 201), import (PFX with or without password, PEM),
 * get (latest or by version; a disabled certificate still GETs), update, list and versions with
 * paging, policy get/update, soft delete with the backing key and secret, deleted list, recover,
 * purge (204), backup and restore. Contacts and issuers are in their own modules.
 * @module
 */
import { atLeast } from "./api_versions.ts";
import { badName, decodeSegment, OBJECT_NAME } from "./object_names.ts";
import { decodeCertificateBackup, encodeCertificateBackup } from "./certificate_backup.ts";
import { CORRUPT_MESSAGE, OTHER_WORLD_MESSAGE } from "./backup_sealing.ts";
import { deleteBacking, issueVersion, mirrorAttributes, nameTakenByStandalone, purgeBacking, recoverBacking } from "./certificate_backing.ts";
import { ContentProblem, readImportValue } from "./certificate_content.ts";
import { contactsRoute } from "./certificate_contacts_api.ts";
import { issuersRoute } from "./certificate_issuers_api.ts";
import { base64, certificateFacts, certificateRequest, generateKeyPair, matchesKey, selfSigned, validityFor } from "./certificate_issuing.ts";
import { cancel, complete, dueTransition, newOperation, operationJson } from "./certificate_operation.ts";
import { type CertificatePolicy, importedPolicy, policyJson, PolicyProblem, readPolicy } from "./certificate_policy.ts";
import type { CertificateEntry, CertificateStore, CertificateVersion } from "./certificate_store.ts";
import { attributesJson, findVersion, latest } from "./object_store.ts";
import { page } from "./paging.ts";
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";
import { isObject, nowSeconds } from "../http_util.ts";

const ACTION = "Microsoft.KeyVault/vaults/certificates";
const RETRY_AFTER = "10";

/** Routes `/certificates...` and `/deletedcertificates...` requests. */
export async function certificatesRoute(req: VaultRequest): Promise<Response | undefined> {
  const path = req.url.pathname.replace(/\/{2,}/g, "/");
  const method = req.request.method;
  let m: RegExpMatchArray | null;
  if (/^\/certificates\/contacts\/?$/i.test(path)) return await contactsRoute(req);
  if (/^\/certificates\/issuers(\/|$)/i.test(path)) return await issuersRoute(req, path);
  if (/^\/certificates\/?$/i.test(path)) {
    return method === "GET" ? listCertificates(req) : req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  }
  if (/^\/certificates\/restore\/?$/i.test(path) && method === "POST") return await restoreCertificate(req);
  if ((m = path.match(/^\/certificates\/([^/]+)\/(backup|create|import|versions|policy|pending)(\/merge)?\/?$/i))) {
    const name = decodeSegment(m[1]);
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    const word = m[2].toLowerCase() + (m[3] ? "/merge" : "");
    const handler = NAMED[`${method} ${word}`];
    if (handler) return await handler(req, name);
    if (word !== "pending" && word !== "policy" && word !== "versions") return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  }
  if ((m = path.match(/^\/certificates\/([^/]+)(?:\/([^/]*))?\/?$/i))) {
    const name = decodeSegment(m[1]);
    const version = m[2] ?? "";
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    if (method === "GET") return getCertificate(req, name, version);
    if (method === "PATCH") return await updateCertificate(req, name, version);
    if (method === "DELETE" && version === "") return deleteCertificate(req, name);
    return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  }
  if (!req.api.softDelete) return undefined;
  if (/^\/deletedcertificates\/?$/i.test(path) && method === "GET") return listDeleted(req);
  if ((m = path.match(/^\/deletedcertificates\/([^/]+)\/recover\/?$/i)) && method === "POST") return recoverCertificate(req, decodeSegment(m[1]));
  if ((m = path.match(/^\/deletedcertificates\/([^/]+)\/?$/i))) {
    const name = decodeSegment(m[1]);
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    if (method === "GET") return getDeleted(req, name);
    if (method === "DELETE") return purgeCertificate(req, name);
  }
  return undefined;
}

type NamedHandler = (req: VaultRequest, name: string) => Promise<Response> | Response;

/** `METHOD word` after `/certificates/{name}/` -> handler. */
const NAMED: Record<string, NamedHandler> = {
  "POST backup": backupCertificate,
  "POST create": createCertificate,
  "POST import": importCertificate,
  "GET versions": listVersions,
  "GET policy": getPolicy,
  "PATCH policy": updatePolicy,
  "GET pending": getOperation,
  "PATCH pending": updateOperation,
  "DELETE pending": deleteOperation,
  "POST pending/merge": mergeCertificate,
};

function store(req: VaultRequest): CertificateStore {
  return req.vault.certificates;
}

function bad(req: VaultRequest, message: string): Response {
  return req.respond(400, akvError("BadParameter", message));
}

function notFound(req: VaultRequest, name: string, version = ""): Response {
  const what = version ? `${name}/${version}` : name;
  return req.respond(
    404,
    akvError(
      "CertificateNotFound",
      `A certificate with (name/id) ${what} was not found in this key vault. If you recently deleted this certificate you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    ),
  );
}

function deletedNotFound(req: VaultRequest, name: string): Response {
  return req.respond(404, akvError("CertificateNotFound", `Deleted Certificate not found: ${name}`));
}

function pendingNotFound(req: VaultRequest, name: string): Response {
  return req.respond(404, akvError("PendingCertificateNotFound", `Pending certificate not found: ${name}`));
}

function conflictDeleted(req: VaultRequest, name: string): Response {
  return req.respond(
    409,
    akvError(
      "Conflict",
      `Certificate ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the certificate can only be recovered or purged.`,
      "ObjectIsDeletedButRecoverable",
    ),
  );
}

function certificateUrl(req: VaultRequest, name: string): string {
  return `${req.vault.url}/certificates/${name}`;
}

function sanUrisAndIps(req: VaultRequest): boolean {
  return atLeast(req.api, "2025-07-01");
}

/** Moves a live certificate's operation on: cancels it when asked, issues a due `Self` certificate (a deleted one waits for its recovery). */
function advance(req: VaultRequest, name: string): void {
  const op = store(req).operation(name);
  const entry = store(req).live(name);
  if (!op || !entry) return;
  const next = dueTransition(op);
  if (next === "cancelled") cancel(op);
  if (next !== "completed") return;
  const version = entry?.versions.find((v) => v.version === op.version);
  if (version && op.prepared) {
    version.attributes.enabled = op.enableOnIssue;
    issueVersion(req.vault, entry.name, version, op.privateKey, [op.prepared], nowSeconds());
  }
  complete(op);
}

/** The current policy: the latest version's. */
function currentPolicy(entry: CertificateEntry): CertificatePolicy {
  return latest(entry).policy;
}

/** The CertificateBundle of a version: no `kid`/`sid`/`x5t`/`cer` while pending; `pending` while the certificate has an operation. */
function bundle(req: VaultRequest, entry: CertificateEntry, v: CertificateVersion): Record<string, unknown> {
  const url = certificateUrl(req, entry.name);
  const issued = v.cer !== undefined;
  return {
    id: `${url}/${v.version}`,
    ...(issued ? { kid: `${req.vault.url}/keys/${entry.name}/${v.version}`, sid: `${req.vault.url}/secrets/${entry.name}/${v.version}` } : {}),
    ...(issued ? { x5t: v.x5t, cer: v.cer } : {}),
    attributes: attributesJson(v.attributes, req.api),
    ...(v.tags ? { tags: v.tags } : {}),
    policy: policyJson(currentPolicy(entry), `${url}/policy`, sanUrisAndIps(req)),
    ...(store(req).operation(entry.name) ? { pending: { id: `${url}/pending` } } : {}),
    ...(v.preserveCertOrder !== undefined && atLeast(req.api, "7.6") ? { preserveCertOrder: v.preserveCertOrder } : {}),
  };
}

/** The DeletedCertificateBundle: the full bundle plus `recoveryId`, `deletedDate`, `scheduledPurgeDate`. */
function deletedBundle(req: VaultRequest, entry: CertificateEntry): Record<string, unknown> {
  const full = bundle(req, entry, latest(entry));
  if (!req.api.softDelete) return full;
  return {
    recoveryId: `${req.vault.url}/deletedcertificates/${entry.name}`,
    deletedDate: entry.deleted!.deletedDate,
    scheduledPurgeDate: entry.deleted!.scheduledPurgeDate,
    ...full,
  };
}

/** A CertificateItem: no `recoveryLevel`/`recoverableDays` in its attributes. */
function item(req: VaultRequest, entry: CertificateEntry, v: CertificateVersion, withVersion: boolean): Record<string, unknown> {
  const { recoveryLevel: _level, recoverableDays: _days, ...attributes } = attributesJson(v.attributes, req.api);
  return {
    id: `${certificateUrl(req, entry.name)}${withVersion ? `/${v.version}` : ""}`,
    ...(v.x5t ? { x5t: v.x5t } : {}),
    attributes,
    ...(v.tags ? { tags: v.tags } : {}),
  };
}

interface BundleProperties {
  enabled?: boolean;
  tags?: Record<string, string>;
}

/** Reads `attributes.enabled` and `tags` of a create, import, update or merge body; a message on error. */
function readProperties(body: Record<string, unknown>): BundleProperties | string {
  const props: BundleProperties = {};
  const attrs = body.attributes;
  if (attrs !== undefined && attrs !== null) {
    if (!isObject(attrs)) return "Property attributes has invalid value.";
    if (attrs.enabled !== undefined && attrs.enabled !== null && typeof attrs.enabled !== "boolean") return "Property attributes.enabled has invalid value.";
    props.enabled = (attrs.enabled ?? undefined) as boolean | undefined;
  }
  if (body.tags !== undefined && body.tags !== null) {
    if (!isObject(body.tags)) return "Property tags has invalid value.";
    const entries = Object.entries(body.tags);
    if (entries.length > 15 || entries.some(([k, v]) => typeof v !== "string" || k.length > 256 || v.length > 256)) return "Property  has invalid value\r\n";
    props.tags = body.tags as Record<string, string>;
  }
  return props;
}

function preserveOrder(req: VaultRequest, body: Record<string, unknown>): boolean | undefined {
  return atLeast(req.api, "7.6") && typeof body.preserveCertOrder === "boolean" ? body.preserveCertOrder : undefined;
}

/** The 409s before a new version: a deleted name, a standalone key or secret of that name. */
function nameConflict(req: VaultRequest, name: string): Response | undefined {
  if (store(req).deleted(name)) return conflictDeleted(req, name);
  const taken = nameTakenByStandalone(req.vault, name);
  if (taken) {
    return req.respond(
      409,
      akvError("Conflict", `A ${taken} named ${name} already exists in this vault; a certificate needs its name for its backing key and secret.`),
    );
  }
  return undefined;
}

async function createCertificate(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/create/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const conflict = nameConflict(req, name);
  if (conflict) return conflict;
  advance(req, name);
  if (store(req).operation(name)?.status === "inProgress") {
    return req.respond(
      409,
      akvError("Conflict", `There is a pending operation on certificate ${name}; cancel or delete it (.../pending) before creating a new version.`),
    );
  }
  const props = readProperties(body);
  if (typeof props === "string") return bad(req, props);
  const existing = store(req).live(name);
  if ((body.policy === undefined || body.policy === null) && !existing) return bad(req, "Property policy is required.");
  const now = nowSeconds();
  let policy: CertificatePolicy;
  try {
    policy = readPolicy(body.policy ?? {}, { now, sanUrisAndIps: sanUrisAndIps(req), base: body.policy ? undefined : existing && currentPolicy(existing) });
  } catch (error) {
    if (error instanceof PolicyProblem) return bad(req, error.message);
    throw error;
  }
  const issuerName = policy.issuer.name;
  if (issuerName !== "Self" && issuerName !== "Unknown" && !store(req).issuers.has(issuerName.toLowerCase())) {
    return bad(req, `Issuer not found: the issuer '${issuerName}' does not exist in this vault (use Self, Unknown or a configured issuer).`);
  }
  const previous = policy.key_props.reuse_key ? req.vault.keys.live(name)?.versions.findLast((v) => v.managed) : undefined;
  const pair = await generateKeyPair(policy, previous?.privateKey);
  const csr = base64(await certificateRequest(policy, pair));
  const prepared = issuerName === "Self" ? await selfSigned(policy, pair, now) : undefined;
  const { nbf, exp } = validityFor(policy, now);
  const preserveCertOrder = preserveOrder(req, body);
  const version = store(req).add(name, { attributes: { enabled: false, nbf, exp, created: now, updated: now }, tags: props.tags, policy, preserveCertOrder });
  const op = newOperation({
    issuer: policy.issuer,
    csr,
    version: version.version,
    enableOnIssue: props.enabled ?? true,
    privateKey: pair.privateKey,
    prepared,
    preserveCertOrder,
  });
  store(req).operations.set(name.toLowerCase(), op);
  const url = certificateUrl(req, store(req).live(name)!.name);
  const response = req.respond(202, operationJson(op, url, atLeast(req.api, "7.6")));
  response.headers.set("Location", `${url}/pending?api-version=${req.api.version}&request_id=${op.requestId}`);
  response.headers.set("Retry-After", RETRY_AFTER);
  return response;
}

function getOperation(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = store(req).live(name);
  const op = store(req).operation(name);
  if (!entry || !op) return pendingNotFound(req, name);
  op.reads++;
  advance(req, name);
  const response = req.respond(200, operationJson(op, certificateUrl(req, entry.name), atLeast(req.api, "7.6")));
  if (op.status === "inProgress") response.headers.set("Retry-After", RETRY_AFTER);
  return response;
}

async function updateOperation(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/update/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  if (typeof body.cancellation_requested !== "boolean") return bad(req, "Property cancellation_requested is required and must be a boolean.");
  const entry = store(req).live(name);
  const op = store(req).operation(name);
  if (!entry || !op) return pendingNotFound(req, name);
  advance(req, name);
  if (op.status !== "inProgress") return req.respond(403, akvError("Forbidden", "Pending status must be in progress to allow update."));
  op.cancellationRequested = body.cancellation_requested;
  return req.respond(200, operationJson(op, certificateUrl(req, entry.name), atLeast(req.api, "7.6")));
}

function deleteOperation(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/update/action`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = store(req).live(name);
  const op = store(req).operation(name);
  if (!entry || !op) return pendingNotFound(req, name);
  advance(req, name);
  store(req).operations.delete(name.toLowerCase());
  return req.respond(200, operationJson(op, certificateUrl(req, entry.name), atLeast(req.api, "7.6")));
}

/** Reads one `x5c` entry leniently: base64 DER, base64 of PEM text, or PEM text. */
function x5cEntry(value: unknown): Uint8Array | undefined {
  if (typeof value !== "string") return undefined;
  let text = value;
  if (!text.includes("-----BEGIN")) {
    const bytes = new Uint8Array(Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
    const asText = new TextDecoder().decode(bytes);
    if (!asText.includes("-----BEGIN")) return bytes.length > 0 ? bytes : undefined;
    text = asText;
  }
  const body = text.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/);
  return body ? new Uint8Array(Buffer.from(body[1].replace(/\s+/g, ""), "base64")) : undefined;
}

const INVALID_CONTENT = "The specified X.509 certificate content is invalid. Error: One or more X.509 properties are invalid.";

async function mergeCertificate(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/create/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  if (!Array.isArray(body.x5c) || body.x5c.length === 0) return bad(req, "Property x5c is required.");
  const props = readProperties(body);
  if (typeof props === "string") return bad(req, props);
  const entry = store(req).live(name);
  const op = store(req).operation(name);
  if (!entry || !op) return pendingNotFound(req, name);
  advance(req, name);
  if (op.status !== "inProgress") return req.respond(403, akvError("Forbidden", "Pending status must be in progress to allow update."));
  const chain = body.x5c.map(x5cEntry);
  if (chain.some((c) => c === undefined)) return bad(req, INVALID_CONTENT);
  let matches: boolean;
  try {
    matches = matchesKey(chain[0]!, op.privateKey);
  } catch {
    return bad(req, INVALID_CONTENT);
  }
  if (!matches) return bad(req, "Public key from x509 certificate and key of this instance doesn't match");
  const pending = entry.versions.find((v) => v.version === op.version);
  if (!pending) return pendingNotFound(req, name);
  entry.versions = entry.versions.filter((v) => v !== pending);
  const now = nowSeconds();
  const version = store(req).add(entry.name, {
    attributes: { enabled: props.enabled ?? op.enableOnIssue, created: now, updated: now },
    tags: props.tags ?? pending.tags,
    policy: pending.policy,
    preserveCertOrder: pending.preserveCertOrder,
  });
  issueVersion(req.vault, entry.name, version, op.privateKey, chain as Uint8Array[], now);
  complete(op);
  const response = req.respond(201, bundle(req, entry, version));
  response.headers.set("Location", `${certificateUrl(req, entry.name)}?api-version=${req.api.version}`);
  return response;
}

async function importCertificate(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/import/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  if (typeof body.value !== "string" || body.value === "") return bad(req, "Property 'value' is required.");
  if (body.pwd !== undefined && body.pwd !== null && typeof body.pwd !== "string") return bad(req, "Property pwd has invalid value.");
  const props = readProperties(body);
  if (typeof props === "string") return bad(req, props);
  const given = isObject(body.policy) ? body.policy : undefined;
  const declared = given && isObject(given.secret_props) && typeof given.secret_props.contentType === "string" ? given.secret_props.contentType : undefined;
  let content;
  try {
    content = readImportValue(body.value, (body.pwd ?? undefined) as string | undefined, declared);
  } catch (error) {
    if (error instanceof ContentProblem) return bad(req, error.message);
    throw error;
  }
  const leafIndex = content.certificates.findIndex((der) => {
    try {
      return matchesKey(der, content.privateKey);
    } catch {
      return false;
    }
  });
  if (leafIndex < 0 || !["rsa", "ec"].includes(content.privateKey.asymmetricKeyType ?? "")) return bad(req, INVALID_CONTENT);
  const preserveCertOrder = preserveOrder(req, body);
  const leaf = content.certificates[leafIndex];
  const chain = preserveCertOrder ? content.certificates : [leaf, ...content.certificates.filter((_, i) => i !== leafIndex)];
  const conflict = nameConflict(req, name);
  if (conflict) return conflict;
  const now = nowSeconds();
  let policy: CertificatePolicy;
  try {
    policy = importedPolicy(given, certificateFacts(leaf, content.privateKey), { now, sanUrisAndIps: sanUrisAndIps(req) });
  } catch (error) {
    if (error instanceof PolicyProblem) return bad(req, error.message);
    throw error;
  }
  if (!declared) policy.secret_props.contentType = content.contentType;
  const version = store(req).add(name, {
    attributes: { enabled: props.enabled ?? true, created: now, updated: now },
    tags: props.tags,
    policy,
    preserveCertOrder,
  });
  const entry = store(req).live(name)!;
  issueVersion(req.vault, entry.name, version, content.privateKey, chain, now);
  return req.respond(200, bundle(req, entry, version));
}

function getCertificate(req: VaultRequest, name: string, version: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/certificates/${name}`);
  if (denied) return denied;
  advance(req, name);
  const entry = store(req).live(name);
  const v = entry && findVersion(entry, version);
  if (!entry || !v) return notFound(req, name, version);
  return req.respond(200, bundle(req, entry, v));
}

async function updateCertificate(req: VaultRequest, name: string, version: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/update/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const props = readProperties(body);
  if (typeof props === "string") return bad(req, props);
  if (store(req).deleted(name)) return conflictDeleted(req, name);
  advance(req, name);
  const entry = store(req).live(name);
  const v = entry && findVersion(entry, version);
  if (!entry || !v) return notFound(req, name, version);
  const now = nowSeconds();
  if (body.policy !== undefined && body.policy !== null) {
    try {
      latest(entry).policy = readPolicy(body.policy, { now, sanUrisAndIps: sanUrisAndIps(req), base: currentPolicy(entry) });
    } catch (error) {
      if (error instanceof PolicyProblem) return bad(req, error.message);
      throw error;
    }
  }
  if (props.enabled !== undefined) v.attributes.enabled = props.enabled;
  if (props.tags !== undefined) v.tags = props.tags;
  v.attributes.updated = now;
  mirrorAttributes(req.vault, entry.name, v, now);
  return req.respond(200, bundle(req, entry, v));
}

function getPolicy(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = store(req).live(name);
  if (!entry) return notFound(req, name);
  return req.respond(200, policyJson(currentPolicy(entry), `${certificateUrl(req, entry.name)}/policy`, sanUrisAndIps(req)));
}

async function updatePolicy(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/update/action`, `/certificates/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const entry = store(req).live(name);
  if (!entry) return notFound(req, name);
  try {
    latest(entry).policy = readPolicy(body, { now: nowSeconds(), sanUrisAndIps: sanUrisAndIps(req), base: currentPolicy(entry) });
  } catch (error) {
    if (error instanceof PolicyProblem) return bad(req, error.message);
    throw error;
  }
  return req.respond(200, policyJson(currentPolicy(entry), `${certificateUrl(req, entry.name)}/policy`, sanUrisAndIps(req)));
}

function listCertificates(req: VaultRequest): Response {
  const denied = req.authorize(`${ACTION}/read`, "");
  if (denied) return denied;
  const includePending = req.url.searchParams.get("includePending")?.toLowerCase() === "true";
  const live = store(req).all().filter((e) => !e.deleted);
  for (const e of live) advance(req, e.name);
  // Without includePending a certificate that was never issued is left out (one being renewed stays).
  const shown = live.filter((e) => includePending || e.versions.some((v) => v.cer !== undefined));
  return page(req, shown, (e) => e.name, (e) => item(req, e, latest(e), false));
}

function listVersions(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/certificates/${name}`);
  if (denied) return denied;
  advance(req, name);
  const entry = store(req).live(name);
  if (!entry) return notFound(req, name);
  return page(req, entry.versions, (v) => v.version, (v) => item(req, entry, v, true));
}

function deleteCertificate(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/delete`, `/certificates/${name}`);
  if (denied) return denied;
  advance(req, name);
  const entry = store(req).live(name);
  if (!entry) return notFound(req, name);
  const now = nowSeconds();
  store(req).softDelete(entry, now, req.options.deleteDelayMs);
  deleteBacking(req.vault, entry.name, now, req.options.deleteDelayMs);
  return req.respond(200, deletedBundle(req, entry));
}

function visibleDeleted(req: VaultRequest, name: string): CertificateEntry | undefined {
  const entry = store(req).deleted(name);
  return entry && entry.deleted!.visibleAtMs <= Date.now() ? entry : undefined;
}

function getDeleted(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  return entry ? req.respond(200, deletedBundle(req, entry)) : deletedNotFound(req, name);
}

function listDeleted(req: VaultRequest): Response {
  const denied = req.authorize(`${ACTION}/read`, "");
  if (denied) return denied;
  const deleted = store(req).all().filter((e) => e.deleted && e.deleted.visibleAtMs <= Date.now());
  return page(req, deleted, (e) => e.name, (e) => ({
    ...item(req, e, latest(e), false),
    recoveryId: `${req.vault.url}/deletedcertificates/${e.name}`,
    deletedDate: e.deleted!.deletedDate,
    scheduledPurgeDate: e.deleted!.scheduledPurgeDate,
  }));
}

function recoverCertificate(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/recover/action`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  if (!entry) return deletedNotFound(req, name);
  store(req).recover(entry);
  recoverBacking(req.vault, entry.name);
  advance(req, entry.name);
  return req.respond(200, bundle(req, entry, latest(entry)));
}

function purgeCertificate(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/purge/action`, `/certificates/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  if (!entry) return deletedNotFound(req, name);
  store(req).purge(entry);
  purgeBacking(req.vault, entry.name);
  return req.respond(204);
}

async function backupCertificate(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/backup/action`, `/certificates/${name}`);
  if (denied) return denied;
  advance(req, name);
  const entry = store(req).live(name);
  if (!entry) return notFound(req, name);
  const key = req.vault.keys.live(name);
  const secret = req.vault.secrets.live(name);
  return req.respond(200, {
    value: await encodeCertificateBackup(req.securityWorld, {
      certificate: entry,
      key: key?.versions.some((v) => v.managed) ? key : undefined,
      secret: secret?.versions.some((v) => v.managed) ? secret : undefined,
    }),
  });
}

async function restoreCertificate(req: VaultRequest): Promise<Response> {
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const backup = typeof body.value === "string" ? await decodeCertificateBackup(req.securityWorld, body.value) : "corrupt";
  const denied = req.authorize(`${ACTION}/restore/action`, typeof backup === "object" ? `/certificates/${backup.certificate.name}` : "");
  if (denied) return denied;
  // The recorded code for a malformed certificate blob is "Malformed backup blob" (with spaces).
  if (backup === "corrupt") return req.respond(400, akvError("Malformed backup blob", CORRUPT_MESSAGE));
  if (backup === "otherWorld") return req.respond(400, akvError("BadParameter", OTHER_WORLD_MESSAGE));
  const name = backup.certificate.name;
  const taken = store(req).live(name) ?? store(req).deleted(name) ?? nameTakenByStandalone(req.vault, name) ??
    (backup.key && (req.vault.keys.live(name) ?? req.vault.keys.deleted(name))) ??
    (backup.secret && (req.vault.secrets.live(name) ?? req.vault.secrets.deleted(name)));
  if (taken) {
    return req.respond(
      409,
      akvError(
        "Conflict",
        `Conflict while restoring certificate ${certificateUrl(req, name)}/${
          latest(backup.certificate).version
        } - certificate already exists or concurrent access`,
      ),
    );
  }
  store(req).restore(backup.certificate);
  if (backup.key) req.vault.keys.restore(backup.key);
  if (backup.secret) req.vault.secrets.restore(backup.secret);
  const entry = store(req).live(name)!;
  return req.respond(200, bundle(req, entry, latest(entry)));
}
