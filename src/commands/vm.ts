/**
 * `kvmi vm list|show`: the VMs of a resource group (by default the VM's own, read from IMDS),
 * as ARM returns them, following every page; like `Get-AzVM -ResourceGroupName`.
 * @module
 */
import { jsonBody, RestClient } from "../arm/arm_client.ts";
import { checkVmName } from "../arm/arm_names.ts";
import {
  ARM_SCOPE_OPTIONS,
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  outputFormat,
  parseOptions,
  requiredOption,
  subcommandHelp,
} from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";
import { type OutputFormat, printJson, renderProperties, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { armAuthorization } from "./context.ts";
import { createPlacedContext } from "./vm_defaults.ts";

/** The compute api-version kvmi sends. */
export const COMPUTE_API_VERSION = "2024-07-01";

/** Help text. */
export const VM_HELP = `Usage: kvmi vm <list|show> [options]

Virtual machines through ARM with the machine's identity (Reader is enough).

  list [--resource-group RG | --all] [--subscription SUB]
        The VMs of a resource group (default: this VM's own), or of the whole subscription
        with --all. Every page is followed.
  show --name NAME [--resource-group RG] [--subscription SUB]
        One VM.

Subscription and resource group default to this VM's own, read from IMDS instance metadata.
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi vm list -o table
  kvmi vm show --name vm-app-01
`;

/** Runs `kvmi vm ...`. */
export async function runVm(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, VM_HELP);
  if (helped !== undefined) return helped;
  if (sub !== "list" && sub !== "show") throw usageError(`Unknown vm subcommand '${sub}'.`, "Use list or show.");
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    ...ARM_SCOPE_OPTIONS,
    all: { type: "boolean" },
  }, VM_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  if (values.all && values["resource-group"]) throw usageError("--all and --resource-group cannot be used together.");
  const name = sub === "show" ? checkVmName(requiredOption(values, "name")) : undefined;
  const { context, placement: where } = await createPlacedContext(values, !values.all);
  try {
    const client = new RestClient(context.http, armAuthorization(context));
    const base = `${context.cloud.armEndpoint}/subscriptions/${encodeURIComponent(where.subscriptionId)}`;
    const scope = values.all ? base : `${base}/resourceGroups/${encodeURIComponent(where.resourceGroup!)}`;
    if (name) {
      const url = withQuery(`${scope}/providers/Microsoft.Compute/virtualMachines/${encodeURIComponent(name)}`, { "api-version": COMPUTE_API_VERSION });
      printVms([jsonBody(await client.sendOk({ method: "GET", url }))], format, true);
    } else {
      const url = withQuery(`${scope}/providers/Microsoft.Compute/virtualMachines`, { "api-version": COMPUTE_API_VERSION });
      printVms((await client.paginate(url)).value as Record<string, unknown>[], format, false);
    }
  } finally {
    context.http.close();
  }
  return 0;
}

function summary(vm: Record<string, unknown>): Record<string, unknown> {
  const props = (vm.properties ?? {}) as Record<string, Record<string, unknown>>;
  const id = String(vm.id ?? "");
  return {
    Name: vm.name,
    ResourceGroup: id.match(/\/resourceGroups\/([^/]+)/i)?.[1] ?? "",
    Location: vm.location,
    VmSize: props.hardwareProfile?.vmSize,
    OsType: (props.storageProfile?.osDisk as Record<string, unknown> | undefined)?.osType,
    ProvisioningState: props.provisioningState,
  };
}

function printVms(vms: Record<string, unknown>[], format: OutputFormat, single: boolean): void {
  if (format === "table") {
    writeStdout(
      single
        ? renderProperties(summary(vms[0]))
        : renderTable(vms.map(summary), ["Name", "ResourceGroup", "Location", "VmSize", "OsType", "ProvisioningState"]),
    );
  } else if (format === "raw") writeStdout(vms.map((v) => String(v.id)).join("\n") + (vms.length ? "\n" : ""));
  else printJson(single ? vms[0] : vms);
}
