/**
 * The JSON shapes of keys as the service returns them: KeyBundle (public JWK, attributes, tags,
 * release policy), KeyItem, DeletedKeyBundle, key ids, and the 404 `KeyNotFound`.
 * @module
 */
import type { KeyEntry, KeyVersion } from "./key_store.ts";
import { attributesJson } from "./object_store.ts";
import { akvError, type VaultRequest } from "./vault_server.ts";

/** The 404 `KeyNotFound` for a name (and version). */
export function keyNotFound(req: VaultRequest, name: string, version = ""): Response {
  return req.respond(
    404,
    akvError(
      "KeyNotFound",
      `A key with (name/id) ${
        version ? `${name}/${version}` : name
      } was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    ),
  );
}

/**
 * The 403 for an operation on a certificate's backing key that only the certificate may do
 * (create, import, rotate, delete): its lifetime is managed by Key Vault.
 */
export function managedKeyRefusal(req: VaultRequest, entry: KeyEntry | undefined, operation: string): Response | undefined {
  if (!entry?.versions.some((v) => v.managed)) return undefined;
  return req.respond(
    403,
    akvError("Forbidden", `Operation "${operation}" is not allowed as this object's lifetime is managed by Key Vault.`, "KeyManagedByKeyVault"),
  );
}

/** The key id: `{vault}/keys/{name}[/{version}]`. */
export function keyId(req: VaultRequest, entry: KeyEntry, v?: KeyVersion): string {
  return `${req.vault.url}/keys/${entry.name}${v ? `/${v.version}` : ""}`;
}

function attributes(req: VaultRequest, v: KeyVersion): Record<string, unknown> {
  return { ...attributesJson(v.attributes, req.api), ...(v.attributes.exportable && req.api.keyRelease ? { exportable: true } : {}) };
}

/** The public JWK as Key Vault returns it. */
export function publicKeyJwk(req: VaultRequest, entry: KeyEntry, v: KeyVersion): Record<string, unknown> {
  return { kid: keyId(req, entry, v), kty: v.kty, key_ops: v.keyOps, ...v.publicJwk };
}

/** The KeyBundle of a version. */
export function keyBundle(req: VaultRequest, entry: KeyEntry, v: KeyVersion): Record<string, unknown> {
  return {
    key: publicKeyJwk(req, entry, v),
    attributes: attributes(req, v),
    ...(v.tags ? { tags: v.tags } : {}),
    ...(v.releasePolicy && req.api.keyRelease ? { release_policy: v.releasePolicy } : {}),
    ...(v.managed ? { managed: true } : {}),
  };
}

/** A KeyItem of a list (`kid` with the version only in version lists). */
export function keyItem(req: VaultRequest, entry: KeyEntry, v: KeyVersion, withVersion: boolean): Record<string, unknown> {
  return {
    kid: keyId(req, entry, withVersion ? v : undefined),
    attributes: attributes(req, v),
    ...(v.tags ? { tags: v.tags } : {}),
    ...(v.managed ? { managed: true } : {}),
  };
}

/** The DeletedKeyBundle; before soft delete existed (2015-06-01) the plain KeyBundle. */
export function deletedBundle(req: VaultRequest, entry: KeyEntry): Record<string, unknown> {
  if (!req.api.softDelete) return keyBundle(req, entry, entry.versions[entry.versions.length - 1]);
  return {
    recoveryId: `${req.vault.url}/deletedkeys/${entry.name}`,
    deletedDate: entry.deleted!.deletedDate,
    scheduledPurgeDate: entry.deleted!.scheduledPurgeDate,
    ...keyBundle(req, entry, entry.versions[entry.versions.length - 1]),
  };
}
