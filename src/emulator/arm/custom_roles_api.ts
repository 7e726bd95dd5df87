/**
 * Custom role definitions on the emulated ARM (`az role definition create|delete`): PUT with
 * `roleName`, `description`, `permissions` (Actions, NotActions, DataActions, NotDataActions)
 * and `assignableScopes`, DELETE (refused while assignments use the role). Evaluation is the
 * RBAC engine's: wildcards and the Not* lists (rbac/authorize.ts).
 * @module
 */
import { armError, type ArmRequest, readArmProperties } from "./arm_server.ts";
import { isGuid, isObject } from "../http_util.ts";
import { findRole, type Permissions, type RoleDefinition } from "../rbac/role_definitions.ts";
import { scopeContains } from "../rbac/authorize.ts";

/** Reads a string array member; action strings are trimmed (the RBAC article's own example has "keys/read "). */
function actions(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((a) => typeof a !== "string")) return undefined;
  return value.map((a: string) => a.trim()).filter(Boolean);
}

/** Reads the `permissions` array of a role definition body into one {@link Permissions}; returns a message on error. */
export function readPermissions(value: unknown): Permissions | string {
  if (!Array.isArray(value) || value.length === 0) return "The role definition must have at least one permission block.";
  const merged: Permissions = { actions: [], notActions: [], dataActions: [], notDataActions: [] };
  for (const block of value) {
    if (!isObject(block)) return "A permission block must be an object.";
    for (const key of ["actions", "notActions", "dataActions", "notDataActions"] as const) {
      const list = actions(block[key]);
      if (!list) return `The permission member '${key}' must be an array of strings.`;
      merged[key].push(...list);
    }
  }
  if (merged.actions.length + merged.dataActions.length === 0) return "The role definition must grant at least one action or data action.";
  return merged;
}

/** PUT `{scope}/providers/Microsoft.Authorization/roleDefinitions/{guid}`: creates or updates a custom role. */
export async function putRoleDefinition(req: ArmRequest, scope: string, id: string): Promise<Response> {
  const denied = req.authorize("Microsoft.Authorization/roleDefinitions/write", scope);
  if (denied) return denied;
  if (!isGuid(id)) {
    return req.respond(400, armError("InvalidRoleDefinitionId", `The role definition ID '${id}' is not valid. The role definition ID must be a GUID.`));
  }
  if (findRole(id)) return req.respond(403, armError("BuiltInRoleCannotBeModified", "Built-in roles cannot be modified."));
  const props = await readArmProperties(req);
  if (props instanceof Response) return props;
  const roleName = typeof props.roleName === "string" ? props.roleName.trim() : "";
  if (!roleName) return req.respond(400, armError("RoleDefinitionNameNullOrEmpty", "The role definition name cannot be null or empty."));
  const permissions = readPermissions(props.permissions);
  if (typeof permissions === "string") return req.respond(400, armError("InvalidRoleDefinitionPermissions", permissions));
  const scopes = actions(props.assignableScopes);
  if (!scopes || scopes.length === 0) {
    return req.respond(400, armError("InvalidAssignableScopes", "The role definition must have at least one assignable scope."));
  }
  if (!scopes.some((s) => scopeContains(s, scope) || scopeContains(scope, s))) {
    return req.respond(400, armError("RoleDefinitionScopeMismatch", `The role definition scope '${scope}' is not one of its assignable scopes.`));
  }
  for (const s of scopes) {
    const denial = req.authorize("Microsoft.Authorization/roleDefinitions/write", s);
    if (denial) return denial;
  }
  const roles = req.world.customRoles ??= new Map();
  const clash = [...roles.values()].find((r) => r.roleName.toLowerCase() === roleName.toLowerCase() && r.id !== id.toLowerCase()) ??
    findRole(roleName);
  if (clash) {
    return req.respond(
      409,
      armError("RoleDefinitionWithSameNameExists", "A custom role with the same name already exists in this directory. Use a different name."),
    );
  }
  const now = new Date().toISOString();
  const existing = roles.get(id.toLowerCase());
  const role: RoleDefinition = {
    id: id.toLowerCase(),
    roleName,
    description: typeof props.description === "string" ? props.description : "",
    permissions,
    custom: { assignableScopes: scopes, createdOn: existing?.custom?.createdOn ?? now, updatedOn: now, createdBy: req.caller.objectId },
  };
  roles.set(role.id, role);
  return req.respond(201, customRoleResource(role));
}

/** DELETE of a custom role; refused while role assignments use it. */
export function deleteRoleDefinition(req: ArmRequest, scope: string, id: string): Response {
  const denied = req.authorize("Microsoft.Authorization/roleDefinitions/delete", scope);
  if (denied) return denied;
  if (findRole(id)) return req.respond(403, armError("BuiltInRoleCannotBeModified", "Built-in roles cannot be deleted."));
  const role = req.world.customRoles?.get(id.toLowerCase());
  if (!role) return req.respond(204);
  if ([...req.world.roleAssignments.values()].some((a) => a.roleDefinitionId === role.id)) {
    return req.respond(
      400,
      armError("RoleDefinitionHasAssignments", "There are existing role assignments referencing role (code: RoleDefinitionHasAssignments)."),
    );
  }
  req.world.customRoles!.delete(role.id);
  return req.respond(200, customRoleResource(role));
}

/** A custom role as ARM returns it (its id under the first assignable scope). */
export function customRoleResource(role: RoleDefinition): Record<string, unknown> {
  const custom = role.custom!;
  const home = custom.assignableScopes[0].match(/^\/subscriptions\/[^/]+/i)?.[0] ?? "";
  return {
    id: `${home}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: role.id,
    properties: {
      roleName: role.roleName,
      type: "CustomRole",
      description: role.description,
      assignableScopes: custom.assignableScopes,
      permissions: [role.permissions],
      createdOn: custom.createdOn,
      updatedOn: custom.updatedOn,
      createdBy: custom.createdBy,
      updatedBy: custom.createdBy,
    },
  };
}
