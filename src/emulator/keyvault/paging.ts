/**
 * Key Vault list paging: `maxresults` (1-25, default 25), an opaque `$skiptoken` carrying the
 * last upper-cased name, absolute `nextLink`s with the client's api-version, `null` on the last
 * page, items sorted by upper-cased name as the service lists them.
 * @module
 */
import { compareUpper } from "./object_store.ts";
import { akvError, type VaultRequest } from "./vault_server.ts";

/** Reads `maxresults` and `$skiptoken`; returns the 400 to send when they are invalid. */
function paging(req: VaultRequest): { max: number; after?: string } | Response {
  const raw = req.url.searchParams.get("maxresults");
  const max = raw === null ? 25 : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > 25) {
    return req.respond(400, akvError("BadParameter", `Invalid maxresults value: ${raw}. The value must be between 1 and 25.`));
  }
  const token = req.url.searchParams.get("$skiptoken");
  if (token === null) return { max };
  try {
    const marker = JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/"))).NextMarker;
    if (typeof marker !== "string") throw new Error("no marker");
    return { max, after: marker };
  } catch {
    return req.respond(400, akvError("BadParameter", "The $skiptoken is invalid."));
  }
}

/** Returns one page of `items` sorted by `key`, mapped by `map`, with its nextLink. */
export function page<T>(req: VaultRequest, items: T[], key: (item: T) => string, map: (item: T) => unknown): Response {
  const p = paging(req);
  if (p instanceof Response) return p;
  const sorted = items.map((item) => ({ item, k: key(item).toUpperCase() })).sort((a, b) => compareUpper(a.k, b.k));
  const rest = p.after === undefined ? sorted : sorted.filter((e) => e.k > p.after!);
  const slice = rest.slice(0, p.max);
  let nextLink: string | null = null;
  if (rest.length > p.max) {
    const next = new URL(req.vault.url);
    next.pathname = req.url.pathname.replace(/\/{2,}/g, "/"); // never a protocol-relative "//host" from the raw request path
    next.searchParams.set("api-version", req.url.searchParams.get("api-version")!);
    next.searchParams.set("$skiptoken", btoa(JSON.stringify({ NextMarker: slice[slice.length - 1].k, TargetLocation: 0 })).replace(/=+$/, ""));
    next.searchParams.set("maxresults", String(p.max));
    nextLink = next.toString();
  }
  return req.respond(200, { value: slice.map((e) => map(e.item)), nextLink });
}
