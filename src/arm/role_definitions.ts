/**
 * Azure role definitions through ARM: list (built-in and custom), create a custom role from the
 * `az role definition create` JSON (Name, Description, Actions, NotActions, DataActions,
 * NotDataActions, AssignableScopes), and delete one.
 * @module
 */
import { jsonBody, type RestClient } from "./arm_client.ts";
import { authorizationUrl } from "./role_assignments.ts";
import { KvmiError, usageError } from "../core/errors.ts";

/** A role definition as kvmi prints it. */
export interface RoleDefinitionView {
  id: string;
  roleName: string;
  type: string;
  description: string;
  assignableScopes: string[];
  permissions: Record<string, string[]>[];
}

/** The ARM body of a custom role. */
export interface CustomRoleBody {
  properties: {
    roleName: string;
    description: string;
    type: "CustomRole";
    permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
    assignableScopes: string[];
  };
}

/** Reads the `az role definition create` JSON (member names case-insensitive) into the ARM body. */
export function customRoleBody(definition: unknown): CustomRoleBody {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) throw usageError("The role definition must be a JSON object.");
  const members = new Map(Object.entries(definition as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), v]));
  const list = (name: string): string[] => {
    const value = members.get(name.toLowerCase()) ?? [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw usageError(`The role definition's ${name} must be an array of strings.`);
    return value as string[];
  };
  const roleName = members.get("name") ?? members.get("rolename");
  if (typeof roleName !== "string" || roleName.trim() === "") throw usageError("The role definition needs a Name.");
  const assignableScopes = list("AssignableScopes");
  if (assignableScopes.length === 0) throw usageError("The role definition needs at least one AssignableScopes entry, e.g. /subscriptions/{id}.");
  const description = members.get("description");
  return {
    properties: {
      roleName,
      description: typeof description === "string" ? description : "",
      type: "CustomRole",
      permissions: [{ actions: list("Actions"), notActions: list("NotActions"), dataActions: list("DataActions"), notDataActions: list("NotDataActions") }],
      assignableScopes,
    },
  };
}

function view(json: Record<string, unknown>): RoleDefinitionView {
  const p = (json.properties ?? {}) as Record<string, unknown>;
  return {
    id: String(json.name ?? ""),
    roleName: String(p.roleName ?? ""),
    type: String(p.type ?? ""),
    description: String(p.description ?? ""),
    assignableScopes: (p.assignableScopes ?? []) as string[],
    permissions: (p.permissions ?? []) as Record<string, string[]>[],
  };
}

/** Role definitions at a scope. */
export class RoleDefinitions {
  #client: RestClient;
  #arm: string;

  constructor(client: RestClient, armEndpoint: string) {
    this.#client = client;
    this.#arm = armEndpoint;
  }

  #url(path: string, query: Record<string, string> = {}): URL {
    return authorizationUrl(this.#arm, path, query);
  }

  /** The roles visible at `scope` (custom only when asked). */
  async list(scope: string, customOnly: boolean): Promise<RoleDefinitionView[]> {
    const query: Record<string, string> = customOnly ? { $filter: "type eq 'CustomRole'" } : {};
    const { value } = await this.#client.paginate(this.#url(`${scope}/providers/Microsoft.Authorization/roleDefinitions`, query));
    return (value as Record<string, unknown>[]).map(view);
  }

  /** Creates a custom role with a new GUID at its first assignable scope. */
  async create(body: CustomRoleBody): Promise<RoleDefinitionView> {
    const scope = body.properties.assignableScopes[0];
    const url = this.#url(`${scope}/providers/Microsoft.Authorization/roleDefinitions/${crypto.randomUUID()}`);
    return view(jsonBody(await this.#client.sendOk({ method: "PUT", url, body: JSON.stringify(body) })));
  }

  /** Deletes a custom role given by name or GUID. */
  async delete(scope: string, nameOrId: string): Promise<RoleDefinitionView> {
    const roles = await this.list(scope, true);
    const role = roles.find((r) => r.id.toLowerCase() === nameOrId.toLowerCase() || r.roleName.toLowerCase() === nameOrId.toLowerCase());
    if (!role) {
      throw new KvmiError(`No custom role '${nameOrId}' at ${scope}.`, {
        code: "RoleNotFound",
        kind: "notFound",
        hint: "List them with 'kvmi role definition list --custom-role-only'.",
      });
    }
    const url = this.#url(`${scope}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`);
    await this.#client.sendOk({ method: "DELETE", url });
    return role;
  }
}
