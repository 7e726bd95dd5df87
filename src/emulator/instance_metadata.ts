/**
 * The `/metadata/instance` document of a VM: the compute and network sections with every
 * primitive a string (the IMDS typing rule) and route filtering into sub-nodes.
 * @module
 */
import type { VirtualMachine, World } from "./world.ts";

/** A JSON node of the instance metadata document. */
export type MetadataNode = string | MetadataNode[] | { [key: string]: MetadataNode };

/** Builds the instance metadata document of `vm`. */
export function instanceMetadata(world: World, vm: VirtualMachine): { [key: string]: MetadataNode } {
  const tags = Object.entries(vm.tags);
  return {
    compute: {
      azEnvironment: "AzurePublicCloud",
      customData: "",
      evictionPolicy: "",
      isHostCompatibilityLayerVm: "false",
      licenseType: vm.osType === "Windows" ? "Windows_Server" : "",
      location: vm.location,
      name: vm.name,
      offer: vm.osType === "Windows" ? "WindowsServer" : "0001-com-ubuntu-server-jammy",
      osProfile: { adminUsername: "azureadmin", computerName: vm.computerName, disablePasswordAuthentication: vm.osType === "Windows" ? "false" : "true" },
      osType: vm.osType,
      placementGroupId: "",
      plan: { name: "", product: "", publisher: "" },
      platformFaultDomain: "0",
      platformUpdateDomain: "0",
      priority: "Regular",
      provider: "Microsoft.Compute",
      publicKeys: [],
      publisher: vm.osType === "Windows" ? "MicrosoftWindowsServer" : "Canonical",
      resourceGroupName: vm.resourceGroup,
      resourceId: vm.id,
      securityProfile: { secureBootEnabled: "true", virtualTpmEnabled: "true", encryptionAtHost: "false", securityType: "TrustedLaunch" },
      sku: vm.osType === "Windows" ? "2022-datacenter-azure-edition" : "22_04-lts-gen2",
      storageProfile: {
        dataDisks: [],
        imageReference: { id: "", offer: "WindowsServer", publisher: "MicrosoftWindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
        osDisk: {
          caching: "ReadWrite",
          createOption: "FromImage",
          diskSizeGB: "127",
          name: `${vm.name}_OsDisk_1`,
          osType: vm.osType,
          writeAcceleratorEnabled: "false",
        },
        resourceDisk: { size: "16384" },
      },
      subscriptionId: world.subscriptionId,
      tags: tags.map(([k, v]) => `${k}:${v}`).join(";"),
      tagsList: tags.map(([name, value]) => ({ name, value })),
      userData: "",
      version: "20348.2762.241006",
      vmId: vm.vmId,
      vmScaleSetName: "",
      vmSize: vm.vmSize,
      zone: "",
    },
    network: {
      interface: [{
        ipv4: { ipAddress: [{ privateIpAddress: "10.0.0.4", publicIpAddress: "" }], subnet: [{ address: "10.0.0.0", prefix: "24" }] },
        ipv6: { ipAddress: [] },
        macAddress: "000D3A5F1C2B",
      }],
    },
  };
}

/** Walks into the document by path segments (array nodes by index); undefined if absent. */
export function selectMetadataNode(root: MetadataNode, segments: string[]): MetadataNode | undefined {
  let node: MetadataNode | undefined = root;
  for (const segment of segments) {
    if (node === undefined || typeof node === "string") return undefined;
    node = Array.isArray(node) ? node[Number(segment)] : node[segment];
  }
  return node;
}
