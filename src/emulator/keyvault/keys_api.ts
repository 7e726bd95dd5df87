/**
 * The Key Vault keys REST API: create and import (RSA, RSA-HSM, EC, EC-HSM on P-256, P-256K,
 * P-384, P-521; `exportable` with a
 * release policy and the AKV.SKR rules), get, list, versions, update (immutable policies
 * refused), soft delete, recover, purge, backup and restore (blobs in key_backup.ts); routing of
 * the cryptographic operations (key_operations.ts), release (key_release.ts), rotation and
 * rotation policies (key_rotation_api.ts) and `/rng` (random_bytes.ts).
 * @module
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { badName, decodeSegment, OBJECT_NAME } from "./object_names.ts";
import { base64url } from "jose";
import { type KeyEntry, type KeyVersion, keyVersion, type StoredReleasePolicy } from "./key_store.ts";
import { page } from "./paging.ts";
import { deletedBundle, keyBundle, keyId, keyItem, keyNotFound, managedKeyRefusal } from "./key_bundle.ts";
import { generateKey, nodeJwkCurve, publicMembers } from "./key_generation.ts";
import { keyRotationRoute } from "./key_rotation_api.ts";
import { randomBytes } from "./random_bytes.ts";
import { akvError, deletedButRecoverable, requestObject, type VaultRequest } from "./vault_server.ts";
import { cryptoOperation } from "./key_operations.ts";
import { decodeKeyBackup, encodeKeyBackup } from "./key_backup.ts";
import { CORRUPT_MESSAGE, OTHER_WORLD_MESSAGE } from "./backup_sealing.ts";
import { isObject, nowSeconds } from "../http_util.ts";
import { parsePolicy, PolicyError } from "../../skr/release_policy.ts";

const ACTION = "Microsoft.KeyVault/vaults/keys";
const RSA_OPS = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];
const EC_OPS = ["sign", "verify"];

/** The release handler, plugged in by the emulator (it needs the vault's signing certificate). */
export type ReleaseHandler = (req: VaultRequest, entry: KeyEntry, version: KeyVersion, versionInUrl: string) => Promise<Response>;

/** Builds the keys route. */
export function createKeysRoute(release: ReleaseHandler) {
  return async (req: VaultRequest): Promise<Response | undefined> => {
    const path = req.url.pathname.replace(/\/{2,}/g, "//");
    const method = req.request.method;
    let m: RegExpMatchArray | null;
    if (/^\/keys\/?$/i.test(path) && method === "GET") {
      const denied = req.authorize(`${ACTION}/read`, "");
      return denied ??
        page(req, req.vault.keys.all().filter((e) => !e.deleted), (e) => e.name, (e) => keyItem(req, e, e.versions[e.versions.length - 1], false));
    }
    const deletedKeysPath = /^\/deletedkeys(\/|$)/i.test(path);
    if (deletedKeysPath && !req.api.softDelete) return undefined;
    if (/^\/deletedkeys\/?$/i.test(path) && method === "GET") {
      const denied = req.authorize(`${ACTION}/read`, "");
      // A deleted certificate's key stays out of this list (GET /deletedkeys/{name} still finds it).
      const deleted = req.vault.keys.all().filter((e) => e.deleted && !e.versions.some((v) => v.managed));
      return denied ?? page(req, deleted, (e) => e.name, (e) => deletedBundle(req, e));
    }
    if ((m = path.match(/^\/deletedkeys\/([^/]+)(\/recover)?\/?$/i))) return deletedKey(req, decodeSegment(m[1]), Boolean(m[2]));
    if (/^\/rng\/?$/i.test(path) && method === "POST") return await randomBytes(req);
    const rotation = await keyRotationRoute(req, path);
    if (rotation) return rotation;
    if (/^\/keys\/restore\/?$/i.test(path) && method === "POST") return await restoreKey(req);
    if ((m = path.match(/^\/keys\/([^/]+)\/backup\/?$/i)) && method === "POST") return await backupKey(req, decodeSegment(m[1]));
    if ((m = path.match(/^\/keys\/([^/]+)\/create\/?$/i)) && method === "POST") return await createKey(req, decodeSegment(m[1]));
    if ((m = path.match(/^\/keys\/([^/]+)\/versions\/?$/i)) && method === "GET") return listVersions(req, decodeSegment(m[1]));
    m = path.match(/^\/keys\/([^/]+)\/([0-9a-fA-F]{32})?\/?(encrypt|decrypt|wrapkey|unwrapkey|sign|verify|release)\/?$/i) ??
      path.match(/^\/keys\/([^/]+)\/()(encrypt|decrypt|wrapkey|unwrapkey|sign|verify|release)\/?$/i);
    if (m && method === "POST" && !(m[3].toLowerCase() === "release" && !req.api.keyRelease)) {
      const name = decodeSegment(m[1]);
      const op = m[3].toLowerCase();
      const entry = req.vault.keys.live(name);
      const v = entry && keyVersion(entry, m[2] ?? "");
      const action = op === "wrapkey" ? "wrap" : op === "unwrapkey" ? "unwrap" : op;
      const denied = req.authorize(`${ACTION}/${action}/action`, `/keys/${name}`);
      if (denied) return denied;
      if (!entry || !v) return keyNotFound(req, name, m[2] ?? "");
      if (!v.attributes.enabled) return req.respond(403, akvError("Forbidden", `Operation ${op} is not allowed on a disabled key.`, "KeyDisabled"));
      if (op === "release") return await release(req, entry, v, m[2] ?? "");
      return await cryptoOperation(req, v, op, keyId(req, entry, v));
    }
    if ((m = path.match(/^\/keys\/([^/]+)(?:\/([^/]*))?\/?$/i))) {
      const name = decodeSegment(m[1]);
      const version = m[2] ?? "";
      if (!OBJECT_NAME.test(name)) return badName(req, name);
      if (method === "GET") return getKey(req, name, version);
      if (method === "PUT" && version === "") return await importKey(req, name);
      if (method === "PATCH") return await updateKey(req, name, version);
      if (method === "DELETE" && version === "") return deleteKey(req, name);
    }
    return undefined;
  };
}

