/**
 * `kvmi vault list|show|set-policy|delete-policy`: Key Vault's control plane through ARM, like
 * `az keyvault list|show|set-policy|delete-policy`; the access policies of vaults that use the
 * access-policy permission model.
 * @module
 */
import { RestClient } from "../arm/arm_client.ts";
import { type PolicyPermissions, Vaults, type VaultSummary } from "../arm/vaults.ts";
import {
  ARM_SCOPE_OPTIONS,
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
import { usageError } from "../core/errors.ts";
import { printJson, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { armAuthorization } from "./context.ts";
import { createPlacedContext } from "./vm_defaults.ts";

/** Help text. */
export const VAULT_HELP = `Usage: kvmi vault <list|show|set-policy|delete-policy> [options]

Key vaults through ARM (Microsoft.KeyVault/vaults).

  list [--resource-group RG] [--subscription SUB]
        The vaults of the subscription (or of one resource group), with their permission model.
  show --name NAME [--resource-group RG] [--subscription SUB]
        One vault: URI, permission model (rbac or accessPolicies) and access policies.
  set-policy --name NAME --assignee OID [--secret-permissions LIST] [--key-permissions LIST]
        Grants permissions in the vault's access policies (access-policy vaults only), like
        az keyvault set-policy. LIST is comma- or space-separated: get,list,set,delete,...
  delete-policy --name NAME --assignee OID
        Removes that object id's access policy.

Subscription defaults to this VM's own, read from IMDS instance metadata. Changing a vault's
permission model needs Microsoft.Authorization/roleAssignments/write (Owner or User Access
Administrator); use kvmi rest for that.
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi vault list -o table
  kvmi vault set-policy --name kv-demo-policy --assignee $oid --secret-permissions get,list
`;

/** Runs `kvmi vault ...`. */
export async function runVault(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, VAULT_HELP);
  if (helped !== undefined) return helped;
  if (!["list", "show", "set-policy", "delete-policy"].includes(sub)) {
    throw usageError(`Unknown vault subcommand '${sub}'.`, "Use list, show, set-policy or delete-policy.");
  }
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    ...ARM_SCOPE_OPTIONS,
    assignee: { type: "string" },
    "secret-permissions": { type: "string" },
    "key-permissions": { type: "string" },
  }, VAULT_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const name = sub === "list" ? undefined : requiredOption(values, "name");
  const objectId = sub === "set-policy" || sub === "delete-policy" ? requiredOption(values, "assignee") : undefined;
  const permissions: PolicyPermissions = {
    secrets: permissionList(stringOption(values, "secret-permissions")),
    keys: permissionList(stringOption(values, "key-permissions")),
  };
  if (sub === "set-policy" && permissions.secrets!.length + permissions.keys!.length === 0) {
    throw usageError("set-policy needs --secret-permissions or --key-permissions.");
  }
  const { context, placement } = await createPlacedContext(values, false);
  try {
    const vaults = new Vaults(new RestClient(context.http, armAuthorization(context)), context.cloud.armEndpoint);
    const group = stringOption(values, "resource-group");
    if (sub === "list") {
      const list = await vaults.list(placement.subscriptionId, group);
      if (format === "table") writeStdout(renderTable(list.map(row), ["Name", "ResourceGroup", "Location", "PermissionModel"]));
      else printJson(list);
      return 0;
    }
    const vault = await vaults.find(placement.subscriptionId, name!, group);
    if (sub === "show") printJson(vault);
    else if (sub === "set-policy") printJson(await vaults.addPolicy(vault, objectId!, permissions));
    else printJson(await vaults.deletePolicy(vault, objectId!));
  } finally {
    context.http.close();
  }
  return 0;
}

function row(v: VaultSummary): Record<string, unknown> {
  return { Name: v.name, ResourceGroup: v.resourceGroup, Location: v.location, PermissionModel: v.permissionModel };
}

/** Splits `get,list` or `get list` into lower-cased permission names. */
export function permissionList(text: string | undefined): string[] {
  return (text ?? "").split(/[\s,]+/).map((p) => p.trim().toLowerCase()).filter(Boolean);
}
