/**
 * The access-policy permission model of Key Vault (vaults with `enableRbacAuthorization: false`):
 * which policy permission a data action needs (secrets get, list, set, ...; keys get, decrypt,
 * release, ...; certificates get, list, create, import, ..., managecontacts and the issuer
 * permissions, which `manageissuers` grants all of), whether the caller's policies grant it (RBAC data roles are ignored on such a
 * vault), and the service's 403 when they do not.
 * @module
 */
import type { AccessPolicy, Vault } from "../world.ts";

/** A policy permission: the object kind and the permission name (`secrets`, `get`). */
export interface PolicyPermission {
  kind: "secrets" | "keys" | "certificates";
  permission: string;
}

/** The data action's last segments -> the policy permission (the official access-policy-to-RBAC mapping). */
const PERMISSIONS: Record<string, PolicyPermission> = {
  "secrets/getSecret/action": { kind: "secrets", permission: "get" },
  "secrets/readMetadata/action": { kind: "secrets", permission: "list" },
  "secrets/setSecret/action": { kind: "secrets", permission: "set" },
  "secrets/update/action": { kind: "secrets", permission: "set" },
  "secrets/delete": { kind: "secrets", permission: "delete" },
  "secrets/recover/action": { kind: "secrets", permission: "recover" },
  "secrets/purge/action": { kind: "secrets", permission: "purge" },
  "secrets/backup/action": { kind: "secrets", permission: "backup" },
  "secrets/restore/action": { kind: "secrets", permission: "restore" },
  "keys/read": { kind: "keys", permission: "get" },
  "keys/create/action": { kind: "keys", permission: "create" },
  "keys/import/action": { kind: "keys", permission: "import" },
  "keys/update/action": { kind: "keys", permission: "update" },
  "keys/delete": { kind: "keys", permission: "delete" },
  "keys/recover/action": { kind: "keys", permission: "recover" },
  "keys/purge/action": { kind: "keys", permission: "purge" },
  "keys/encrypt/action": { kind: "keys", permission: "encrypt" },
  "keys/decrypt/action": { kind: "keys", permission: "decrypt" },
  "keys/wrap/action": { kind: "keys", permission: "wrapkey" },
  "keys/unwrap/action": { kind: "keys", permission: "unwrapkey" },
  "keys/sign/action": { kind: "keys", permission: "sign" },
  "keys/verify/action": { kind: "keys", permission: "verify" },
  "keys/release/action": { kind: "keys", permission: "release" },
  "keys/backup/action": { kind: "keys", permission: "backup" },
  "keys/restore/action": { kind: "keys", permission: "restore" },
  "keys/rotate/action": { kind: "keys", permission: "rotate" },
  "keyrotationpolicies/read": { kind: "keys", permission: "getrotationpolicy" },
  "keyrotationpolicies/write": { kind: "keys", permission: "setrotationpolicy" },
  "certificates/read": { kind: "certificates", permission: "get" },
  "certificates/create/action": { kind: "certificates", permission: "create" },
  "certificates/import/action": { kind: "certificates", permission: "import" },
  "certificates/update/action": { kind: "certificates", permission: "update" },
  "certificates/delete": { kind: "certificates", permission: "delete" },
  "certificates/recover/action": { kind: "certificates", permission: "recover" },
  "certificates/purge/action": { kind: "certificates", permission: "purge" },
  "certificates/backup/action": { kind: "certificates", permission: "backup" },
  "certificates/restore/action": { kind: "certificates", permission: "restore" },
  "certificatecontacts/write": { kind: "certificates", permission: "managecontacts" },
  "certificatecas/read": { kind: "certificates", permission: "getissuers" },
  "certificatecas/write": { kind: "certificates", permission: "setissuers" },
  "certificatecas/delete": { kind: "certificates", permission: "deleteissuers" },
};

/** The issuer permissions `manageissuers` grants. */
const ISSUER_PERMISSIONS = ["getissuers", "listissuers", "setissuers", "deleteissuers"];

/** The permission names a vault accepts per kind (the ARM API's enums, lower-cased). */
export const POLICY_PERMISSIONS: Record<"keys" | "secrets" | "certificates" | "storage", readonly string[]> = {
  secrets: ["all", "get", "list", "set", "delete", "backup", "restore", "recover", "purge"],
  keys: [
    "all",
    "encrypt",
    "decrypt",
    "wrapkey",
    "unwrapkey",
    "sign",
    "verify",
    "get",
    "list",
    "create",
    "update",
    "import",
    "delete",
    "backup",
    "restore",
    "recover",
    "purge",
    "release",
    "rotate",
    "getrotationpolicy",
    "setrotationpolicy",
  ],
  certificates: [
    "all",
    "get",
    "list",
    "delete",
    "create",
    "import",
    "update",
    "managecontacts",
    "getissuers",
    "listissuers",
    "setissuers",
    "deleteissuers",
    "manageissuers",
    "recover",
    "purge",
    "backup",
    "restore",
  ],
  storage: [
    "all",
    "get",
    "list",
    "delete",
    "set",
    "update",
    "regeneratekey",
    "recover",
    "purge",
    "backup",
    "restore",
    "setsas",
    "listsas",
    "getsas",
    "deletesas",
  ],
};

/** Whether the vault uses access policies rather than Azure RBAC. */
export function usesAccessPolicies(vault: Vault): boolean {
  return vault.enableRbacAuthorization === false;
}

/** The policy permission a data action needs (`Microsoft.KeyVault/vaults/secrets/getSecret/action` -> secrets get). */
export function permissionFor(dataAction: string, listing = false): PolicyPermission | undefined {
  const tail = dataAction.replace(/^Microsoft\.KeyVault\/vaults\//i, "");
  const found = PERMISSIONS[tail];
  if (found && found.kind !== "secrets" && found.permission === "get" && listing) return { kind: found.kind, permission: "list" };
  if (found && found.permission === "getissuers" && listing) return { kind: found.kind, permission: "listissuers" };
  return found;
}

/** Whether one of the caller's policies grants the permission. */
export function policiesGrant(policies: readonly AccessPolicy[], objectId: string, needed: PolicyPermission): boolean {
  return policies.some((p) =>
    p.objectId.toLowerCase() === objectId.toLowerCase() &&
    p.permissions[needed.kind].some((name) =>
      name === "all" || name === needed.permission || (name === "manageissuers" && ISSUER_PERMISSIONS.includes(needed.permission))
    )
  );
}

/** The caller part of the refusal text. */
export interface PolicyCaller {
  appId: string;
  objectId: string;
  issuer: string;
}

/** The 403 message of an access-policy refusal (section 4.2 of the reference). */
export function accessPolicyRefusal(caller: PolicyCaller, needed: PolicyPermission, vault: Vault): string {
  return `The user, group or application 'appid=${caller.appId};oid=${caller.objectId};iss=${caller.issuer}' does not have ${needed.kind} ${needed.permission} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`;
}
