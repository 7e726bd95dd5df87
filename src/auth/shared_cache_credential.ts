/**
 * A credential in front of an identity source that shares its tokens with every kvmi process of
 * the same OS user through the on-disk cache (`token_cache.ts`). The cache folder is opened on the
 * first token request only, so a command that fails on its input touches nothing; the cache's
 * modules load then too, so a run with the cache off never loads them.
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";
import { verbose } from "../core/verbose.ts";
import type { TokenCache } from "./token_cache.ts";
import { cacheKey, type CacheScope } from "./token_cache_key.ts";
import type { TokenCacheSettings } from "./token_cache_location.ts";

/** Wraps `inner` with the shared on-disk cache in `dir`, keyed by `scope` and the resource. */
export class SharedCacheCredential implements TokenCredential {
  readonly source: string;
  #inner: TokenCredential;
  #scope: CacheScope;
  #dir: string;
  #cache?: Promise<TokenCache | undefined>;

  constructor(inner: TokenCredential, scope: CacheScope, dir: string) {
    this.#inner = inner;
    this.#scope = scope;
    this.#dir = dir;
    this.source = inner.source;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const cache = await this.#open();
    if (!cache) return await this.#inner.getToken(resource);
    return await cache.getOrFetch(cacheKey(this.#scope, resource), () => this.#inner.getToken(resource));
  }

  async invalidate(token: AccessToken): Promise<void> {
    await (await this.#open())?.drop(cacheKey(this.#scope, token.resource), token);
    await this.#inner.invalidate?.(token);
  }

  #open(): Promise<TokenCache | undefined> {
    this.#cache ??= import("./token_cache.ts").then(({ TokenCache }) => TokenCache.open(this.#dir));
    return this.#cache;
  }
}

/** `credential` behind the shared cache when the settings allow it and the source has a cache scope. */
export function withTokenCache(credential: TokenCredential, scope: CacheScope | undefined, settings: TokenCacheSettings): TokenCredential {
  if (!settings.enabled) {
    verbose(`token cache: off (${settings.reason})`);
    return credential;
  }
  return scope ? new SharedCacheCredential(credential, scope, settings.dir) : credential;
}
