/**
 * `Microsoft.Resources` on the emulated ARM: the subscription and its resource groups
 * (GET, list), RBAC-checked.
 * @module
 */
import { armError, type ArmRequest, checkSubscription } from "./arm_server.ts";

/** Routes `/subscriptions/{id}` and `/subscriptions/{id}/resourcegroups[/{name}]`. */
export function resourcesRoute(req: ArmRequest): Response | undefined {
  const m = req.path.match(/^\/subscriptions\/([^/]+)(?:\/resourcegroups(?:\/([^/]+))?)?$/i);
  if (!m || req.request.method !== "GET") return undefined;
  const [, sub, rg] = m;
  const missing = checkSubscription(req, sub);
  if (missing) return missing;
  const world = req.world;
  const subScope = `/subscriptions/${world.subscriptionId}`;
  const group = (name: string) => {
    const g = world.resourceGroups.get(name.toLowerCase())!;
    return {
      id: `${subScope}/resourceGroups/${g.name}`,
      name: g.name,
      type: "Microsoft.Resources/resourceGroups",
      location: g.location,
      tags: g.tags,
      properties: { provisioningState: "Succeeded" },
    };
  };
  if (!/resourcegroups/i.test(req.path)) {
    const denied = req.authorize("Microsoft.Resources/subscriptions/read", subScope);
    return denied ?? req.respond(200, {
      id: subScope,
      authorizationSource: "RoleBased",
      subscriptionId: world.subscriptionId,
      tenantId: world.tenantId,
      displayName: world.subscriptionName,
      state: "Enabled",
      subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
    });
  }
  if (rg === undefined) {
    const denied = req.authorize("Microsoft.Resources/subscriptions/resourceGroups/read", subScope);
    return denied ?? req.respond(200, { value: [...world.resourceGroups.keys()].map(group) });
  }
  const denied = req.authorize("Microsoft.Resources/subscriptions/resourceGroups/read", `${subScope}/resourceGroups/${rg}`);
  if (denied) return denied;
  if (!world.resourceGroups.has(rg.toLowerCase())) return req.respond(404, armError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`));
  return req.respond(200, group(rg));
}
