/**
 * An in-process token cache in front of any credential: one token per resource, reused until
 * five minutes before it expires, with concurrent callers sharing one request.
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";

const REFRESH_MARGIN_SECONDS = 300;

/** Wraps a credential with a per-resource memory cache. */
export class CachedCredential implements TokenCredential {
  readonly source: string;
  #inner: TokenCredential;
  #cache = new Map<string, Promise<AccessToken>>();

  constructor(inner: TokenCredential) {
    this.#inner = inner;
    this.source = inner.source;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const cached = this.#cache.get(resource);
    if (cached) {
      const token = await cached.catch(() => undefined);
      if (token && token.expiresOn - REFRESH_MARGIN_SECONDS > Date.now() / 1000) return token;
    }
    const pending = this.#inner.getToken(resource);
    this.#cache.set(resource, pending);
    return await pending;
  }

  async invalidate(token: AccessToken): Promise<void> {
    const held = await this.#cache.get(token.resource)?.catch(() => undefined);
    if (held?.token === token.token) this.#cache.delete(token.resource);
    await this.#inner.invalidate?.(token);
  }
}
