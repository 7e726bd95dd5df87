/**
 * `kvmi resource list|show`: ARM's generic resources, like `az resource list` and
 * `az resource show --ids`. The subscription defaults to this VM's own, read from IMDS.
 * @module
 */
import { jsonBody, RestClient } from "../arm/arm_client.ts";
import {
  ARM_SCOPE_OPTIONS,
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  listOption,
  outputFormat,
  type ParsedValues,
  parseOptions,
  requiredOption,
  stringOption,
  subcommandHelp,
} from "../cli/args.ts";
import { type OutputFormat, printJson, renderProperties, renderTable } from "../cli/output.ts";
import { usageError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";
import { writeStdout } from "../core/stdio.ts";
import { armAuthorization } from "./context.ts";
import { COMPUTE_API_VERSION } from "./vm.ts";
import { createPlacedContext } from "./vm_defaults.ts";

/** The Microsoft.Resources api-version kvmi sends for the resource list. */
export const RESOURCES_API_VERSION = "2021-04-01";

/** api-versions `resource show` knows by resource type (others need --api-version). */
const SHOW_API_VERSIONS: Record<string, string> = {
  "microsoft.compute/virtualmachines": COMPUTE_API_VERSION,
  "microsoft.keyvault/vaults": "2023-07-01",
  "microsoft.resources/resourcegroups": RESOURCES_API_VERSION,
};

/** Help text. */
export const RESOURCE_HELP = `Usage: kvmi resource <list|show> [options]

Azure resources of any type through ARM, with the machine's identity (Reader is enough); only
the resources the identity may read are listed.

  list [--resource-group RG] [--name N] [--resource-type T] [--tag K[=V]] [--subscription SUB]
        The subscription's resources (or one resource group's), filtered by ARM; every page is
        followed.
  show --ids ID [--api-version V]
        One resource by its ARM id (api-version known for VMs, vaults and resource groups).

The subscription defaults to this VM's own, read from IMDS instance metadata.
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi resource list --name vm-demo --query "[*].identity.principalId" -o tsv
  kvmi resource list --resource-type Microsoft.KeyVault/vaults -o table
  kvmi resource list --tag environment=demo --query "[].id" -o tsv
  kvmi resource show --ids /subscriptions/SUB/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines/vm-demo
`;

/** Runs `kvmi resource ...`. */
export async function runResource(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, RESOURCE_HELP);
  if (helped !== undefined) return helped;
  if (sub !== "list" && sub !== "show") throw usageError(`Unknown resource subcommand '${sub}'.`, "Use list or show.");
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    ...ARM_SCOPE_OPTIONS,
    "resource-type": { type: "string" },
    tag: { type: "string", multiple: true },
    ids: { type: "string" },
    "api-version": { type: "string" },
  }, RESOURCE_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  if (sub === "show") return await show(values, format);
  const filter = listFilter(stringOption(values, "name"), stringOption(values, "resource-type"), listOption(values, "tag"));
  const { context, placement } = await createPlacedContext(values, false);
  try {
    const client = new RestClient(context.http, armAuthorization(context));
    const base = `${context.cloud.armEndpoint}/subscriptions/${encodeURIComponent(placement.subscriptionId)}`;
    const scope = placement.resourceGroup ? `${base}/resourceGroups/${encodeURIComponent(placement.resourceGroup)}` : base;
    const url = withQuery(`${scope}/resources`, { "api-version": RESOURCES_API_VERSION, $filter: filter || undefined });
    printResources((await client.paginate(url)).value as Record<string, unknown>[], format, false);
  } finally {
    context.http.close();
  }
  return 0;
}

/** ARM's `$filter` for the options given (values quoted as OData strings). */
export function listFilter(name: string | undefined, type: string | undefined, tags: string[]): string | undefined {
  if (tags.length > 1) throw usageError("Give one --tag: ARM filters on one tag at a time.");
  const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
  const clauses: string[] = [];
  if (name !== undefined) clauses.push(`name eq ${quote(name)}`);
  if (type !== undefined) clauses.push(`resourceType eq ${quote(type)}`);
  if (tags.length === 1) {
    const eq = tags[0].indexOf("=");
    const key = eq < 0 ? tags[0] : tags[0].slice(0, eq);
    if (!key) throw usageError(`Tag '${tags[0]}' must look like KEY or KEY=VALUE.`);
    clauses.push(`tagName eq ${quote(key)}`);
    if (eq >= 0) clauses.push(`tagValue eq ${quote(tags[0].slice(eq + 1))}`);
  }
  return clauses.length ? clauses.join(" and ") : undefined;
}

async function show(values: ParsedValues, format: OutputFormat): Promise<number> {
  const id = requiredOption(values, "ids");
  const type = resourceType(id);
  const apiVersion = stringOption(values, "api-version") ?? SHOW_API_VERSIONS[type.toLowerCase()];
  if (!apiVersion) throw usageError(`kvmi does not know an api-version for ${type}.`, "Pass --api-version (see the resource provider's REST reference).");
  // The id names the subscription; the VM's metadata still decides the cloud unless --cloud does.
  const { context } = await createPlacedContext({ ...values, subscription: id.split("/")[2] }, false);
  try {
    const client = new RestClient(context.http, armAuthorization(context));
    const url = withQuery(`${context.cloud.armEndpoint}${id}`, { "api-version": apiVersion });
    printResources([jsonBody(await client.sendOk({ method: "GET", url }))], format, true);
  } finally {
    context.http.close();
  }
  return 0;
}

/** The resource type of an ARM id (`Microsoft.Compute/virtualMachines`); a malformed id is a usage error. */
export function resourceType(id: string): string {
  const segments = id.split("/");
  const bad = () => usageError(`'${id}' is not an ARM resource id.`, "It looks like /subscriptions/SUB/resourceGroups/RG/providers/NAMESPACE/TYPE/NAME.");
  if (segments[0] !== "" || segments[1]?.toLowerCase() !== "subscriptions" || !segments[2] || segments.some((s, i) => i > 0 && s === "")) throw bad();
  if (segments.length === 5 && segments[3].toLowerCase() === "resourcegroups") return "Microsoft.Resources/resourceGroups";
  const p = segments.findIndex((s) => s.toLowerCase() === "providers");
  if (p < 0 || segments.length < p + 4 || (segments.length - p) % 2 !== 0) throw bad();
  const types = [segments[p + 2]];
  for (let i = p + 4; i < segments.length; i += 2) types.push(segments[i]);
  return `${segments[p + 1]}/${types.join("/")}`;
}

function summary(r: Record<string, unknown>): Record<string, unknown> {
  const id = String(r.id ?? "");
  return { Name: r.name, ResourceGroup: id.match(/\/resourceGroups\/([^/]+)/i)?.[1] ?? "", Location: r.location, Type: r.type };
}

function printResources(items: Record<string, unknown>[], format: OutputFormat, single: boolean): void {
  if (format === "table") {
    writeStdout(single ? renderProperties(summary(items[0])) : renderTable(items.map(summary), ["Name", "ResourceGroup", "Location", "Type"]));
  } else if (format === "raw") writeStdout(items.map((r) => String(r.id)).join("\n") + (items.length ? "\n" : ""));
  else printJson(single ? items[0] : items);
}
