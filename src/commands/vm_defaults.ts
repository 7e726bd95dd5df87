/**
 * Defaults a command takes from the VM it runs on: subscription, resource group and cloud, read
 * from IMDS instance metadata, so admins never type a subscription id on the VM itself. The
 * VM's cloud (`azEnvironment`) is read before the context, and so before any credential, is built.
 * @module
 */
import { type AzureContext, createAzureContext, createCloudContext } from "./context.ts";
import { type ParsedValues, stringOption } from "../cli/args.ts";
import { cloudIsChosen, resolveCloud } from "../cloud/cloud_profile.ts";
import type { ComputeMetadata } from "../imds/imds_client.ts";
import { ImdsClient } from "../imds/imds_client.ts";
import { checkResourceGroupName, checkSubscriptionId } from "../arm/arm_names.ts";

/** Subscription and resource group to use. */
export interface Placement {
  subscriptionId: string;
  resourceGroup?: string;
}

/** A context in the VM's cloud and where the command works. */
export interface PlacedContext {
  context: AzureContext;
  placement: Placement;
}

/**
 * Builds the context and returns `--subscription`/`--resource-group`, filling what is missing
 * from IMDS; when the user did not choose a cloud, the context is in the VM's own cloud.
 */
export async function createPlacedContext(values: ParsedValues, needGroup: boolean): Promise<PlacedContext> {
  const subscriptionId = stringOption(values, "subscription");
  const resourceGroup = stringOption(values, "resource-group");
  const cloudOption = stringOption(values, "cloud");
  if (subscriptionId !== undefined) checkSubscriptionId(subscriptionId);
  if (resourceGroup !== undefined) checkResourceGroupName(resourceGroup);
  const chosen = cloudIsChosen(cloudOption);
  const { cloud, http } = createCloudContext(values);
  if (subscriptionId && (resourceGroup || !needGroup) && chosen) {
    return { context: createAzureContext(values, cloud, http), placement: { subscriptionId, resourceGroup } };
  }
  let compute: ComputeMetadata;
  try {
    compute = await new ImdsClient(http, cloud.imdsEndpoint).compute();
  } catch (error) {
    http.close();
    throw error;
  }
  const context = createAzureContext(values, chosen ? cloud : resolveCloud(cloudOption, undefined, compute.azEnvironment), http);
  return { context, placement: checkPlacement(fillPlacement({ subscriptionId, resourceGroup }, compute, needGroup)) };
}

/** The placement the user gave, with what is missing taken from the VM's metadata. */
export function fillPlacement(given: Partial<Placement>, compute: ComputeMetadata, needGroup: boolean): Placement {
  return {
    subscriptionId: given.subscriptionId ?? compute.subscriptionId,
    resourceGroup: needGroup ? given.resourceGroup ?? compute.resourceGroupName : given.resourceGroup,
  };
}

/** Validates a placement's subscription id and resource group name, wherever they came from. */
export function checkPlacement(placement: Placement): Placement {
  checkSubscriptionId(placement.subscriptionId);
  if (placement.resourceGroup !== undefined) checkResourceGroupName(placement.resourceGroup);
  return placement;
}