function getKey(req: VaultRequest, name: string, version: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  const v = entry && keyVersion(entry, version);
  return entry && v ? req.respond(200, keyBundle(req, entry, v)) : keyNotFound(req, name, version);
}

function listVersions(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/read`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  return page(req, entry.versions, (v) => v.version, (v) => keyItem(req, entry, v, true));
}

interface KeyProperties {
  keyOps?: string[];
  enabled?: boolean;
  nbf?: number;
  exp?: number;
  exportable?: boolean;
  tags?: Record<string, string>;
  releasePolicy?: StoredReleasePolicy;
}

/** Validates the properties shared by create, import and update; returns a message on error. */
function readKeyProperties(body: Record<string, unknown>): KeyProperties | string {
  const props: KeyProperties = {};
  if (body.key_ops !== undefined) {
    if (!Array.isArray(body.key_ops) || !body.key_ops.every((o) => typeof o === "string" && [...RSA_OPS, "import", "export"].includes(o))) {
      return "Property key_ops has invalid value.";
    }
    props.keyOps = body.key_ops as string[];
  }
  const a = body.attributes;
  if (a !== undefined && a !== null) {
    if (!isObject(a)) return "Property attributes has invalid value.";
    if (a.enabled !== undefined && typeof a.enabled !== "boolean") return "Property attributes.enabled has invalid value.";
    if (a.exportable !== undefined && typeof a.exportable !== "boolean") return "Property attributes.exportable has invalid value.";
    props.enabled = a.enabled as boolean | undefined;
    props.exportable = a.exportable as boolean | undefined;
    props.nbf = typeof a.nbf === "number" ? a.nbf : undefined;
    props.exp = typeof a.exp === "number" ? a.exp : undefined;
  }
  if (body.tags !== undefined && body.tags !== null) {
    if (!isObject(body.tags) || Object.keys(body.tags).length > 15) return "Property tags has invalid value.";
    props.tags = body.tags as Record<string, string>;
  }
  const rp = body.release_policy;
  if (rp !== undefined && rp !== null) {
    if (!isObject(rp) || typeof rp.data !== "string") return "Property release_policy must carry 'data' (base64url policy JSON).";
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(base64url.decode(rp.data)));
      parsePolicy(json);
    } catch (error) {
      return `AKV.SKR.1011: The key release policy is invalid: ${error instanceof PolicyError ? error.message : "its data is not base64url JSON."}`;
    }
    props.releasePolicy = {
      contentType: typeof rp.contentType === "string" ? rp.contentType : "application/json; charset=utf-8",
      immutable: rp.immutable === true,
      data: base64url.encode(JSON.stringify(json)),
    };
  }
  return props;
}

/** The AKV.SKR rules coupling `exportable`, the key type and the release policy. */
function checkExportable(kty: string, exportable: boolean, policy: StoredReleasePolicy | undefined): string | undefined {
  if (exportable && !policy) return "AKV.SKR.1004: Exportable keys must have release policy.";
  if (!exportable && policy) return "AKV.SKR.1005: Non-exportable keys must not have release policy.";
  if (exportable && !kty.endsWith("-HSM")) return "AKV.SKR.1006: Exportable keys must be HSM-protected (RSA-HSM, EC-HSM or oct-HSM).";
  return undefined;
}

function store(req: VaultRequest, name: string, kty: string, privateKey: KeyObject, props: KeyProperties): Response {
  const exportable = props.exportable ?? false;
  const problem = checkExportable(kty, exportable, props.releasePolicy);
  if (problem) return req.respond(400, akvError("BadParameter", problem));
  if (req.vault.keys.deleted(name)) {
    return req.respond(409, deletedButRecoverable("Key", name));
  }
  const now = nowSeconds();
  const v = req.vault.keys.add(name, {
    kty,
    keyOps: props.keyOps ?? (kty.startsWith("RSA") ? RSA_OPS : EC_OPS),
    attributes: { enabled: props.enabled ?? true, nbf: props.nbf, exp: props.exp, created: now, updated: now, exportable },
    tags: props.tags,
    releasePolicy: props.releasePolicy,
    privateKey,
    publicJwk: publicMembers(privateKey),
  });
  return req.respond(200, keyBundle(req, req.vault.keys.live(name)!, v));
}

async function createKey(req: VaultRequest, name: string): Promise<Response> {
  if (!OBJECT_NAME.test(name)) return badName(req, name);
  const denied = req.authorize(`${ACTION}/create/action`, `/keys/${name}`) ?? managedKeyRefusal(req, req.vault.keys.live(name), "create");
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const kty = typeof body.kty === "string" ? body.kty : "";
  if (!kty) return req.respond(400, akvError("BadParameter", "Property 'kty' is required."));
  const props = readKeyProperties(body);
  if (typeof props === "string") return req.respond(400, akvError("BadParameter", props));
  const generated = generateKey(kty, typeof body.key_size === "number" ? body.key_size : undefined, typeof body.crv === "string" ? body.crv : undefined);
  if (typeof generated === "string") return req.respond(400, akvError("BadParameter", generated));
  return store(req, name, kty, generated.privateKey, props);
}

async function importKey(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/import/action`, `/keys/${name}`) ?? managedKeyRefusal(req, req.vault.keys.live(name), "import");
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  if (!isObject(body.key)) return req.respond(400, akvError("BadParameter", "Property 'key' (a JSON Web Key with its private members) is required."));
  const props = readKeyProperties(body);
  if (typeof props === "string") return req.respond(400, akvError("BadParameter", props));
  let privateKey: KeyObject;
  try {
    const { kid: _kid, key_ops: _ops, ...jwk } = body.key as Record<string, unknown>;
    privateKey = createPrivateKey({
      key: { ...jwk, kty: String(jwk.kty).replace(/-HSM$/, ""), ...(jwk.crv !== undefined ? { crv: nodeJwkCurve(jwk.crv) } : {}) } as Record<string, string>,
      format: "jwk",
    });
  } catch {
    return req.respond(400, akvError("BadParameter", "The key is not a valid RSA or EC private JSON Web Key."));
  }
  const base = privateKey.asymmetricKeyType === "rsa" ? "RSA" : "EC";
  const kty = body.Hsm === true || body.hsm === true || String((body.key as Record<string, unknown>).kty).endsWith("-HSM") ? `${base}-HSM` : base;
  if (!props.keyOps && Array.isArray((body.key as Record<string, unknown>).key_ops)) props.keyOps = (body.key as Record<string, unknown>).key_ops as string[];
  return store(req, name, kty, privateKey, props);
}

