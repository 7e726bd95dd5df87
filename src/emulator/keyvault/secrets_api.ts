/**
 * The Key Vault secrets REST API (paths, bodies, status codes and errors as the service and its
 * recordings show them): set, get (latest: empty version), update, list and versions with
 * `maxresults`/`$skiptoken` paging, soft delete, deleted list, recover and purge.
 * @module
 */
import { page } from "./paging.ts";
import { attributesJson } from "./object_store.ts";
import { findVersion, latest, type SecretEntry, type SecretVersion, type VersionProperties } from "./secret_store.ts";
import { akvError, deletedButRecoverable, type VaultRequest } from "./vault_server.ts";
import { isObject, nowSeconds, readJson } from "../http_util.ts";
import { badName, decodeSegment, OBJECT_NAME } from "./object_names.ts";
import { decodeSecretBackup, encodeSecretBackup } from "./secret_backup.ts";
import { CORRUPT_MESSAGE, OTHER_WORLD_MESSAGE } from "./backup_sealing.ts";
import { atLeast } from "./api_versions.ts";
import { convertSecretValue } from "./certificate_content.ts";
import { PEM, PKCS12 } from "./certificate_policy.ts";

const MAX_VALUE_LENGTH = 25_600;
const ACTION = "Microsoft.KeyVault/vaults/secrets";

/** Routes `/secrets...` and `/deletedsecrets...` requests. */
export async function secretsRoute(req: VaultRequest): Promise<Response | undefined> {
  const path = req.url.pathname.replace(/\/{2,}/g, "/");
  const method = req.request.method;
  let m: RegExpMatchArray | null;
  if (/^\/secrets\/?$/i.test(path)) {
    if (method === "GET") return listSecrets(req);
    return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  }
  if (/^\/secrets\/restore\/?$/i.test(path) && method === "POST") return await restoreSecret(req);
  if ((m = path.match(/^\/secrets\/([^/]+)\/backup\/?$/i)) && method === "POST") return await backupSecret(req, decodeSegment(m[1]));
  if ((m = path.match(/^\/secrets\/([^/]+)\/versions\/?$/i)) && method === "GET") return listVersions(req, decodeSegment(m[1]));
  if ((m = path.match(/^\/secrets\/([^/]+)(?:\/([^/]*))?\/?$/i))) {
    const name = decodeSegment(m[1]);
    const version = m[2] ?? "";
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    if (method === "GET") return getSecret(req, name, version);
    if (method === "PATCH") return await updateSecret(req, name, version);
    if (method === "PUT" && version === "") return await setSecret(req, name);
    if (method === "DELETE" && version === "") return deleteSecret(req, name);
    return req.respond(405, akvError("MethodNotAllowed", `HTTP ${method} not allowed`));
  }
  if (!req.api.softDelete) return undefined;
  if (/^\/deletedsecrets\/?$/i.test(path) && method === "GET") return listDeleted(req);
  if ((m = path.match(/^\/deletedsecrets\/([^/]+)\/recover\/?$/i)) && method === "POST") return recoverSecret(req, decodeSegment(m[1]));
  if ((m = path.match(/^\/deletedsecrets\/([^/]+)\/?$/i))) {
    const name = decodeSegment(m[1]);
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    if (method === "GET") return getDeleted(req, name);
    if (method === "DELETE") return purgeSecret(req, name);
  }
  return undefined;
}

