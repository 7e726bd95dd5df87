/**
 * `Microsoft.Authorization` on the emulated ARM: role assignments (GET, PUT, DELETE, list with
 * `$filter=atScope()` / `principalId eq '...'` / `assignedTo('...')`) and role definitions (GET,
 * list with `$filter=roleName eq '...'`), each RBAC-checked like the real provider.
 * @module
 */
import { armError, type ArmRequest, checkSubscription, readArmProperties, unsupportedApiVersion } from "./arm_server.ts";
import { scopeContains } from "../rbac/authorize.ts";
import { BUILTIN_ROLES, findRoleIn, type RoleDefinition } from "../rbac/role_definitions.ts";
import { customRoleResource, deleteRoleDefinition, putRoleDefinition } from "./custom_roles_api.ts";
import { isGuid } from "../http_util.ts";
import { findPrincipal, type RoleAssignment } from "../world.ts";

/** Api-versions of roleAssignments and roleDefinitions that the emulator accepts. */
export const AUTHORIZATION_API_VERSIONS = [
  "2015-07-01",
  "2018-01-01-preview",
  "2018-09-01-preview",
  "2020-04-01-preview",
  "2020-08-01-preview",
  "2020-10-01-preview",
  "2022-01-01-preview",
  "2022-04-01",
  "2022-05-01-preview",
];

const PROVIDER = /^(.*)\/providers\/Microsoft\.Authorization\/(roleAssignments|roleDefinitions)(?:\/([^/]+))?$/i;

/** Routes role assignment and role definition requests. */
export async function authorizationRoute(req: ArmRequest): Promise<Response | undefined> {
  const m = req.path.match(PROVIDER);
  if (!m) return undefined;
  const [, scope, type, name] = m;
  const sub = scope.match(/^\/subscriptions\/([^/]+)/i);
  if (!sub) {
    return req.respond(400, armError("InvalidScope", `The scope '${scope || "/"}' is not valid for this emulator; use a subscription or a scope below it.`));
  }
  const missing = checkSubscription(req, sub[1]);
  if (missing) return missing;
  if (!AUTHORIZATION_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, type, AUTHORIZATION_API_VERSIONS);
  const method = req.request.method;
  if (type.toLowerCase() === "roledefinitions") {
    if (name && method === "PUT") return await putRoleDefinition(req, scope, name);
    if (name && method === "DELETE") return deleteRoleDefinition(req, scope, name);
    if (method !== "GET") return req.respond(405, armError("MethodNotAllowed", `HTTP ${method} not allowed`));
    return name ? getRoleDefinition(req, scope, name) : listRoleDefinitions(req, scope);
  }
  if (!name) return method === "GET" ? listAssignments(req, scope) : req.respond(405, armError("MethodNotAllowed", `HTTP ${method} not allowed`));
  if (method === "GET") return getAssignment(req, scope, name);
  if (method === "PUT") return await putAssignment(req, scope, name);
  if (method === "DELETE") return deleteAssignment(req, scope, name);
  return req.respond(405, armError("MethodNotAllowed", `HTTP ${method} not allowed`));
}

