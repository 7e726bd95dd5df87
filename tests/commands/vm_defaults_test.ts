import assert from "node:assert/strict";
import { fillPlacement } from "../../src/commands/vm_defaults.ts";
import type { ComputeMetadata } from "../../src/imds/imds_client.ts";

const compute: ComputeMetadata = {
  subscriptionId: "sub-vm",
  resourceGroupName: "rg-vm",
  name: "vm-demo",
  location: "westeurope",
  resourceId: "/subscriptions/sub-vm/resourceGroups/rg-vm/providers/Microsoft.Compute/virtualMachines/vm-demo",
  azEnvironment: "AzureUSGovernmentCloud",
  vmId: "00000000-0000-0000-0000-000000000000",
};

Deno.test("fillPlacement: what the user gave wins; the VM's metadata fills the rest", () => {
  assert.deepEqual(fillPlacement({}, compute, true), { subscriptionId: "sub-vm", resourceGroup: "rg-vm" });
  assert.deepEqual(fillPlacement({}, compute, false), { subscriptionId: "sub-vm", resourceGroup: undefined });
  assert.deepEqual(fillPlacement({ subscriptionId: "sub-me" }, compute, true), { subscriptionId: "sub-me", resourceGroup: "rg-vm" });
  assert.deepEqual(fillPlacement({ subscriptionId: "sub-me", resourceGroup: "rg-me" }, compute, true), { subscriptionId: "sub-me", resourceGroup: "rg-me" });
});