function notFound(req: VaultRequest, name: string, version = ""): Response {
  const what = version ? `${name}/${version}` : name;
  return req.respond(
    404,
    akvError(
      "SecretNotFound",
      `A secret with (name/id) ${what} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    ),
  );
}

function deletedNotFound(req: VaultRequest, name: string): Response {
  return req.respond(404, akvError("SecretNotFound", `Deleted Secret not found: ${name}`));
}

function conflictDeleted(req: VaultRequest, name: string): Response {
  return req.respond(409, deletedButRecoverable("Secret", name));
}

function secretId(req: VaultRequest, name: string, version?: string): string {
  return `${req.vault.url}/secrets/${name}${version ? `/${version}` : ""}`;
}

function attributes(req: VaultRequest, v: SecretVersion): Record<string, unknown> {
  return attributesJson(v.attributes, req.api);
}

function optional(v: SecretVersion): Record<string, unknown> {
  return {
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
    ...(v.managed ? { managed: true } : {}),
  };
}

/** The SecretBundle of a version, with its value (a certificate's backing secret adds `kid`). */
function bundle(req: VaultRequest, entry: SecretEntry, v: SecretVersion): Record<string, unknown> {
  return {
    value: v.value,
    id: secretId(req, entry.name, v.version),
    ...optional(v),
    attributes: attributes(req, v),
    ...(v.keyLinked ? { kid: `${req.vault.url}/keys/${entry.name}/${v.version}` } : {}),
  };
}

/** The 403 for setting or deleting a certificate's backing secret. */
function managedRefusal(req: VaultRequest, operation: string): Response {
  return req.respond(
    403,
    akvError("Forbidden", `Operation "${operation}" is not allowed as this object's lifetime is managed by Key Vault.`, "SecretManagedByKeyVault"),
  );
}

function isManaged(entry: SecretEntry | undefined): boolean {
  return entry !== undefined && entry.versions.some((v) => v.managed);
}

/** The DeletedSecretBundle; before soft delete existed (2015-06-01) the plain bundle without its value. */
function deletedBundle(req: VaultRequest, entry: SecretEntry): Record<string, unknown> {
  const v = latest(entry);
  if (!req.api.softDelete) return { id: secretId(req, entry.name, v.version), ...optional(v), attributes: attributes(req, v) };
  return {
    recoveryId: `${req.vault.url}/deletedsecrets/${entry.name}`,
    deletedDate: entry.deleted!.deletedDate,
    scheduledPurgeDate: entry.deleted!.scheduledPurgeDate,
    id: secretId(req, entry.name, v.version),
    ...optional(v),
    attributes: attributes(req, v),
  };
}

function getSecret(req: VaultRequest, name: string, version: string): Response {
  const denied = req.authorize(`${ACTION}/getSecret/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = req.vault.secrets.live(name);
  const v = entry && findVersion(entry, version);
  if (!entry || !v) return notFound(req, name, version);
  if (!v.attributes.enabled) {
    return req.respond(403, akvError("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"));
  }
  const out = atLeast(req.api, "2025-07-01") ? req.url.searchParams.get("outContentType") : null;
  if (out !== null) {
    if (out !== PKCS12 && out !== PEM) return req.respond(400, akvError("BadParameter", `Invalid outContentType '${out}': use ${PKCS12} or ${PEM}.`));
    // A certificate's backing secret converts between PFX and PEM; other secrets come back as stored.
    if (v.managed && v.contentType && v.contentType !== out) {
      return req.respond(200, { ...bundle(req, entry, v), value: convertSecretValue(v.value, v.contentType, out), contentType: out });
    }
  }
  return req.respond(200, bundle(req, entry, v));
}

async function setSecret(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/setSecret/action`, `/secrets/${name}`);
  if (denied) return denied;
  const parsed = await readJson(req.request);
  if ("error" in parsed || !isObject(parsed.value)) return req.respond(400, akvError("BadParameter", "The request body is not a valid JSON object."));
  const body = parsed.value;
  if (typeof body.value !== "string") return req.respond(400, akvError("BadParameter", "Property 'value' is required and must be a string."));
  if (body.value.length > MAX_VALUE_LENGTH) {
    return req.respond(400, akvError("BadParameter", `Secret is beyond the maximum permitted length of ${MAX_VALUE_LENGTH} characters.`, "SecretTooLarge"));
  }
  const props = readProperties(body);
  if (typeof props === "string") return req.respond(400, akvError("BadParameter", props));
  if (req.vault.secrets.deleted(name)) return conflictDeleted(req, name);
  if (isManaged(req.vault.secrets.live(name))) return managedRefusal(req, "set");
  const now = nowSeconds();
  const version = req.vault.secrets.set(name, body.value, props, now);
  return req.respond(200, bundle(req, req.vault.secrets.live(name)!, version));
}

async function updateSecret(req: VaultRequest, name: string, version: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/update/action`, `/secrets/${name}`);
  if (denied) return denied;
  const parsed = await readJson(req.request);
  if ("error" in parsed || !isObject(parsed.value ?? {})) return req.respond(400, akvError("BadParameter", "The request body is not a valid JSON object."));
  const props = readProperties((parsed.value ?? {}) as Record<string, unknown>);
  if (typeof props === "string") return req.respond(400, akvError("BadParameter", props));
  if (req.vault.secrets.deleted(name)) return conflictDeleted(req, name);
  const entry = req.vault.secrets.live(name);
  const v = entry && findVersion(entry, version);
  if (!entry || !v) return notFound(req, name, version);
  req.vault.secrets.update(v, props, nowSeconds());
  const { value: _value, ...withoutValue } = bundle(req, entry, v);
  return req.respond(200, withoutValue);
}

/** Validates contentType, tags and attributes of a set/update body; returns a message on error. */
function readProperties(body: Record<string, unknown>): VersionProperties | string {
  const props: VersionProperties = {};
  if (body.contentType !== undefined && body.contentType !== null) {
    if (typeof body.contentType !== "string" || body.contentType.length > 255) return "Property contentType has invalid value.";
    props.contentType = body.contentType;
  }
  if (body.tags !== undefined && body.tags !== null) {
    if (!isObject(body.tags)) return "Property tags has invalid value.";
    const entries = Object.entries(body.tags);
    if (entries.length > 15) return "Property tags has invalid value: at most 15 tags are allowed.";
    for (const [k, v] of entries) {
      if (typeof v !== "string" || k.length > 256 || v.length > 256) return "Property tags has invalid value.";
    }
    props.tags = body.tags as Record<string, string>;
  }
  const attrs = body.attributes;
  if (attrs !== undefined && attrs !== null) {
    if (!isObject(attrs)) return "Property attributes has invalid value.";
    if (attrs.enabled !== undefined && typeof attrs.enabled !== "boolean") return "Property attributes.enabled has invalid value.";
    for (const k of ["nbf", "exp"] as const) {
      if (attrs[k] !== undefined && attrs[k] !== null && typeof attrs[k] !== "number") return `Property attributes.${k} has invalid value.`;
    }
    props.enabled = attrs.enabled as boolean | undefined;
    props.nbf = (attrs.nbf ?? undefined) as number | undefined;
    props.exp = (attrs.exp ?? undefined) as number | undefined;
  }
  return props;
}

function deleteSecret(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/delete`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = req.vault.secrets.live(name);
  if (!entry) return notFound(req, name);
  if (isManaged(entry)) return managedRefusal(req, "delete");
  req.vault.secrets.softDelete(entry, nowSeconds(), req.options.deleteDelayMs);
  return req.respond(200, deletedBundle(req, entry));
}

function visibleDeleted(req: VaultRequest, name: string): SecretEntry | undefined {
  const entry = req.vault.secrets.deleted(name);
  return entry && entry.deleted!.visibleAtMs <= Date.now() ? entry : undefined;
}

function getDeleted(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/readMetadata/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  return entry ? req.respond(200, deletedBundle(req, entry)) : deletedNotFound(req, name);
}

function recoverSecret(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/recover/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  if (!entry) return deletedNotFound(req, name);
  req.vault.secrets.recover(entry);
  const { value: _value, ...withoutValue } = bundle(req, entry, latest(entry));
  return req.respond(200, withoutValue);
}

function purgeSecret(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/purge/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = visibleDeleted(req, name);
  if (!entry) return deletedNotFound(req, name);
  req.vault.secrets.purge(entry);
  return req.respond(204);
}

async function backupSecret(req: VaultRequest, name: string): Promise<Response> {
  if (!OBJECT_NAME.test(name)) return badName(req, name);
  const denied = req.authorize(`${ACTION}/backup/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = req.vault.secrets.live(name);
  if (!entry) return notFound(req, name);
  return req.respond(200, { value: await encodeSecretBackup(req.securityWorld, entry) });
}

async function restoreSecret(req: VaultRequest): Promise<Response> {
  const parsed = await readJson(req.request);
  const blob = "value" in parsed && isObject(parsed.value) ? parsed.value.value : undefined;
  const entry = typeof blob === "string" ? await decodeSecretBackup(req.securityWorld, blob) : "corrupt";
  if (typeof entry === "string") {
    const denied = req.authorize(`${ACTION}/restore/action`, "");
    return denied ?? req.respond(400, akvError("BadParameter", entry === "corrupt" ? CORRUPT_MESSAGE : OTHER_WORLD_MESSAGE));
  }
  const denied = req.authorize(`${ACTION}/restore/action`, `/secrets/${entry.name}`);
  if (denied) return denied;
  if (req.vault.secrets.deleted(entry.name)) return conflictDeleted(req, entry.name);
  if (!req.vault.secrets.restore(entry)) {
    return req.respond(409, akvError("Conflict", `Secret ${entry.name} already exists in this vault; restore needs a vault without it.`));
  }
  const { value: _value, ...withoutValue } = bundle(req, entry, latest(entry));
  return req.respond(200, withoutValue);
}

function item(req: VaultRequest, entry: SecretEntry, v: SecretVersion, withVersion: boolean): Record<string, unknown> {
  return { id: secretId(req, entry.name, withVersion ? v.version : undefined), attributes: attributes(req, v), ...optional(v) };
}

function listSecrets(req: VaultRequest): Response {
  const denied = req.authorize(`${ACTION}/readMetadata/action`, "");
  if (denied) return denied;
  const live = req.vault.secrets.all().filter((e) => !e.deleted);
  return page(req, live, (e) => e.name, (e) => item(req, e, latest(e), false));
}

function listVersions(req: VaultRequest, name: string): Response {
  if (!OBJECT_NAME.test(name)) return badName(req, name);
  const denied = req.authorize(`${ACTION}/readMetadata/action`, `/secrets/${name}`);
  if (denied) return denied;
  const entry = req.vault.secrets.live(name);
  if (!entry) return notFound(req, name);
  return page(req, entry.versions, (v) => v.version, (v) => item(req, entry, v, true));
}

function listDeleted(req: VaultRequest): Response {
  const denied = req.authorize(`${ACTION}/readMetadata/action`, "");
  if (denied) return denied;
  // A deleted certificate's secret stays out of this list (GET /deletedsecrets/{name} still finds it).
  const deleted = req.vault.secrets.all().filter((e) => e.deleted && e.deleted.visibleAtMs <= Date.now() && !isManaged(e));
  return page(req, deleted, (e) => e.name, (e) => {
    const { id, attributes, recoveryId, deletedDate, scheduledPurgeDate, contentType, tags } = deletedBundle(req, e);
    return { id: String(id).replace(/\/[0-9a-f]{32}$/, ""), attributes, recoveryId, deletedDate, scheduledPurgeDate, contentType, tags };
  });
}
