/**
 * `Microsoft.Compute/virtualMachines` on the emulated ARM: list by resource group and by
 * subscription with `nextLink` paging, get, PUT create/update as a long-running operation
 * (201 + `Azure-AsyncOperation`), DELETE (202 + `Location`), the operation status endpoint,
 * and api-version checks with ARM's `NoRegisteredProviderFound`.
 * @module
 */
import { armError, type ArmRequest, checkSubscription, unsupportedApiVersion } from "./arm_server.ts";
import { guid, isObject, readJson } from "../http_util.ts";
import type { VirtualMachine, World } from "../world.ts";

/** Api-versions of virtualMachines the emulator accepts (older ones and what @azure/arm-compute sends). */
export const COMPUTE_API_VERSIONS = [
  "2021-03-01",
  "2021-04-01",
  "2021-07-01",
  "2021-11-01",
  "2022-03-01",
  "2022-08-01",
  "2022-11-01",
  "2023-03-01",
  "2023-07-01",
  "2023-09-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
  "2025-04-01",
  "2026-04-01",
];

/** State of long-running operations and list paging. */
export interface ComputeState {
  /** VMs per list page (ARM decides; tests make it small to exercise paging). */
  pageSize: number;
  /** How many status polls an operation answers `InProgress` before it completes. */
  pollsUntilDone: number;
  operations: Map<string, Operation>;
}

/** A long-running operation. */
export interface Operation {
  id: string;
  startTime: string;
  pollsLeft: number;
  /** Applied when the operation completes. */
  complete: () => void;
  /** The VM id the operation is about (for Location polling results). */
  resourceId: string;
  kind: "put" | "delete" | "action";
}

const VM_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines(?:\/([^/]+))?$/i;
const VM_ALL_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/i;
const OPERATION_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/operations\/([^/]+)$/i;
const VM_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

