/**
 * ARM's generic resource list: `GET /subscriptions/{sub}/resources` and
 * `/subscriptions/{sub}/resourceGroups/{rg}/resources`, with `$filter` as ARM takes it
 * (`name eq 'x'`, `resourceType eq 'T'`, `resourceGroup eq 'rg'`, `location eq 'l'`,
 * `tagName eq 'k' and tagValue eq 'v'`, `substringof('x', name)`, joined by `and`),
 * `nextLink` paging, and only the resources the caller may read (`{type}/read` on the resource),
 * as ARM filters the list by RBAC. Items carry `id`, `name`, `type`, `location`, `tags` and
 * `identity`, without `properties`, as ARM lists them.
 * @module
 */
import { armError, type ArmRequest, type ArmRoute, checkSubscription } from "./arm_server.ts";
import { vmResource } from "./compute_api.ts";
import { vaultResourceId, type World } from "../world.ts";

interface Listed {
  resource: Record<string, unknown>;
  resourceGroup: string;
}

type Predicate = (item: Listed) => boolean;

/** Creates the route; `pageSize` items per page, then `nextLink` with `$skiptoken`. */
export function createResourceListRoute(pageSize: number): ArmRoute {
  return (req: ArmRequest) => {
    const m = req.path.match(/^\/subscriptions\/([^/]+)(?:\/resourcegroups\/([^/]+))?\/resources$/i);
    if (!m) return undefined;
    if (req.request.method !== "GET") {
      return req.respond(405, armError("MethodNotAllowed", `The requested resource does not support http method '${req.request.method}'.`));
    }
    const [, sub, rg] = m;
    const missing = checkSubscription(req, sub);
    if (missing) return missing;
    if (rg !== undefined && !req.world.resourceGroups.has(rg.toLowerCase())) {
      return req.respond(404, armError("ResourceGroupNotFound", `Resource group '${rg}' could not be found.`));
    }
    let matches: Predicate;
    try {
      matches = parseFilter(req.url.searchParams.get("$filter"));
    } catch (error) {
      return req.respond(400, armError("InvalidFilterInQueryString", (error as Error).message));
    }
    const readable = allResources(req.world)
      .filter((item) => rg === undefined || item.resourceGroup.toLowerCase() === rg.toLowerCase())
      .filter(matches)
      .filter((item) => req.authorize(`${item.resource.type}/read`, String(item.resource.id)) === undefined)
      .map((item) => item.resource)
      .sort((a, b) => String(a.id).toLowerCase() < String(b.id).toLowerCase() ? -1 : 1);
    const skip = Number(req.url.searchParams.get("$skiptoken") ?? "0");
    if (!Number.isInteger(skip) || skip < 0) return req.respond(400, armError("InvalidSkipToken", "The $skiptoken is not valid."));
    const body: Record<string, unknown> = { value: readable.slice(skip, skip + pageSize) };
    if (skip + pageSize < readable.length) {
      const next = new URL(req.path, req.baseUrl);
      next.searchParams.set("api-version", req.apiVersion);
      const filter = req.url.searchParams.get("$filter");
      if (filter) next.searchParams.set("$filter", filter);
      next.searchParams.set("$skiptoken", String(skip + pageSize));
      body.nextLink = next.toString();
    }
    return req.respond(200, body);
  };
}

function allResources(world: World): Listed[] {
  const vms = [...world.virtualMachines.values()].map((vm) => {
    const { properties: _properties, ...resource } = vmResource(world, vm);
    return { resource, resourceGroup: vm.resourceGroup };
  });
  const vaults = [...world.vaults.values()].map((vault) => ({
    resource: { id: vaultResourceId(world, vault), name: vault.name, type: "Microsoft.KeyVault/vaults", location: vault.location, tags: {} },
    resourceGroup: vault.resourceGroup,
  }));
  return [...vms, ...vaults];
}

const CLAUSE = /^(?:(name|resourceType|resourceGroup|location|tagName|tagValue)\s+eq\s+'((?:[^']|'')*)'|substringof\(\s*'((?:[^']|'')*)'\s*,\s*name\s*\))$/i;

/** Parses ARM's `$filter` subset into a predicate; throws with ARM's kind of message otherwise. */
export function parseFilter(filter: string | null): Predicate {
  if (filter === null || filter.trim() === "") return () => true;
  const predicates: Predicate[] = [];
  let tagName: string | undefined;
  let tagValue: string | undefined;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(clause.trim());
    if (!m) throw new Error(`Invalid $filter '${filter}' specified in the query string.`);
    const field = m[1]?.toLowerCase();
    const value = (m[2] ?? m[3]).replaceAll("''", "'").toLowerCase();
    if (field === undefined) predicates.push((i) => String(i.resource.name).toLowerCase().includes(value));
    else if (field === "name") predicates.push((i) => String(i.resource.name).toLowerCase() === value);
    else if (field === "resourcetype") predicates.push((i) => String(i.resource.type).toLowerCase() === value);
    else if (field === "resourcegroup") predicates.push((i) => i.resourceGroup.toLowerCase() === value);
    else if (field === "location") predicates.push((i) => String(i.resource.location).toLowerCase() === value);
    else if (field === "tagname") tagName = value;
    else tagValue = value;
  }
  if (tagValue !== undefined && tagName === undefined) throw new Error("tagValue must be used with tagName in $filter.");
  if (tagName !== undefined) {
    predicates.push((i) => {
      const tags = (i.resource.tags ?? {}) as Record<string, string>;
      const key = Object.keys(tags).find((k) => k.toLowerCase() === tagName);
      return key !== undefined && (tagValue === undefined || tags[key].toLowerCase() === tagValue);
    });
  }
  return (item) => predicates.every((p) => p(item));
}
