/**
 * A credential whose module loads on its first use: identity sources other than IMDS (a service
 * principal, App Service, Azure Arc) are built through it, so a run on a VM never loads their code.
 *
 * @example
 * ```ts
 * import { DeferredCredential } from "./deferred_credential.ts";
 * import { HttpClient } from "../http/http_client.ts";
 * const http = new HttpClient();
 * const credential = new DeferredCredential("ManagedIdentity (App Service)", async () => {
 *   const { AppServiceCredential } = await import("./managed_identity_app_service.ts");
 *   return new AppServiceCredential(http, "http://127.0.0.1:41234/msi/token", "header-value");
 * });
 * ```
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";

/** Loads the real credential with `load` on the first token request (or invalidation) and delegates to it. */
export class DeferredCredential implements TokenCredential {
  readonly source: string;
  #load: () => Promise<TokenCredential>;
  #credential?: Promise<TokenCredential>;

  /** `source` is the loaded credential's own `source` (tests hold the two equal). */
  constructor(source: string, load: () => Promise<TokenCredential>) {
    this.source = source;
    this.#load = load;
  }

  async getToken(resource: string): Promise<AccessToken> {
    return await (await this.#loaded()).getToken(resource);
  }

  async invalidate(token: AccessToken): Promise<void> {
    await (await this.#loaded()).invalidate?.(token);
  }

  #loaded(): Promise<TokenCredential> {
    this.#credential ??= this.#load();
    return this.#credential;
  }
}
