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

/** The `/metadata/instance` api-versions IMDS accepts (IMDS doc "Supported API versions"), oldest first. */
export const INSTANCE_API_VERSIONS: readonly string[] = [
  "2017-03-01",
  "2017-04-02",
  "2017-08-01",
  "2017-10-01",
  "2017-12-01",
  "2018-02-01",
  "2018-04-02",
  "2018-10-01",
  "2019-02-01",
  "2019-03-11",
  "2019-04-30",
  "2019-06-01",
  "2019-06-04",
  "2019-08-01",
  "2019-08-15",
  "2019-11-01",
  "2020-06-01",
  "2020-07-15",
  "2020-09-01",
  "2020-10-01",
  "2020-12-01",
  "2021-01-01",
  "2021-02-01",
  "2021-03-01",
  "2021-05-01",
  "2021-10-01",
  "2021-11-01",
  "2021-11-15",
  "2021-12-13",
  "2023-07-01",
  "2023-11-15",
  "2024-03-15",
  "2024-07-17",
  "2025-04-07",
];

/**
 * The api-version that introduced each field (IMDS doc, "Instance metadata" table); a field not
 * listed came with 2017-04-02. Dotted names are members of a section.
 */
const INTRODUCED: Record<string, string> = {
  "compute.azEnvironment": "2018-10-01",
  "compute.customData": "2019-02-01",
  "compute.evictionPolicy": "2020-12-01",
  "compute.isHostCompatibilityLayerVm": "2020-06-01",
  "compute.licenseType": "2020-09-01",
  "compute.osProfile": "2020-07-15",
  "compute.osProfile.disablePasswordAuthentication": "2020-10-01",
  "compute.placementGroupId": "2017-08-01",
  "compute.plan": "2018-04-02",
  "compute.priority": "2020-12-01",
  "compute.provider": "2018-10-01",
  "compute.publicKeys": "2018-04-02",
  "compute.resourceGroupName": "2017-08-01",
  "compute.resourceId": "2019-03-11",
  "compute.securityProfile": "2020-06-01",
  "compute.securityProfile.encryptionAtHost": "2021-11-01",
  "compute.securityProfile.securityType": "2021-12-13",
  "compute.storageProfile": "2019-06-01",
  "compute.subscriptionId": "2017-08-01",
  "compute.tags": "2017-08-01",
  "compute.tagsList": "2019-06-04",
  "compute.userData": "2021-01-01",
  "compute.vmScaleSetName": "2017-12-01",
  "compute.zone": "2017-12-01",
};

/** The document as an api-version shows it: fields introduced after `version` are absent. */
export function metadataForVersion(root: { [key: string]: MetadataNode }, version: string): { [key: string]: MetadataNode } {
  return prune(root, "", version) as { [key: string]: MetadataNode };
}

function prune(node: MetadataNode, path: string, version: string): MetadataNode {
  if (typeof node === "string" || Array.isArray(node)) return node;
  const kept: { [key: string]: MetadataNode } = {};
  for (const [key, child] of Object.entries(node)) {
    const name = path ? `${path}.${key}` : key;
    const since = INTRODUCED[name];
    if (since !== undefined && since > version) continue;
    kept[key] = prune(child, name, version);
  }
  return kept;
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