async function updateKey(req: VaultRequest, name: string, version: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/update/action`, `/keys/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const entry = req.vault.keys.live(name);
  const v = entry && keyVersion(entry, version);
  if (!entry || !v) return keyNotFound(req, name, version);
  const props = readKeyProperties(body);
  if (typeof props === "string") return req.respond(400, akvError("BadParameter", props));
  if (props.exportable !== undefined && props.exportable !== v.attributes.exportable) {
    return req.respond(400, akvError("BadParameter", "AKV.SKR.1003: The exportable attribute of an existing key cannot be changed."));
  }
  if (props.releasePolicy && v.releasePolicy?.immutable) {
    return req.respond(400, akvError("BadParameter", "AKV.SKR.1020: Immutable Key Release Policy cannot be modified."));
  }
  if (props.releasePolicy && !v.attributes.exportable) {
    return req.respond(400, akvError("BadParameter", "AKV.SKR.1005: Non-exportable keys must not have release policy."));
  }
  if (props.keyOps) v.keyOps = props.keyOps;
  if (props.enabled !== undefined) v.attributes.enabled = props.enabled;
  if (props.nbf !== undefined) v.attributes.nbf = props.nbf;
  if (props.exp !== undefined) v.attributes.exp = props.exp;
  if (props.tags) v.tags = props.tags;
  if (props.releasePolicy) v.releasePolicy = props.releasePolicy;
  v.attributes.updated = nowSeconds();
  return req.respond(200, keyBundle(req, entry, v));
}