/** The role definition resource as ARM returns it. */
export function roleDefinitionResource(scope: string, role: RoleDefinition): Record<string, unknown> {
  if (role.custom) return customRoleResource(role);
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`,
    type: "Microsoft.Authorization/roleDefinitions",
    name: role.id,
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: [role.permissions],
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2024-01-01T00:00:00.0000000Z",
      createdBy: null,
      updatedBy: null,
    },
  };
}

function getRoleDefinition(req: ArmRequest, scope: string, id: string): Response {
  const denied = req.authorize("Microsoft.Authorization/roleDefinitions/read", scope);
  if (denied) return denied;
  const role = isGuid(id) ? findRoleIn(req.world.customRoles, id) : undefined;
  if (!role) return req.respond(404, armError("RoleDefinitionDoesNotExist", `The specified role definition with ID '${id}' does not exist.`));
  return req.respond(200, roleDefinitionResource(scope, role));
}

function listRoleDefinitions(req: ArmRequest, scope: string): Response {
  const denied = req.authorize("Microsoft.Authorization/roleDefinitions/read", scope);
  if (denied) return denied;
  const filter = req.url.searchParams.get("$filter");
  const custom = [...(req.world.customRoles?.values() ?? [])].filter((r) =>
    r.custom!.assignableScopes.some((s) => scopeContains(s, scope) || scopeContains(scope, s))
  );
  let roles: readonly RoleDefinition[] = [...BUILTIN_ROLES, ...custom];
  if (filter) {
    const byName = filter.match(/^roleName\s+eq\s+'(.*)'$/i);
    const byType = filter.match(/^type\s+eq\s+'(BuiltInRole|CustomRole)'$/i);
    if (byName) roles = roles.filter((r) => r.roleName.toLowerCase() === byName[1].replace(/''/g, "'").toLowerCase());
    else if (byType) roles = roles.filter((r) => (byType[1].toLowerCase() === "customrole") === Boolean(r.custom));
    else {return req.respond(
        400,
        armError("InvalidFilterInQueryString", `The filter '${filter}' is not supported. Supported filters: roleName eq '{name}', type eq 'BuiltInRole'.`),
      );}
  }
  return req.respond(200, { value: roles.map((r) => roleDefinitionResource(scope, r)) });
}

/** The role assignment resource as ARM returns it. */
function assignmentResource(req: ArmRequest, a: RoleAssignment): Record<string, unknown> {
  return {
    properties: {
      roleDefinitionId: `/subscriptions/${req.world.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionId}`,
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: a.condition ?? null,
      conditionVersion: a.conditionVersion ?? null,
      createdOn: a.createdOn,
      updatedOn: a.updatedOn,
      createdBy: a.createdBy,
      updatedBy: a.createdBy,
      delegatedManagedIdentityResourceId: null,
      description: a.description ?? null,
    },
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name: a.name,
  };
}

function sameScope(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

function notFound(req: ArmRequest, name: string): Response {
  return req.respond(404, armError("RoleAssignmentNotFound", `The role assignment '${name}' is not found.`));
}

function getAssignment(req: ArmRequest, scope: string, name: string): Response {
  const denied = req.authorize("Microsoft.Authorization/roleAssignments/read", scope);
  if (denied) return denied;
  const a = req.world.roleAssignments.get(name.toLowerCase());
  if (!a || !sameScope(a.scope, scope)) return notFound(req, name);
  return req.respond(200, assignmentResource(req, a));
}

function listAssignments(req: ArmRequest, scope: string): Response {
  const denied = req.authorize("Microsoft.Authorization/roleAssignments/read", scope);
  if (denied) return denied;
  const filter = req.url.searchParams.get("$filter")?.trim();
  let atScopeOnly = false;
  let principal: string | undefined;
  if (filter) {
    for (const clause of filter.split(/\s+and\s+/i)) {
      const p = clause.match(/^(?:principalId\s+eq\s+'([^']+)'|assignedTo\('([^']+)'\))$/i);
      if (/^atScope\(\)$/i.test(clause)) atScopeOnly = true;
      else if (p) principal = (p[1] ?? p[2]).toLowerCase();
      else {return req.respond(
          400,
          armError(
            "InvalidFilterInQueryString",
            `The filter '${filter}' is not supported. Supported filters: atScope(), principalId eq '{id}', assignedTo('{id}').`,
          ),
        );}
    }
  }
  const value = [...req.world.roleAssignments.values()]
    .filter((a) => atScopeOnly ? scopeContains(a.scope, scope) : scopeContains(a.scope, scope) || scopeContains(scope, a.scope))
    .filter((a) => principal === undefined || a.principalId.toLowerCase() === principal)
    .map((a) => assignmentResource(req, a));
  return req.respond(200, { value });
}

async function putAssignment(req: ArmRequest, scope: string, name: string): Promise<Response> {
  // ARM names the assignment's own id as the scope of a refused write.
  const assignmentId = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const denied = req.authorize("Microsoft.Authorization/roleAssignments/write", assignmentId);
  if (denied) return denied;
  if (!isGuid(name)) {
    return req.respond(400, armError("InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`));
  }
  const props = await readArmProperties(req);
  if (props instanceof Response) return props;
  const roleId = typeof props.roleDefinitionId === "string" ? props.roleDefinitionId.split("/").pop() ?? "" : "";
  const role = isGuid(roleId) ? findRoleIn(req.world.customRoles, roleId) : undefined;
  if (!role) return req.respond(400, armError("RoleDefinitionDoesNotExist", `The specified role definition with ID '${roleId}' does not exist.`));
  const conditioned = req.authorize("Microsoft.Authorization/roleAssignments/write", assignmentId, role.id);
  if (conditioned) return conditioned;
  if (role.custom && !role.custom.assignableScopes.some((s) => scopeContains(s, scope))) {
    return req.respond(
      403,
      armError(
        "InvalidRoleAssignmentScope",
        `The role '${role.roleName}' cannot be assigned at scope '${scope}': it is not within the role's assignable scopes.`,
      ),
    );
  }
  const principalId = typeof props.principalId === "string" ? props.principalId : "";
  if (!isGuid(principalId) || !findPrincipal(req.world, { objectId: principalId })) {
    return req.respond(
      400,
      armError(
        "PrincipalNotFound",
        `Principal ${
          principalId.replaceAll("-", "")
        } does not exist in the directory ${req.world.tenantId}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
      ),
    );
  }
  const existing = req.world.roleAssignments.get(name.toLowerCase());
  if (existing) {
    const same = existing.principalId.toLowerCase() === principalId.toLowerCase() && existing.roleDefinitionId === role.id && sameScope(existing.scope, scope);
    if (same) return req.respond(200, assignmentResource(req, existing));
    return req.respond(400, armError("RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."));
  }
  const duplicate = [...req.world.roleAssignments.values()].find((a) =>
    a.principalId.toLowerCase() === principalId.toLowerCase() && a.roleDefinitionId === role.id && sameScope(a.scope, scope)
  );
  if (duplicate) return req.respond(409, armError("RoleAssignmentExists", "The role assignment already exists."));
  const now = new Date().toISOString();
  const assignment: RoleAssignment = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionId: role.id,
    principalId,
    principalType: typeof props.principalType === "string" ? props.principalType : "User",
    description: typeof props.description === "string" ? props.description : undefined,
    ...(typeof props.condition === "string"
      ? { condition: props.condition, conditionVersion: typeof props.conditionVersion === "string" ? props.conditionVersion : "2.0" }
      : {}),
    effectiveAtMs: Date.now() + (req.world.rbacDelayMs ?? 0),
    createdOn: now,
    updatedOn: now,
    createdBy: req.caller.objectId,
  };
  req.world.roleAssignments.set(assignment.name, assignment);
  return req.respond(201, assignmentResource(req, assignment));
}

function deleteAssignment(req: ArmRequest, scope: string, name: string): Response {
  const assignmentId = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const denied = req.authorize("Microsoft.Authorization/roleAssignments/delete", assignmentId);
  if (denied) return denied;
  const a = req.world.roleAssignments.get(name.toLowerCase());
  if (!a || !sameScope(a.scope, scope)) return req.respond(204);
  const conditioned = req.authorize("Microsoft.Authorization/roleAssignments/delete", assignmentId, a.roleDefinitionId);
  if (conditioned) return conditioned;
  req.world.roleAssignments.delete(a.name);
  if (req.world.rbacDelayMs) (req.world.removedAssignments ??= []).push({ ...a, removedAtMs: Date.now() + req.world.rbacDelayMs });
  return req.respond(200, assignmentResource(req, a));
}
