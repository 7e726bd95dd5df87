/**
 * Role assignments through ARM, like `az role assignment`: resolve a role name to its GUID with
 * the roleDefinitions API, list, create (PUT with a new GUID) and delete.
 * @module
 */
import { jsonBody, type RestClient } from "./arm_client.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";

/** The api-version of Microsoft.Authorization kvmi sends. */
export const AUTHORIZATION_API_VERSION = "2022-04-01";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCOPES = [
  /^\/subscriptions\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i,
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+\/(secrets|keys|certificates)\/[^/]+$/i,
];

/** A role assignment as ARM returns it (the parts kvmi shows). */
export interface RoleAssignmentView {
  name: string;
  id: string;
  scope: string;
  principalId: string;
  principalType: string;
  roleDefinitionId: string;
  roleName?: string;
}

/** Validates a scope: subscription, resource group, resource (e.g. a vault) or a vault's secret/key. */
export function checkScope(scope: string): string {
  const trimmed = scope.replace(/\/+$/, "");
  if (!SCOPES.some((r) => r.test(trimmed))) {
    throw usageError(
      `'${scope}' is not a scope kvmi understands.`,
      "Use /subscriptions/{sub}, /subscriptions/{sub}/resourceGroups/{rg}, a resource id such as " +
        "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}, or a secret or key below a vault (.../vaults/{vault}/secrets/{name}).",
    );
  }
  return trimmed;
}

/** Checks a principal (object) id. */
export function checkPrincipal(id: string): string {
  if (!GUID.test(id)) throw usageError(`'${id}' is not an object id (a GUID).`, "Pass the principal's object id, e.g. from 'kvmi whoami'.");
  return id.toLowerCase();
}

/** An ARM URL for Microsoft.Authorization at `path` under `armEndpoint`, with its api-version and `query`. */
export function authorizationUrl(armEndpoint: string, path: string, query: Record<string, string> = {}): URL {
  return withQuery(armEndpoint + path, { "api-version": AUTHORIZATION_API_VERSION, ...query });
}

/** Role assignment operations for one ARM endpoint. */
export class RoleAssignments {
  #client: RestClient;
  #arm: string;

  constructor(client: RestClient, armEndpoint: string) {
    this.#client = client;
    this.#arm = armEndpoint;
  }

  #url(path: string, query: Record<string, string> = {}): URL {
    return authorizationUrl(this.#arm, path, query);
  }

  /** Resolves a role name or GUID to `{id, name}` through the roleDefinitions API. */
  async resolveRole(role: string, scope: string): Promise<{ id: string; name: string }> {
    if (GUID.test(role)) {
      const def = jsonBody(await this.#client.sendOk({ method: "GET", url: this.#url(`${scope}/providers/Microsoft.Authorization/roleDefinitions/${role}`) }));
      return { id: role.toLowerCase(), name: String((def.properties as Record<string, unknown>)?.roleName ?? role) };
    }
    const list = jsonBody(
      await this.#client.sendOk({
        method: "GET",
        url: this.#url(`${scope}/providers/Microsoft.Authorization/roleDefinitions`, { $filter: `roleName eq '${role.replaceAll("'", "''")}'` }),
      }),
    );
    const found = (list.value as { name: string; properties: { roleName: string } }[] | undefined)?.[0];
    if (!found) {
      throw new KvmiError(`No role named '${role}'.`, {
        code: "RoleNotFound",
        kind: "notFound",
        hint: 'Check the spelling, e.g. "Key Vault Secrets User", or pass the role\'s GUID.',
      });
    }
    return { id: found.name, name: found.properties.roleName };
  }

  /** Lists assignments at, above and below `scope`, optionally for one principal. */
  async list(scope: string, principalId?: string): Promise<RoleAssignmentView[]> {
    const query: Record<string, string> = principalId ? { $filter: `principalId eq '${principalId}'` } : {};
    const { value } = await this.#client.paginate(this.#url(`${scope}/providers/Microsoft.Authorization/roleAssignments`, query));
    return (value as { name: string; id: string; properties: Record<string, string> }[]).map((a) => ({
      name: a.name,
      id: a.id,
      scope: a.properties.scope,
      principalId: a.properties.principalId,
      principalType: a.properties.principalType,
      roleDefinitionId: a.properties.roleDefinitionId.split("/").pop() ?? "",
    }));
  }

  /** Creates an assignment; returns it. */
  async create(scope: string, principalId: string, roleId: string, principalType: string): Promise<Record<string, unknown>> {
    const subscription = scope.match(/^\/subscriptions\/([^/]+)/i)![1];
    const body = JSON.stringify({
      properties: {
        roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`,
        principalId,
        principalType,
      },
    });
    const url = this.#url(`${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}`);
    return jsonBody(await this.#client.sendOk({ method: "PUT", url, body }));
  }

  /** Deletes one assignment by its full id. */
  async delete(id: string): Promise<void> {
    await this.#client.sendOk({ method: "DELETE", url: this.#url(id) });
  }
}