function deleteKey(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${ACTION}/delete`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  const managed = managedKeyRefusal(req, entry, "delete");
  if (managed) return managed;
  req.vault.keys.softDelete(entry, nowSeconds());
  return req.respond(200, deletedBundle(req, entry));
}

async function backupKey(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${ACTION}/backup/action`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  const blob = await encodeKeyBackup(req.securityWorld, { entry, rotationPolicy: req.vault.keys.rotationPolicy(name) });
  return req.respond(200, { value: blob });
}

async function restoreKey(req: VaultRequest): Promise<Response> {
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const backup = typeof body.value === "string" ? await decodeKeyBackup(req.securityWorld, body.value) : "corrupt";
  const denied = req.authorize(`${ACTION}/restore/action`, typeof backup === "object" ? `/keys/${backup.entry.name}` : "");
  if (denied) return denied;
  if (typeof backup === "string") return req.respond(400, akvError("BadParameter", backup === "corrupt" ? CORRUPT_MESSAGE : OTHER_WORLD_MESSAGE));
  const { entry, rotationPolicy } = backup;
  if (!req.vault.keys.restore(entry)) {
    return req.respond(
      409,
      akvError(
        "Conflict",
        `There was a conflict restoring the key '${entry.name}'. This can happen if either: a key with the same name exists in this vault, or a key with the same name was deleted and is still recoverable (purge or recover it first).`,
      ),
    );
  }
  if (rotationPolicy) req.vault.keys.setRotationPolicy(entry.name, rotationPolicy);
  return req.respond(200, keyBundle(req, entry, entry.versions[entry.versions.length - 1]));
}

function deletedKey(req: VaultRequest, name: string, recover: boolean): Response {
  const method = req.request.method;
  const action = recover ? "recover/action" : method === "DELETE" ? "purge/action" : "read";
  const denied = req.authorize(`${ACTION}/${action}`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.deleted(name);
  if (!entry) return req.respond(404, akvError("KeyNotFound", `Deleted Key not found: ${name}`));
  if (recover && method === "POST") {
    req.vault.keys.recover(entry);
    return req.respond(200, keyBundle(req, entry, entry.versions[entry.versions.length - 1]));
  }
  if (method === "DELETE") {
    req.vault.keys.purge(entry);
    return req.respond(204);
  }
  return req.respond(200, deletedBundle(req, entry));
}
