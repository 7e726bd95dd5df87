/**
 * `Microsoft.Resources` on the emulated ARM: the subscription and its resource groups
 * (GET, list), RBAC-checked.
 * @module
 */
import { armError, type ArmRequest, checkSubscription } from "./arm_server.ts";
import { isObject, readJson } from "../http_util.ts";

/** The api-versions of `Microsoft.Resources` (subscriptions, resource groups). */
export const RESOURCES_API_VERSIONS: readonly string[] = [
  "2014-04-01",
  "2015-01-01",
  "2015-11-01",
  "2016-02-01",
  "2016-06-01",
  "2016-07-01",
  "2016-09-01",
  "2017-05-10",
  "2017-06-01",
  "2017-08-01",
  "2018-02-01",
  "2018-05-01",
  "2019-03-01",
  "2019-05-01",
  "2019-05-10",
  "2019-06-01",
  "2019-07-01",
  "2019-08-01",
  "2019-10-01",
  "2019-11-01",
  "2020-01-01",
  "2020-06-01",
  "2020-08-01",
  "2020-10-01",
  "2021-01-01",
  "2021-04-01",
  "2022-01-01",
  "2022-09-01",
  "2022-12-01",
  "2023-07-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
  "2025-01-01",
  "2025-03-01",
  "2025-04-01",
];

/** Routes `/subscriptions/{id}` and `/subscriptions/{id}/resourcegroups[/{name}]`. */
export async function resourcesRoute(req: ArmRequest): Promise<Response | undefined> {
  const m = req.path.match(/^\/subscriptions\/([^/]+)(?:\/resourcegroups(?:\/([^/]+))?)?$/i);
  if (!m || (req.request.method !== "GET" && !(req.request.method === "PUT" && m[2]))) return undefined;
  const [, sub, rg] = m;
  const missing = checkSubscription(req, sub);
  if (missing) return missing;
  if (!RESOURCES_API_VERSIONS.includes(req.apiVersion)) {
    return req.respond(
      400,
      armError(
        "InvalidApiVersionParameter",
        `The api-version '${req.apiVersion}' is invalid. The supported versions are '${[...RESOURCES_API_VERSIONS].reverse().join(",")}'.`,
      ),
    );
  }
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
  if (req.request.method === "PUT") return await putGroup(req, rg, group);
  const denied = req.authorize("Microsoft.Resources/subscriptions/resourceGroups/read", `${subScope}/resourceGroups/${rg}`);
  if (denied) return denied;
  if (!world.resourceGroups.has(rg.toLowerCase())) return req.respond(404, armError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`));
  return req.respond(200, group(rg));
}

/** PUT of a resource group: 201 when created, 200 when its tags are updated (its location cannot change). */
async function putGroup(req: ArmRequest, name: string, render: (name: string) => Record<string, unknown>): Promise<Response> {
  const denied = req.authorize("Microsoft.Resources/subscriptions/resourceGroups/write", `/subscriptions/${req.world.subscriptionId}/resourceGroups/${name}`);
  if (denied) return denied;
  const body = await readJson(req.request);
  if ("error" in body || !isObject(body.value) || typeof body.value.location !== "string") {
    return req.respond(400, armError("LocationRequired", "The location property is required for this definition."));
  }
  if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith(".")) {
    return req.respond(
      400,
      armError(
        "InvalidResourceGroup",
        `The provided resource group name '${name}' has these invalid characters: ''. The name can be only letters, digits, underscores, parentheses, hyphens and periods.`,
      ),
    );
  }
  const tags = isObject(body.value.tags) ? body.value.tags as Record<string, string> : {};
  const existing = req.world.resourceGroups.get(name.toLowerCase());
  if (existing) {
    if (existing.location.toLowerCase() !== body.value.location.toLowerCase()) {
      return req.respond(
        409,
        armError(
          "InvalidResourceGroupLocation",
          `Invalid resource group location '${body.value.location}'. The Resource group already exists in location '${existing.location}'.`,
        ),
      );
    }
    existing.tags = tags;
    return req.respond(200, render(name));
  }
  req.world.resourceGroups.set(name.toLowerCase(), { name, location: body.value.location, tags });
  return req.respond(201, render(name));
}
