/**
 * Key Vault's control plane through ARM (`Microsoft.KeyVault/vaults`): list, show, and the
 * access policies of vaults with the access-policy permission model (`accessPolicies/add`,
 * `accessPolicies/remove`), like `az keyvault list|show|set-policy|delete-policy`.
 * @module
 */
import { jsonBody, type RestClient } from "./arm_client.ts";
import { KvmiError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";

/** The api-version kvmi uses for `Microsoft.KeyVault/vaults`. */
export const VAULTS_API_VERSION = "2023-07-01";

/** Permissions of one access policy, per object kind. */
export interface PolicyPermissions {
  keys?: string[];
  secrets?: string[];
  certificates?: string[];
  storage?: string[];
}

/** A vault as kvmi shows it. */
export interface VaultSummary {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  vaultUri: string;
  tenantId: string;
  permissionModel: "rbac" | "accessPolicies";
  accessPolicies: { objectId: string; permissions: PolicyPermissions }[];
}

/** Reads ARM's vault JSON into a {@link VaultSummary}. */
export function vaultSummary(json: Record<string, unknown>): VaultSummary {
  const properties = (json.properties ?? {}) as Record<string, unknown>;
  const id = String(json.id ?? "");
  return {
    id,
    name: String(json.name ?? ""),
    resourceGroup: id.match(/\/resourceGroups\/([^/]+)/i)?.[1] ?? "",
    location: String(json.location ?? ""),
    vaultUri: String(properties.vaultUri ?? ""),
    tenantId: String(properties.tenantId ?? ""),
    permissionModel: properties.enableRbacAuthorization === false ? "accessPolicies" : "rbac",
    accessPolicies: ((properties.accessPolicies ?? []) as { objectId: string; permissions: PolicyPermissions }[]).map((p) => ({
      objectId: p.objectId,
      permissions: p.permissions,
    })),
  };
}

/** The vaults of a subscription. */
export class Vaults {
  #client: RestClient;
  #arm: string;

  constructor(client: RestClient, armEndpoint: string) {
    this.#client = client;
    this.#arm = armEndpoint.replace(/\/+$/, "");
  }

  #url(path: string): URL {
    return withQuery(`${this.#arm}${path}`, { "api-version": VAULTS_API_VERSION });
  }

  /** Vaults of the subscription, or of one resource group. */
  async list(subscriptionId: string, resourceGroup?: string): Promise<VaultSummary[]> {
    const path = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ""}/providers/Microsoft.KeyVault/vaults`;
    const { value } = await this.#client.paginate(this.#url(path));
    return (value as Record<string, unknown>[]).map(vaultSummary);
  }

  /** Finds a vault by name (in the resource group if given, else anywhere in the subscription). */
  async find(subscriptionId: string, name: string, resourceGroup?: string): Promise<VaultSummary> {
    const found = (await this.list(subscriptionId, resourceGroup)).find((v) => v.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      throw new KvmiError(`No vault named '${name}' in ${resourceGroup ? `resource group '${resourceGroup}'` : `subscription ${subscriptionId}`}.`, {
        code: "VaultNotFound",
        kind: "notFound",
        hint: "List them with 'kvmi vault list'.",
      });
    }
    return found;
  }

  /** Adds permissions for an object id (`accessPolicies/add`); returns the vault's policies afterwards. */
  async addPolicy(vault: VaultSummary, objectId: string, permissions: PolicyPermissions): Promise<unknown> {
    return await this.#changePolicies(vault, "add", [{ tenantId: vault.tenantId, objectId, permissions }]);
  }

  /** Removes an object id's whole access policy (`accessPolicies/remove` with every permission it has). */
  async deletePolicy(vault: VaultSummary, objectId: string): Promise<unknown> {
    const existing = vault.accessPolicies.find((p) => p.objectId.toLowerCase() === objectId.toLowerCase());
    if (!existing) {
      throw new KvmiError(`Vault '${vault.name}' has no access policy for ${objectId}.`, { code: "AccessPolicyNotFound", kind: "notFound" });
    }
    return await this.#changePolicies(vault, "remove", [{ tenantId: vault.tenantId, objectId, permissions: existing.permissions }]);
  }

  async #changePolicies(vault: VaultSummary, operation: "add" | "remove", policies: unknown[]): Promise<unknown> {
    if (vault.permissionModel === "rbac") {
      throw new KvmiError(`Vault '${vault.name}' uses Azure RBAC; access policies do not apply to it.`, {
        code: "VaultUsesRbac",
        kind: "usage",
        hint: 'Assign a Key Vault data role instead: kvmi role assign --assignee OBJECT_ID --role "Key Vault Secrets User" --scope ' + vault.id,
      });
    }
    const response = await this.#client.sendOk({
      method: "PUT",
      url: this.#url(`${vault.id}/accessPolicies/${operation}`),
      body: JSON.stringify({ properties: { accessPolicies: policies } }),
    });
    return jsonBody(response);
  }
}
