/**
 * Azure RBAC evaluation: the union of the caller's role assignments whose scope contains the
 * resource, each granting `actions - notActions` (control plane) or `dataActions - notDataActions`
 * (data plane), matched as case-insensitive globs. Control-plane roles never grant data actions.
 *
 * @example
 * ```ts
 * import { authorize } from "./authorize.ts";
 * import { seedWorld } from "../seed.ts";
 * import { vaultResourceId } from "../world.ts";
 * const world = seedWorld("demo");
 * const vm = [...world.virtualMachines.values()][0];
 * const granted = authorize(world, {
 *   principalId: world.principals.get(vm.systemIdentity!)!.objectId,
 *   action: "Microsoft.KeyVault/vaults/secrets/getSecret/action",
 *   scope: `${vaultResourceId(world, [...world.vaults.values()][0])}/secrets/secret-for-vm`,
 *   dataAction: true,
 * });
 * ```
 * @module
 */
import { findRoleIn, type Permissions } from "./role_definitions.ts";
import type { RoleAssignment, World } from "../world.ts";

/** Whether `action` matches the glob `pattern` (`*` matches any run of characters), case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp("^" + pattern.split("*").map(escapeRegex).join(".*") + "$", "i");
  return regex.test(action);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\/]/g, "\\$&");
}

/** Whether a role assignment at `assignmentScope` applies to `resourceScope` (same or below). */
export function scopeContains(assignmentScope: string, resourceScope: string): boolean {
  const a = assignmentScope.replace(/\/+$/, "").toLowerCase();
  const r = resourceScope.replace(/\/+$/, "").toLowerCase();
  return a === "" || r === a || r.startsWith(a + "/");
}

/** Whether the permissions grant `action` on the given plane. */
export function permissionsGrant(p: Permissions, action: string, dataAction: boolean): boolean {
  const allowed = dataAction ? p.dataActions : p.actions;
  const excluded = dataAction ? p.notDataActions : p.notActions;
  return allowed.some((a) => actionMatches(a, action)) && !excluded.some((a) => actionMatches(a, action));
}

/** A request to authorize. */
export interface AccessRequest {
  principalId: string;
  action: string;
  /** ARM id of the resource acted on (vault, secret, VM, scope...). */
  scope: string;
  dataAction: boolean;
  /** For role-assignment writes and deletes: the role definition id being assigned or removed (what role conditions test). */
  roleDefinitionId?: string;
  /** Now, in ms (role-assignment changes take effect after the emulator's `--rbac-delay`). */
  nowMs?: number;
}

/** Whether a role's condition lets it act on the request (only role-assignment writes and deletes are conditioned). */
function conditionHolds(role: { assignableRoleIds?: string[] }, request: AccessRequest): boolean {
  if (!role.assignableRoleIds || !/^Microsoft\.Authorization\/roleAssignments\/(write|delete)$/i.test(request.action)) return true;
  // Without the attribute (ARM's first check, before the body is read) the action itself is granted; the check with it follows.
  return request.roleDefinitionId === undefined || role.assignableRoleIds.includes(request.roleDefinitionId.toLowerCase());
}

/** Whether an assignment is in force at `nowMs`: created at least the delay ago, and not removed more than the delay ago. */
export function inForce(assignment: RoleAssignment, nowMs: number): boolean {
  return (assignment.effectiveAtMs ?? 0) <= nowMs && (assignment.removedAtMs === undefined || assignment.removedAtMs > nowMs);
}

/** Returns the first role assignment that grants the request, or undefined (denied). */
export function authorize(world: World, request: AccessRequest): RoleAssignment | undefined {
  const now = request.nowMs ?? Date.now();
  for (const assignment of [...world.roleAssignments.values(), ...(world.removedAssignments ?? [])]) {
    if (!inForce(assignment, now)) continue;
    if (assignment.principalId.toLowerCase() !== request.principalId.toLowerCase()) continue;
    if (!scopeContains(assignment.scope, request.scope)) continue;
    const role = findRoleIn(world.customRoles, assignment.roleDefinitionId);
    if (role && permissionsGrant(role.permissions, request.action, request.dataAction) && conditionHolds(role, request)) return assignment;
  }
  return undefined;
}
