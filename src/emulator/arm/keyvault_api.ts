/**
 * `Microsoft.KeyVault/vaults` on the emulated ARM: GET, list by resource group and by
 * subscription, PUT create or update (`sku`, `tags`, `enableRbacAuthorization`, `accessPolicies`;
 * switching the permission model needs `Microsoft.Authorization/roleAssignments/write`, as Azure
 * requires since 2025), `accessPolicies/{add|replace|remove}`, DELETE into soft-deleted vaults
 * (`deletedVaults` list, get, purge; recovery by PUT with `createMode: recover`). A new vault gets
 * its own data-plane listener through the emulator's `startVault`.
 * @module
 */
import { newVault } from "../keyvault/new_vault.ts";
import { armError, type ArmRequest, checkSubscription, unsupportedApiVersion } from "./arm_server.ts";
import { POLICY_PERMISSIONS } from "../keyvault/access_policies.ts";
import { isObject, readJson } from "../http_util.ts";
import { type AccessPolicy, type DeletedVault, resourceGroupId, type Vault, vaultResourceId, type World } from "../world.ts";

/** The control-plane api-versions of `Microsoft.KeyVault/vaults`. */
export const KEYVAULT_ARM_API_VERSIONS: readonly string[] = [
  "2019-09-01",
  "2021-10-01",
  "2022-07-01",
  "2023-02-01",
  "2023-07-01",
  "2024-11-01",
  "2025-05-01",
  "2026-02-01",
];

/** From this api-version on, a vault created without `enableRbacAuthorization` uses RBAC (before it, access policies). */
const RBAC_DEFAULT_FROM = "2026-02-01";

/** Starts a new vault's data-plane listener and returns its URL. */
export type VaultStarter = (vault: Vault) => string;

/** The vault as ARM returns it. */
export function vaultJson(world: World, vault: Vault): Record<string, unknown> {
  return {
    id: vaultResourceId(world, vault),
    name: vault.name,
    type: "Microsoft.KeyVault/vaults",
    location: vault.location,
    tags: vault.tags ?? {},
    properties: {
      sku: { family: "A", name: vault.sku ?? "standard" },
      tenantId: world.tenantId,
      accessPolicies: (vault.accessPolicies ?? []).map(policyJson),
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: vault.enableRbacAuthorization !== false,
      vaultUri: `${vault.url}/`,
      provisioningState: "Succeeded",
      publicNetworkAccess: "Enabled",
    },
  };
}

function policyJson(p: AccessPolicy): Record<string, unknown> {
  return { tenantId: p.tenantId, objectId: p.objectId, ...(p.applicationId ? { applicationId: p.applicationId } : {}), permissions: p.permissions };
}

/** Reads an `accessPolicies` array; returns the ARM error message when it is not valid. */
export function readPolicies(value: unknown, world: World): AccessPolicy[] | string {
  if (!Array.isArray(value)) return "The parameter accessPolicies must be an array.";
  const policies: AccessPolicy[] = [];
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.objectId !== "string" || !isObject(entry.permissions)) {
      return "An access policy needs tenantId, objectId and permissions.";
    }
    const permissions: AccessPolicy["permissions"] = { keys: [], secrets: [], certificates: [], storage: [] };
    for (const kind of ["keys", "secrets", "certificates", "storage"] as const) {
      const names = entry.permissions[kind] ?? [];
      if (!Array.isArray(names)) return `The permissions.${kind} of an access policy must be an array.`;
      for (const name of names) {
        const lower = String(name).toLowerCase();
        if (!POLICY_PERMISSIONS[kind].includes(lower)) return `The permission '${name}' is not valid for ${kind}.`;
        if (!permissions[kind].includes(lower)) permissions[kind].push(lower);
      }
    }
    const tenantId = typeof entry.tenantId === "string" ? entry.tenantId : world.tenantId;
    policies.push({
      tenantId,
      objectId: entry.objectId,
      ...(typeof entry.applicationId === "string" ? { applicationId: entry.applicationId } : {}),
      permissions,
    });
  }
  return policies;
}

/** Merges policy changes as `accessPolicies/{add|replace|remove}` does, per object id. */
export function applyPolicyChange(current: AccessPolicy[], change: AccessPolicy[], operation: "add" | "replace" | "remove"): AccessPolicy[] {
  if (operation === "replace") return change;
  const result = current.map((p) => ({ ...p, permissions: { ...p.permissions } }));
  for (const c of change) {
    const existing = result.find((p) => p.objectId.toLowerCase() === c.objectId.toLowerCase() && p.applicationId === c.applicationId);
    if (operation === "add") {
      if (!existing) result.push(c);
      else {for (const kind of ["keys", "secrets", "certificates", "storage"] as const) {
          existing.permissions[kind] = [...new Set([...existing.permissions[kind], ...c.permissions[kind]])];
        }}
    } else if (existing) {
      for (const kind of ["keys", "secrets", "certificates", "storage"] as const) {
        existing.permissions[kind] = existing.permissions[kind].filter((n) => !c.permissions[kind].includes(n));
      }
    }
  }
  return result.filter((p) => Object.values(p.permissions).some((names) => names.length > 0));
}

