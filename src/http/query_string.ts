/**
 * Query strings built and read as text: `api-version` and friends set on a URL, and the names
 * of a URL's parameters for logs. Every request kvmi sends goes through here, so it stays off
 * `URLSearchParams`, whose first use costs a cold process milliseconds of start-up (its WebIDL
 * machinery) for what is string concatenation. Values are percent-encoded with
 * `encodeURIComponent` (a space is `%20`), which every Azure endpoint reads like the
 * `application/x-www-form-urlencoded` form.
 *
 * @example
 * ```ts
 * import { queryNames, withQuery } from "./query_string.ts";
 * const url = withQuery("http://169.254.169.254/metadata/identity/oauth2/token", { "api-version": "2018-02-01", resource: "https://vault.azure.net" });
 * url.search; // "?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net"
 * queryNames(url); // ["api-version", "resource"]
 * ```
 * @module
 */

/**
 * `base` with each defined parameter of `params` set: a parameter already in the query under the
 * same name is replaced, the others are kept in order, and `undefined` values are skipped.
 */
export function withQuery(base: string | URL, params: Record<string, string | undefined>): URL {
  const set = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const added = set.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  // The usual case, a URL text without a query: parsed once, with its query.
  if (typeof base === "string" && !/[?#]/.test(base)) return new URL(added.length ? `${base}?${added.join("&")}` : base);
  const url = new URL(base);
  const replaced = new Set(set.map(([name]) => name));
  url.search = [...pairsOf(url).filter((pair) => !replaced.has(nameOf(pair))), ...added].join("&");
  return url;
}

/** The decoded names of `url`'s query parameters, in order (repeated names repeated). */
export function queryNames(url: URL): string[] {
  return pairsOf(url).map(nameOf);
}

function pairsOf(url: URL): string[] {
  return url.search.slice(1).split("&").filter((pair) => pair !== "");
}

/** A pair's name, decoded as a form would be (`+` is a space); a malformed escape stays as written. */
function nameOf(pair: string): string {
  const raw = pair.split("=", 1)[0].replaceAll("+", " ");
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
