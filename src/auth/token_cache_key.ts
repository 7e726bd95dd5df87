/**
 * The token cache's key: one entry per (cloud authority, credential kind, identity, resource),
 * each in its own file named by the SHA-256 of the key, so no two keys share a file or a lock.
 * @module
 */

/** Who issues the token and for whom: everything but the resource. */
export interface CacheScope {
  /** The token endpoint's authority: the IMDS or identity endpoint, or `authorityHost/tenant`. */
  authority: string;
  /** The identity source's name, e.g. `IMDS` or `Service principal (client secret)`. */
  kind: string;
  /** Which identity: `system`, `clientId:...`, `objectId:...`, `resourceId:...`. Never a secret. */
  identity: string;
}

/** One cache entry's full key. */
export interface TokenCacheKey extends CacheScope {
  /** The token audience exactly as requested. */
  resource: string;
}

/** The key for `resource` in `scope`. */
export function cacheKey(scope: CacheScope, resource: string): TokenCacheKey {
  return { authority: scope.authority, kind: scope.kind, identity: scope.identity, resource };
}

/** The key as one canonical string (fixed field order), for hashing and for comparing. */
export function canonicalKey(key: TokenCacheKey): string {
  return JSON.stringify([key.authority, key.kind, key.identity, key.resource]);
}

/** Whether two keys are the same key. */
export function sameKey(a: TokenCacheKey, b: TokenCacheKey): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

/** The entry's file stem: lowercase hex SHA-256 of the canonical key. */
export async function keyId(key: TokenCacheKey): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalKey(key)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
