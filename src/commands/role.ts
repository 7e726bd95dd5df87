/**
 * `kvmi role list|assign|unassign`: Azure role assignments through ARM, like
 * `az role assignment list|create|delete`.
 * @module
 */
import { RestClient } from "../arm/arm_client.ts";
import { checkPrincipal, checkScope, RoleAssignments } from "../arm/role_assignments.ts";
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  outputFormat,
  parseOptions,
  requiredOption,
  stringOption,
  subcommandHelp,
} from "../cli/args.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { printJson, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { armAuthorization, createAzureContext } from "./context.ts";
import { createPlacedContext } from "./vm_defaults.ts";

/** Help text. */
export const ROLE_HELP = `Usage: kvmi role <list|assign|unassign> [options]

Azure RBAC role assignments through ARM.

  list     [--assignee OBJECT_ID] [--scope SCOPE]
  assign   --assignee OBJECT_ID --role NAME|GUID --scope SCOPE [--assignee-principal-type TYPE]
  unassign --assignee OBJECT_ID --role NAME|GUID --scope SCOPE
  definition list|create|delete   Role definitions, custom roles (kvmi role definition --help)

  --assignee ID         Object (principal) id of the user, group or identity
  --role NAME|GUID      A role name such as "Key Vault Secrets User" (resolved to its GUID) or a GUID
  --scope SCOPE         /subscriptions/{sub}
                        /subscriptions/{sub}/resourceGroups/{rg}
                        /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{vault}
                        .../vaults/{vault}/secrets/{name} (or keys/{name})
                        (list defaults to this VM's subscription)
  --assignee-principal-type ServicePrincipal (default), User, Group
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi role assign --assignee 11111111-2222-3333-4444-555555555555 --role "Key Vault Secrets User" \\
    --scope /subscriptions/SUB/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/kv-demo
  kvmi role list --assignee 11111111-2222-3333-4444-555555555555 -o table
`;

/** Runs `kvmi role ...`. */
export async function runRole(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, ROLE_HELP);
  if (helped !== undefined) return helped;
  if (sub === "definition") return await (await import("./role_definition.ts")).runRoleDefinition(rest);
  if (!["list", "assign", "unassign"].includes(sub)) throw usageError(`Unknown role subcommand '${sub}'.`, "Use list, assign or unassign.");
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    assignee: { type: "string" },
    role: { type: "string" },
    scope: { type: "string" },
    subscription: { type: "string" },
    "assignee-principal-type": { type: "string" },
  }, ROLE_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const assignee = sub === "list" ? stringOption(values, "assignee") : requiredOption(values, "assignee");
  const principalId = assignee === undefined ? undefined : checkPrincipal(assignee);
  const role = sub === "list" ? undefined : requiredOption(values, "role");
  const scopeOption = sub === "list" ? stringOption(values, "scope") : requiredOption(values, "scope");
  const scopeGiven = scopeOption === undefined ? undefined : checkScope(scopeOption);
  const principalType = stringOption(values, "assignee-principal-type") ?? "ServicePrincipal";
  if (!["ServicePrincipal", "User", "Group", "ForeignGroup"].includes(principalType)) throw usageError(`Unknown principal type '${principalType}'.`);
  const placed = scopeGiven === undefined ? await createPlacedContext(values, false) : undefined;
  const context = placed?.context ?? createAzureContext(values);
  try {
    const scope = scopeGiven ?? `/subscriptions/${placed!.placement.subscriptionId}`;
    const assignments = new RoleAssignments(new RestClient(context.http, armAuthorization(context)), context.cloud.armEndpoint);
    if (sub === "list") {
      const list = await assignments.list(scope, principalId);
      if (format === "table") writeStdout(renderTable(list as unknown as Record<string, unknown>[], ["principalId", "roleDefinitionId", "scope", "name"]));
      else printJson(list);
      return 0;
    }
    const resolved = await assignments.resolveRole(role!, scope);
    if (sub === "assign") {
      const created = await assignments.create(scope, principalId!, resolved.id, principalType);
      printJson({ ...created, roleName: resolved.name });
      return 0;
    }
    const matching = (await assignments.list(scope, principalId)).filter((a) =>
      a.roleDefinitionId.toLowerCase() === resolved.id && a.scope.toLowerCase() === scope.toLowerCase()
    );
    if (matching.length === 0) {
      throw new KvmiError(`No assignment of '${resolved.name}' to ${principalId} at ${scope}.`, {
        code: "RoleAssignmentNotFound",
        kind: "notFound",
        hint: "List them with 'kvmi role list --assignee ...'.",
      });
    }
    for (const a of matching) await assignments.delete(a.id);
    printJson({ removed: matching.map((a) => a.id), roleName: resolved.name });
  } finally {
    context.http.close();
  }
  return 0;
}
