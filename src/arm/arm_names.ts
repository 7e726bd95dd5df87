/**
 * ARM names as ARM accepts them, checked before they become path segments: a name such as `.`
 * or `..` would otherwise be folded away by URL parsing and address another resource (the whole
 * list, or the whole subscription). Rules from the resource-name rules of Microsoft.Resources
 * and Microsoft.Compute.
 * @module
 */
import { usageError } from "../core/errors.ts";

const SUBSCRIPTION_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Resource groups: 1-90 of letters, digits, `_`, `-`, `.`, `(`, `)`, not ending with `.`. */
const RESOURCE_GROUP = /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u;
/** Virtual machines: 1-64 of letters, digits, `_`, `-`, `.`, not starting with `_`, `.` or `-` nor ending with `.` or `-`. */
const VM_NAME = /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])$/;

/** Validates a subscription id (a GUID). */
export function checkSubscriptionId(value: string): string {
  if (!SUBSCRIPTION_ID.test(value)) throw usageError(`'${printable(value)}' is not a subscription id: subscription ids are GUIDs.`);
  return value;
}

/** Validates a resource group name. */
export function checkResourceGroupName(value: string): string {
  if (!RESOURCE_GROUP.test(value)) {
    throw usageError(
      `'${printable(value)}' is not a valid resource group name.`,
      "Resource group names are 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period.",
    );
  }
  return value;
}

/** Validates a virtual machine name. */
export function checkVmName(value: string): string {
  if (!VM_NAME.test(value)) {
    throw usageError(
      `'${printable(value)}' is not a valid virtual machine name.`,
      "VM names are 1-64 letters, digits, underscores, hyphens and periods, not starting with a period or hyphen nor ending with one.",
    );
  }
  return value;
}

/** A value as it may appear in an error message: control characters escaped, at most 100 characters. */
export function printable(value: string): string {
  const short = value.length > 100 ? `${value.slice(0, 100)}...` : value;
  return short.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
