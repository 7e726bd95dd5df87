/**
 * The token and credential types every identity source implements, after the Azure SDK's
 * `TokenCredential`: one method, one resource (audience) per call.
 *
 * @example
 * ```ts
 * import type { AccessToken, TokenCredential } from "./credential.ts";
 * class StaticCredential implements TokenCredential {
 *   readonly source = "Static";
 *   getToken(resource: string): Promise<AccessToken> {
 *     return Promise.resolve({ token: "eyJ...", expiresOn: Math.floor(Date.now() / 1000) + 3600, resource, source: this.source });
 *   }
 * }
 * ```
 * @module
 */

/** A bearer token for one resource. */
export interface AccessToken {
  /** The raw bearer token. Never print or log it unless the user asked for it. */
  token: string;
  /** Expiry as Unix seconds. */
  expiresOn: number;
  /** The resource (audience) the token was requested for. */
  resource: string;
  /** Which identity source issued it, e.g. `ManagedIdentity (IMDS)`. */
  source: string;
  /** True when it was read from the per-user token cache on disk rather than fetched now. */
  fromCache?: boolean;
}

/** Anything that can get a token for a resource. */
export interface TokenCredential {
  /** Human-readable name of the identity source, shown by `kvmi token` and `kvmi whoami`. */
  readonly source: string;
  /** Gets a token whose audience is `resource` (e.g. `https://vault.azure.net`). */
  getToken(resource: string): Promise<AccessToken>;
  /**
   * Forgets `token` wherever it is kept (memory, the token cache), after a service refused it
   * with a 401; the next {@link getToken} fetches a fresh one. Optional: sources keep nothing.
   */
  invalidate?(token: AccessToken): Promise<void>;
}

/** Which user-assigned managed identity to use; all empty means the system-assigned one. */
export interface IdentitySelector {
  clientId?: string;
  objectId?: string;
  resourceId?: string;
}
