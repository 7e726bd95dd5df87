/**
 * Service principal with a client secret (OAuth 2.0 client credentials grant against Entra ID),
 * for servers outside Azure. The secret comes from the environment, never from argv.
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";
import type { HttpClient } from "../http/http_client.ts";

/** The three values the Azure SDK's EnvironmentCredential reads. */
export interface ClientSecretSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** Gets tokens from `{authorityHost}/{tenant}/oauth2/v2.0/token` with the client secret. */
export class ClientSecretCredential implements TokenCredential {
  /** The source name `kvmi token` and `kvmi whoami` show. */
  readonly source = "ServicePrincipal (client secret)";
  #http: HttpClient;
  #authorityHost: string;
  #settings: ClientSecretSettings;

  /** `authorityHost` is the cloud's (or `AZURE_AUTHORITY_HOST`'s) Entra host without trailing slash. */
  constructor(http: HttpClient, authorityHost: string, settings: ClientSecretSettings) {
    this.#http = http;
    this.#authorityHost = authorityHost;
    this.#settings = settings;
  }

  /** Gets a token for `resource` with the client credentials grant. */
  async getToken(resource: string): Promise<AccessToken> {
    // Loaded on first use, so a managed-identity `kvmi secret get` does not load the Entra request.
    const { requestEntraToken } = await import("./entra_token_request.ts");
    return await requestEntraToken(this.#http, {
      authorityHost: this.#authorityHost,
      tenantId: this.#settings.tenantId,
      resource,
      form: { grant_type: "client_credentials", client_id: this.#settings.clientId, client_secret: this.#settings.clientSecret },
      source: this.source,
    });
  }
}