/** Creates the compute route with its own state. */
export function createComputeRoute(state: ComputeState) {
  return async (req: ArmRequest): Promise<Response | undefined> => {
    let m: RegExpMatchArray | null;
    if ((m = req.path.match(OPERATION_PATH))) return operationStatus(req, state, m[1], m[3]);
    if ((m = req.path.match(VM_ALL_PATH))) {
      const missing = checkSubscription(req, m[1]);
      if (missing) return missing;
      if (!COMPUTE_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, "virtualMachines", COMPUTE_API_VERSIONS, "japaneast");
      if (req.request.method !== "GET") {
        return req.respond(405, armError("MethodNotAllowed", "The requested resource does not support http method '" + req.request.method + "'."));
      }
      const denied = req.authorize("Microsoft.Compute/virtualMachines/read", `/subscriptions/${m[1]}`);
      return denied ?? listPage(req, state, [...req.world.virtualMachines.values()]);
    }
    if (!(m = req.path.match(VM_PATH))) return undefined;
    const [, sub, rgName, vmName] = m;
    const missing = checkSubscription(req, sub);
    if (missing) return missing;
    if (!COMPUTE_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, "virtualMachines", COMPUTE_API_VERSIONS, "japaneast");
    const rg = req.world.resourceGroups.get(rgName.toLowerCase());
    if (!rg) return req.respond(404, armError("ResourceGroupNotFound", `Resource group '${rgName}' could not be found.`));
    const rgScope = `/subscriptions/${sub}/resourceGroups/${rgName}`;
    const method = req.request.method;
    if (!vmName) {
      if (method !== "GET") return req.respond(405, armError("MethodNotAllowed", `The requested resource does not support http method '${method}'.`));
      const denied = req.authorize("Microsoft.Compute/virtualMachines/read", rgScope);
      return denied ?? listPage(req, state, [...req.world.virtualMachines.values()].filter((v) => v.resourceGroup.toLowerCase() === rg.name.toLowerCase()));
    }
    const scope = `${rgScope}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
    const vm = req.world.virtualMachines.get(vmId(req.world, rg.name, vmName).toLowerCase());
    if (method === "GET") {
      const denied = req.authorize("Microsoft.Compute/virtualMachines/read", scope);
      if (denied) return denied;
      return vm ? req.respond(200, vmResource(req.world, vm)) : notFound(req, rgName, vmName);
    }
    if (method === "PUT") {
      const denied = req.authorize("Microsoft.Compute/virtualMachines/write", scope);
      return denied ?? await putVm(req, state, rg.name, vmName, vm);
    }
    if (method === "DELETE") {
      const denied = req.authorize("Microsoft.Compute/virtualMachines/delete", scope);
      if (denied) return denied;
      if (!vm) return req.respond(204);
      const op = startOperation(state, vm.id, "delete", () => req.world.virtualMachines.delete(vm.id.toLowerCase()));
      const url = operationUrl(req, sub, vm.location, op.id);
      return req.respond(202, undefined, { Location: `${url}&monitor=true`, "Azure-AsyncOperation": url, "Retry-After": "1" });
    }
    if (method === "PATCH") return undefined; // vm_actions_api.ts
    return req.respond(405, armError("MethodNotAllowed", `The requested resource does not support http method '${method}'.`));
  };
}

/** The ARM id of a VM. */
export function vmId(world: World, rg: string, name: string): string {
  return `/subscriptions/${world.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

/** ARM's 404 for a VM. */
export function notFound(req: ArmRequest, rg: string, name: string): Response {
  return req.respond(
    404,
    armError(
      "ResourceNotFound",
      `The Resource 'Microsoft.Compute/virtualMachines/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  );
}

/** The VM resource as ARM returns it. */
export function vmResource(world: World, vm: VirtualMachine, provisioningState = "Succeeded"): Record<string, unknown> {
  const principal = vm.systemIdentity ? world.principals.get(vm.systemIdentity) : undefined;
  const uamis = vm.userAssignedIdentities.map((id) => world.principals.get(id)!).filter(Boolean);
  const identityType = [principal ? "SystemAssigned" : "", uamis.length ? "UserAssigned" : ""].filter(Boolean).join(", ");
  return {
    name: vm.name,
    id: vm.id,
    type: "Microsoft.Compute/virtualMachines",
    location: vm.location,
    etag: `"${vm.etag ?? 1}"`,
    tags: vm.tags,
    ...(identityType
      ? {
        identity: {
          type: identityType,
          ...(principal ? { principalId: principal.objectId, tenantId: world.tenantId } : {}),
          ...(uamis.length
            ? { userAssignedIdentities: Object.fromEntries(uamis.map((u) => [u.resourceId!, { principalId: u.objectId, clientId: u.appId }])) }
            : {}),
        },
      }
      : {}),
    properties: {
      vmId: vm.vmId,
      hardwareProfile: { vmSize: vm.vmSize },
      storageProfile: {
        imageReference: {
          publisher: "MicrosoftWindowsServer",
          offer: "WindowsServer",
          sku: "2022-datacenter-azure-edition",
          version: "latest",
          exactVersion: "20348.2762.241006",
        },
        osDisk: {
          osType: vm.osType,
          name: `${vm.name}_OsDisk_1`,
          createOption: "FromImage",
          caching: "ReadWrite",
          managedDisk: { storageAccountType: "Premium_LRS" },
          deleteOption: "Delete",
          diskSizeGB: 127,
        },
        dataDisks: [],
      },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: "azureadmin",
        windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true },
        secrets: [],
        allowExtensionOperations: true,
      },
      networkProfile: {
        networkInterfaces: [{
          id: `/subscriptions/${world.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.name}-nic`,
        }],
      },
      provisioningState,
      timeCreated: vm.timeCreated,
      ...vm.extraProperties,
    },
  };
}

function listPage(req: ArmRequest, state: ComputeState, vms: VirtualMachine[]): Response {
  const sorted = vms.sort((a, b) => a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1);
  const skip = Number(req.url.searchParams.get("$skiptoken") ?? "0");
  if (!Number.isInteger(skip) || skip < 0) return req.respond(400, armError("InvalidSkipToken", "The $skiptoken is not valid."));
  const page = sorted.slice(skip, skip + state.pageSize);
  const body: Record<string, unknown> = { value: page.map((vm) => vmResource(req.world, vm)) };
  if (skip + state.pageSize < sorted.length) {
    const next = new URL(req.path, req.baseUrl);
    next.searchParams.set("api-version", req.apiVersion);
    next.searchParams.set("$skiptoken", String(skip + state.pageSize));
    body.nextLink = next.toString();
  }
  return req.respond(200, body);
}

async function putVm(req: ArmRequest, state: ComputeState, rg: string, name: string, existing: VirtualMachine | undefined): Promise<Response> {
  if (!VM_NAME.test(name)) return req.respond(400, armError("InvalidResourceName", `The resource name '${name}' is invalid.`));
  const parsed = await readJson(req.request);
  if ("error" in parsed || !isObject(parsed.value)) {
    return req.respond(400, armError("InvalidRequestContent", "The request content was invalid and could not be deserialized."));
  }
  const body = parsed.value;
  if (typeof body.location !== "string" || !body.location) {
    return req.respond(400, armError("LocationRequired", "The location property is required for this definition."));
  }
  const properties = isObject(body.properties) ? body.properties : {};
  const hardware = isObject(properties.hardwareProfile) ? properties.hardwareProfile : {};
  const id = vmId(req.world, rg, name);
  const { hardwareProfile: _h, storageProfile: _s, osProfile: _o, networkProfile: _n, provisioningState: _p, vmId: _v, timeCreated: _t, ...extra } = properties;
  const vm: VirtualMachine = existing ?? {
    id,
    name,
    resourceGroup: rg,
    location: body.location.toLowerCase().replace(/\s+/g, ""),
    vmId: guid(),
    vmSize: "Standard_D2s_v5",
    osType: "Windows",
    computerName: name.slice(0, 15),
    tags: {},
    userAssignedIdentities: [],
    timeCreated: new Date().toISOString(),
    extraProperties: {},
  };
  const updated: VirtualMachine = {
    ...vm,
    vmSize: typeof hardware.vmSize === "string" ? hardware.vmSize : vm.vmSize,
    tags: isObject(body.tags) ? body.tags as Record<string, string> : vm.tags,
    extraProperties: { ...vm.extraProperties, ...extra },
    etag: existing ? (vm.etag ?? 1) + 1 : 1,
  };
  const op = startOperation(state, id, "put", () => req.world.virtualMachines.set(id.toLowerCase(), updated));
  if (!existing) req.world.virtualMachines.set(id.toLowerCase(), { ...updated });
  const url = operationUrl(req, req.world.subscriptionId, updated.location, op.id);
  return req.respond(existing ? 200 : 201, vmResource(req.world, updated, existing ? "Updating" : "Creating"), {
    "Azure-AsyncOperation": url,
    "Retry-After": "1",
  });
}

/** Starts a long-running operation that `complete`s after the configured polls. */
export function startOperation(state: ComputeState, resourceId: string, kind: Operation["kind"], complete: () => void): Operation {
  const op: Operation = { id: guid(), startTime: new Date().toISOString(), pollsLeft: state.pollsUntilDone, complete, resourceId, kind };
  state.operations.set(op.id, op);
  return op;
}

/** The `Azure-AsyncOperation` URL of an operation. */
export function operationUrl(req: ArmRequest, sub: string, location: string, id: string): string {
  return `${req.baseUrl}/subscriptions/${sub}/providers/Microsoft.Compute/locations/${location}/operations/${id}?p=${guid()}&api-version=${req.apiVersion}`;
}

function operationStatus(req: ArmRequest, state: ComputeState, sub: string, id: string): Response {
  const missing = checkSubscription(req, sub);
  if (missing) return missing;
  const op = state.operations.get(id);
  if (!op) return req.respond(404, armError("OperationNotFound", `The operation '${id}' could not be found.`));
  const monitor = req.url.searchParams.get("monitor") === "true";
  if (op.pollsLeft > 0) {
    op.pollsLeft--;
    if (monitor) return req.respond(202, undefined, { Location: req.url.toString(), "Retry-After": "1" });
    return req.respond(200, { startTime: op.startTime, status: "InProgress", name: op.id }, { "Retry-After": "1" });
  }
  if (op.pollsLeft === 0) {
    op.complete();
    op.pollsLeft = -1;
  }
  if (monitor) return req.respond(op.kind === "delete" ? 204 : 200);
  return req.respond(200, { startTime: op.startTime, endTime: new Date().toISOString(), status: "Succeeded", name: op.id });
}
