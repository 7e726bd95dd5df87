/**
 * Everything the emulated Azure tenant holds: the directory (principals and the resources they
 * may request tokens for), the subscription's resource groups, VMs and vaults, and the role
 * assignments RBAC evaluates. Plain data; the servers read and change it.
 * @module
 */
import { isFirstPartyHost } from "./first_party_resources.ts";
import type { RoleDefinition } from "./rbac/role_definitions.ts";
import type { CertificateStore } from "./keyvault/certificate_store.ts";
import type { KeyStore } from "./keyvault/key_store.ts";
import type { SecretStore } from "./keyvault/secret_store.ts";

/** A service principal: a managed identity or an app registration with a secret. */
export interface Principal {
  objectId: string;
  appId: string;
  displayName: string;
  kind: "SystemAssignedIdentity" | "UserAssignedIdentity" | "ServicePrincipal";
  /** ARM id of the identity's resource (`xms_mirid`): the VM for system-assigned, the identity itself for user-assigned. */
  resourceId?: string;
  /** Client secret, for app registrations. */
  secret?: string;
}

/** A virtual machine resource. */
export interface VirtualMachine {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  vmId: string;
  vmSize: string;
  osType: "Windows" | "Linux";
  computerName: string;
  tags: Record<string, string>;
  /** Object id of the system-assigned identity, if enabled. */
  systemIdentity?: string;
  /** Object ids of attached user-assigned identities. */
  userAssignedIdentities: string[];
  timeCreated: string;
  /** Extra `properties` members set by PUT (kept as sent). */
  extraProperties: Record<string, unknown>;
  /** The resource's etag generation (1 when created, +1 per update). */
  etag?: number;
  /** Power state; undefined means running. */
  powerState?: "running" | "stopped" | "deallocated";
}

/** One access policy of a vault using the access-policy permission model. */
export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  /** Lower-cased permission names per object kind (`get`, `list`, `set`, ... or `all`). */
  permissions: { keys: string[]; secrets: string[]; certificates: string[]; storage: string[] };
}

/** A soft-deleted vault: the vault itself (its listener answers again once recovered) and when it was deleted. */
export interface DeletedVault {
  vault: Vault;
  /** ISO time of the deletion. */
  deletionDate: string;
  /** ISO time it is purged at (90 days later). */
  scheduledPurgeDate: string;
}

/** A Key Vault and its secrets, keys and certificates. */
export interface Vault {
  name: string;
  resourceGroup: string;
  location: string;
  /** Set once its listener is up. */
  url: string;
  secrets: SecretStore;
  keys: KeyStore;
  certificates: CertificateStore;
  /** The permission model: Azure RBAC (true) or access policies (false); undefined means RBAC. */
  enableRbacAuthorization?: boolean;
  /** The access policies (used when RBAC authorization is off). */
  accessPolicies?: AccessPolicy[];
  /** `standard` or `premium`. */
  sku?: string;
  tags?: Record<string, string>;
}

/** An Azure RBAC role assignment. */
export interface RoleAssignment {
  /** The assignment's GUID name. */
  name: string;
  /** Scope as given when it was created (case kept). */
  scope: string;
  /** GUID of the role definition. */
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  description?: string;
  createdOn: string;
  updatedOn: string;
  createdBy: string;
  /** An ABAC condition on the assignment, kept and returned as given. */
  condition?: string;
  conditionVersion?: string;
  /** When it starts to count (ms since epoch; the emulator's `--rbac-delay` after its creation). */
  effectiveAtMs?: number;
  /** When a deleted assignment stops counting (its deletion plus the delay). */
  removedAtMs?: number;
}

/** A resource group. */
export interface ResourceGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
}

/** The whole emulated tenant and subscription. */
export interface World {
  tenantId: string;
  subscriptionId: string;
  subscriptionName: string;
  principals: Map<string, Principal>;
  /** Token audiences the tenant knows (app ID URIs), canonical form. */
  resources: string[];
  resourceGroups: Map<string, ResourceGroup>;
  /** Keyed by lower-cased ARM id. */
  virtualMachines: Map<string, VirtualMachine>;
  /** Keyed by lower-cased vault name. */
  vaults: Map<string, Vault>;
  /** Soft-deleted vaults (recoverable until purged), keyed by lower-cased name. */
  deletedVaults?: Map<string, DeletedVault>;
  /** How long role-assignment changes take to apply (`--rbac-delay`; Azure: up to ten minutes). */
  rbacDelayMs?: number;
  /** Deleted assignments still in force until their `removedAtMs`. */
  removedAssignments?: RoleAssignment[];
  /** Custom role definitions, keyed by lower-cased GUID. */
  customRoles?: Map<string, RoleDefinition>;
  /** Keyed by lower-cased assignment name. */
  roleAssignments: Map<string, RoleAssignment>;
}

/** ARM id of a resource group. */
export function resourceGroupId(world: World, rg: string): string {
  return `/subscriptions/${world.subscriptionId}/resourceGroups/${rg}`;
}

/** ARM id of a vault. */
export function vaultResourceId(world: World, vault: Vault): string {
  return `${resourceGroupId(world, vault.resourceGroup)}/providers/Microsoft.KeyVault/vaults/${vault.name}`;
}

/** Finds a principal by object id, app id, or resource id (case-insensitive). */
export function findPrincipal(world: World, by: { objectId?: string; appId?: string; resourceId?: string }): Principal | undefined {
  const eq = (a?: string, b?: string) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
  for (const p of world.principals.values()) {
    if (eq(p.objectId, by.objectId) || eq(p.appId, by.appId) || eq(p.resourceId, by.resourceId)) return p;
  }
  return undefined;
}

/** The canonical audience for a requested resource, ignoring a trailing slash; undefined if unknown. */
export function canonicalResource(world: World, resource: string): string | undefined {
  const trimmed = resource.replace(/\/+$/, "").toLowerCase();
  const known = world.resources.find((r) => r.replace(/\/+$/, "").toLowerCase() === trimmed);
  return known ?? (isFirstPartyHost(resource) ? resource.replace(/\/+$/, "") : undefined);
}