/** Builds the route. */
export function createKeyVaultRoute(startVault: VaultStarter) {
  return async (req: ArmRequest): Promise<Response | undefined> => {
    const deleted = deletedVaultsRoute(req);
    if (deleted) return deleted;
    const list = req.path.match(/^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?\/providers\/microsoft\.keyvault\/vaults$/i);
    const one = req.path.match(
      /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.keyvault\/vaults\/([^/]+)(?:\/accesspolicies\/(add|replace|remove))?$/i,
    );
    const m = list ?? one;
    if (!m) return undefined;
    const missing = checkSubscription(req, m[1]);
    if (missing) return missing;
    if (!KEYVAULT_ARM_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, "vaults", KEYVAULT_ARM_API_VERSIONS);
    const world = req.world;
    const method = req.request.method;
    if (list) {
      if (method !== "GET") return undefined;
      const scope = list[2] ? resourceGroupId(world, list[2]) : `/subscriptions/${world.subscriptionId}`;
      const denied = req.authorize("Microsoft.KeyVault/vaults/read", scope);
      if (denied) return denied;
      const vaults = [...world.vaults.values()].filter((v) => !list[2] || v.resourceGroup.toLowerCase() === list[2].toLowerCase());
      return req.respond(200, { value: vaults.map((v) => vaultJson(world, v)) });
    }
    const [, , rg, name, operation] = one!;
    const scope = `${resourceGroupId(world, rg)}/providers/Microsoft.KeyVault/vaults/${name}`;
    const vault = world.vaults.get(name) ?? [...world.vaults.values()].find((v) => v.name.toLowerCase() === name.toLowerCase());
    const found = vault && vault.resourceGroup.toLowerCase() === rg.toLowerCase() ? vault : undefined;
    const notFound = () =>
      req.respond(
        404,
        armError(
          "ResourceNotFound",
          `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        ),
      );
    if (method === "GET" && !operation) {
      const denied = req.authorize("Microsoft.KeyVault/vaults/read", scope);
      return denied ?? (found ? req.respond(200, vaultJson(world, found)) : notFound());
    }
    if (method === "DELETE" && !operation) {
      const denied = req.authorize("Microsoft.KeyVault/vaults/delete", scope);
      if (denied) return denied;
      if (!found) return req.respond(204);
      world.vaults.delete(found.name.toLowerCase());
      const now = new Date();
      const deletedVaults = world.deletedVaults ??= new Map();
      deletedVaults.set(found.name.toLowerCase(), {
        vault: found,
        deletionDate: now.toISOString(),
        scheduledPurgeDate: new Date(now.getTime() + 90 * 86_400_000).toISOString(),
      });
      return req.respond(200);
    }
    if (method !== "PUT") return undefined;
    const body = await readJson(req.request);
    if ("error" in body || !isObject(body.value)) {
      return req.respond(400, armError("InvalidRequestContent", "The request content was invalid and could not be deserialized."));
    }
    const properties = isObject(body.value.properties) ? body.value.properties : {};
    if (operation) {
      const denied = req.authorize("Microsoft.KeyVault/vaults/accessPolicies/write", scope);
      if (denied) return denied;
      if (!found) return notFound();
      const change = readPolicies(properties.accessPolicies, world);
      if (typeof change === "string") return req.respond(400, armError("BadRequest", change));
      found.accessPolicies = applyPolicyChange(found.accessPolicies ?? [], change, operation.toLowerCase() as "add" | "replace" | "remove");
      return req.respond(200, {
        id: `${vaultResourceId(world, found)}/accessPolicies/${operation.toLowerCase()}`,
        type: "Microsoft.KeyVault/vaults/accessPolicies",
        properties: { accessPolicies: found.accessPolicies.map(policyJson) },
      });
    }
    const denied = req.authorize("Microsoft.KeyVault/vaults/write", scope);
    if (denied) return denied;
    const rbac = typeof properties.enableRbacAuthorization === "boolean" ? properties.enableRbacAuthorization : undefined;
    if (found && rbac !== undefined && rbac !== (found.enableRbacAuthorization !== false)) {
      const switching = req.authorize("Microsoft.Authorization/roleAssignments/write", scope);
      if (switching) return switching;
    }
    const policies = properties.accessPolicies === undefined ? undefined : readPolicies(properties.accessPolicies, world);
    if (typeof policies === "string") return req.respond(400, armError("BadRequest", policies));
    const sku = isObject(properties.sku) && typeof properties.sku.name === "string" ? properties.sku.name.toLowerCase() : undefined;
    if (sku !== undefined && sku !== "standard" && sku !== "premium") return req.respond(400, armError("BadRequest", `The SKU '${sku}' is not valid.`));
    const tags = isObject(body.value.tags) ? body.value.tags as Record<string, string> : undefined;
    if (found) {
      if (rbac !== undefined) found.enableRbacAuthorization = rbac;
      if (policies !== undefined) found.accessPolicies = policies;
      if (sku !== undefined) found.sku = sku;
      if (tags !== undefined) found.tags = tags;
      return req.respond(200, vaultJson(world, found));
    }
    if (vault) return req.respond(409, armError("VaultAlreadyExists", `The vault name '${name}' is already in use.`));
    const softDeleted = world.deletedVaults?.get(name.toLowerCase());
    if (softDeleted && properties.createMode === "recover") {
      world.deletedVaults!.delete(name.toLowerCase());
      world.vaults.set(name.toLowerCase(), softDeleted.vault);
      return req.respond(200, vaultJson(world, softDeleted.vault));
    }
    if (softDeleted) {
      return req.respond(
        409,
        armError(
          "ConflictError",
          "A vault with the same name already exists in deleted state. You need to either recover or purge existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.",
        ),
      );
    }
    if (!world.resourceGroups.has(rg.toLowerCase())) return req.respond(404, armError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`));
    if (!/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(name) || name.includes("--")) {
      return req.respond(
        400,
        armError(
          "VaultNameNotValid",
          `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
        ),
      );
    }
    const created = newVault({
      name,
      resourceGroup: world.resourceGroups.get(rg.toLowerCase())!.name,
      location: typeof body.value.location === "string" ? body.value.location : "japaneast",
      enableRbacAuthorization: rbac ?? req.apiVersion >= RBAC_DEFAULT_FROM,
      accessPolicies: policies ?? [],
      sku: sku ?? "standard",
      tags: tags ?? {},
    });
    world.vaults.set(name.toLowerCase(), created);
    created.url = startVault(created);
    return req.respond(200, vaultJson(world, created));
  };
}

/** The soft-deleted vault as ARM returns it. */
function deletedVaultJson(world: World, d: DeletedVault): Record<string, unknown> {
  return {
    id: `/subscriptions/${world.subscriptionId}/providers/Microsoft.KeyVault/locations/${d.vault.location}/deletedVaults/${d.vault.name}`,
    name: d.vault.name,
    type: "Microsoft.KeyVault/deletedVaults",
    properties: {
      vaultId: vaultResourceId(world, d.vault),
      location: d.vault.location,
      deletionDate: d.deletionDate,
      scheduledPurgeDate: d.scheduledPurgeDate,
      tags: d.vault.tags ?? {},
      purgeProtectionEnabled: false,
    },
  };
}

/** `deletedVaults`: list of the subscription, get and purge by location and name. */
function deletedVaultsRoute(req: ArmRequest): Response | undefined {
  const m = req.path.match(/^\/subscriptions\/([^/]+)\/providers\/microsoft\.keyvault\/(?:locations\/([^/]+)\/)?deletedvaults(?:\/([^/]+)(\/purge)?)?$/i);
  if (!m) return undefined;
  const missing = checkSubscription(req, m[1]);
  if (missing) return missing;
  if (!KEYVAULT_ARM_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, "deletedVaults", KEYVAULT_ARM_API_VERSIONS);
  const world = req.world;
  const [, , location, name, purge] = m;
  const scope = `/subscriptions/${world.subscriptionId}`;
  const all = [...(world.deletedVaults?.values() ?? [])];
  if (!name) {
    if (req.request.method !== "GET" || location) return undefined;
    const denied = req.authorize("Microsoft.KeyVault/deletedVaults/read", scope);
    return denied ?? req.respond(200, { value: all.map((d) => deletedVaultJson(world, d)) });
  }
  const entry = world.deletedVaults?.get(name.toLowerCase());
  const found = entry && (!location || entry.vault.location.toLowerCase() === location.toLowerCase()) ? entry : undefined;
  const notFound = () => req.respond(404, armError("ResourceNotFound", `The Resource 'Microsoft.KeyVault/deletedVaults/${name}' was not found.`));
  if (req.request.method === "GET" && !purge) {
    const denied = req.authorize("Microsoft.KeyVault/deletedVaults/read", scope);
    return denied ?? (found ? req.respond(200, deletedVaultJson(world, found)) : notFound());
  }
  if (req.request.method === "POST" && purge) {
    const denied = req.authorize("Microsoft.KeyVault/locations/deletedVaults/purge/action", scope);
    if (denied) return denied;
    if (!found) return notFound();
    world.deletedVaults!.delete(name.toLowerCase());
    return req.respond(200);
  }
  return undefined;
}
