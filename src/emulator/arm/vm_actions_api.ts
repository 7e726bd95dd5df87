/**
 * The VM operations admins script beyond CRUD: `start`, `powerOff`, `deallocate`, `restart`
 * (POST, long-running: 202 with `Azure-AsyncOperation` and `Location`), `instanceView` (the power
 * state as `PowerState/...` statuses) and PATCH (tags and size), each RBAC-checked with its own action.
 * @module
 */
import { armError, type ArmRequest, checkSubscription, unsupportedApiVersion } from "./arm_server.ts";
import { COMPUTE_API_VERSIONS, type ComputeState, notFound, operationUrl, startOperation, vmId, vmResource } from "./compute_api.ts";
import { isObject, readJson } from "../http_util.ts";
import type { VirtualMachine } from "../world.ts";

const ACTION_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)(?:\/([^/]+))?$/i;

/** The power state each action leads to. */
const ACTIONS: Record<string, VirtualMachine["powerState"]> = { start: "running", poweroff: "stopped", deallocate: "deallocated", restart: "running" };

const DISPLAY: Record<NonNullable<VirtualMachine["powerState"]>, string> = { running: "VM running", stopped: "VM stopped", deallocated: "VM deallocated" };

/** The instance view of a VM (provisioning and power state). */
export function instanceView(vm: VirtualMachine): Record<string, unknown> {
  const power = vm.powerState ?? "running";
  const time = new Date().toISOString();
  return {
    computerName: vm.computerName,
    osName: vm.osType === "Windows" ? "Windows Server 2022 Datacenter Azure Edition" : "ubuntu",
    osVersion: vm.osType === "Windows" ? "10.0.20348.2762" : "22.04",
    statuses: [
      { code: "ProvisioningState/succeeded", level: "Info", displayStatus: "Provisioning succeeded", time },
      { code: `PowerState/${power}`, level: "Info", displayStatus: DISPLAY[power] },
    ],
  };
}

/** Creates the route (sharing the compute route's operations). */
export function createVmActionsRoute(state: ComputeState) {
  return async (req: ArmRequest): Promise<Response | undefined> => {
    const m = req.path.match(ACTION_PATH);
    const method = req.request.method;
    if (!m || !(m[4] || method === "PATCH")) return undefined;
    const [, sub, rgName, vmName, action] = m;
    const missing = checkSubscription(req, sub);
    if (missing) return missing;
    if (!COMPUTE_API_VERSIONS.includes(req.apiVersion)) return unsupportedApiVersion(req, "virtualMachines", COMPUTE_API_VERSIONS, "japaneast");
    const id = vmId(req.world, rgName, vmName);
    const vm = req.world.virtualMachines.get(id.toLowerCase());
    if (method === "PATCH" && !action) {
      const denied = req.authorize("Microsoft.Compute/virtualMachines/write", id);
      if (denied) return denied;
      if (!vm) return notFound(req, rgName, vmName);
      const body = await readJson(req.request);
      if ("error" in body || !isObject(body.value)) {
        return req.respond(400, armError("InvalidRequestContent", "The request content was invalid and could not be deserialized."));
      }
      if (isObject(body.value.tags)) vm.tags = body.value.tags as Record<string, string>;
      const hardware = isObject(body.value.properties) && isObject(body.value.properties.hardwareProfile) ? body.value.properties.hardwareProfile : {};
      if (typeof hardware.vmSize === "string") vm.vmSize = hardware.vmSize;
      vm.etag = (vm.etag ?? 1) + 1;
      return req.respond(200, vmResource(req.world, vm));
    }
    if (method === "GET" && action?.toLowerCase() === "instanceview") {
      const denied = req.authorize("Microsoft.Compute/virtualMachines/instanceView/read", id);
      if (denied) return denied;
      return vm ? req.respond(200, instanceView(vm)) : notFound(req, rgName, vmName);
    }
    const target = action ? ACTIONS[action.toLowerCase()] : undefined;
    if (method !== "POST" || !target) return undefined;
    const canonical = { start: "start", poweroff: "powerOff", deallocate: "deallocate", restart: "restart" }[action.toLowerCase()]!;
    const denied = req.authorize(`Microsoft.Compute/virtualMachines/${canonical}/action`, id);
    if (denied) return denied;
    if (!vm) return notFound(req, rgName, vmName);
    const op = startOperation(state, vm.id, "action", () => (vm.powerState = target));
    const url = operationUrl(req, sub, vm.location, op.id);
    return req.respond(202, undefined, { Location: `${url}&monitor=true`, "Azure-AsyncOperation": url, "Retry-After": "1" });
  };
}
