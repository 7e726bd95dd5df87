/**
 * Defaults a command takes from the VM it runs on: subscription, resource group and cloud, read
 * from IMDS instance metadata, so admins never type a subscription id on the VM itself.
 * @module
 */
import { cloudIsExplicit } from "./context.ts";
import type { AzureContext } from "./context.ts";
import { type ParsedValues, stringOption } from "../cli/args.ts";
import { BUILTIN_CLOUDS, cloudNameForAzEnvironment } from "../cloud/cloud.ts";
import { type ComputeMetadata, ImdsClient } from "../imds/imds_client.ts";

/** Subscription and resource group to use. */
export interface Placement {
  subscriptionId: string;
  resourceGroup?: string;
}

/**
 * Returns `--subscription`/`--resource-group`, filling what is missing from IMDS; switches the
 * context to the VM's cloud (`azEnvironment`) when the user did not choose one.
 */
export async function placement(values: ParsedValues, context: AzureContext, needGroup: boolean): Promise<Placement> {
  let subscriptionId = stringOption(values, "subscription");
  let resourceGroup = stringOption(values, "resource-group");
  if (subscriptionId && (resourceGroup || !needGroup) && cloudIsExplicit(values)) return { subscriptionId, resourceGroup };
  const compute = await new ImdsClient(context.http, context.cloud.imdsEndpoint).compute();
  switchCloud(values, context, compute);
  subscriptionId ??= compute.subscriptionId;
  if (needGroup) resourceGroup ??= compute.resourceGroupName;
  return { subscriptionId, resourceGroup };
}

function switchCloud(values: ParsedValues, context: AzureContext, compute: ComputeMetadata): void {
  if (cloudIsExplicit(values)) return;
  const name = cloudNameForAzEnvironment(compute.azEnvironment);
  if (!name || name === context.cloud.name) return;
  const { imdsEndpoint, authorityHost } = context.cloud;
  const builtin = BUILTIN_CLOUDS[name];
  Object.assign(context.cloud, {
    ...structuredClone(builtin),
    imdsEndpoint,
    authorityHost: Deno.env.get("AZURE_AUTHORITY_HOST") ? authorityHost : builtin.authorityHost,
  });
}
