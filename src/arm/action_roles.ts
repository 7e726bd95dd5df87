/**
 * The built-in role to suggest when ARM refuses an action (`AuthorizationFailed`).
 * @module
 */
import type { BuiltInRole } from "../cloud/cloud.ts";

const READER = { name: "Reader", id: "acdd72a7-3385-48ef-bd42-f606fba81ae7" };
const CONTRIBUTOR = { name: "Contributor", id: "b24988ac-6180-42a0-ab88-20f7382dd24c" };
const VM_CONTRIBUTOR = { name: "Virtual Machine Contributor", id: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c" };
const RBAC_ADMIN = { name: "Role Based Access Control Administrator", id: "f58310d9-a9f6-439a-9e8d-f62e7b41a168" };

/** The least-privileged common built-in role that grants an ARM action. */
export function roleForAction(action: string): BuiltInRole {
  const a = action.toLowerCase();
  if (a.endsWith("/read")) return READER;
  if (a.startsWith("microsoft.authorization/roleassignments/")) return RBAC_ADMIN;
  if (a.startsWith("microsoft.compute/virtualmachines/")) return VM_CONTRIBUTOR;
  return CONTRIBUTOR;
}
