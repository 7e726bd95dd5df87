/**
 * The Key Vault certificates data plane over REST: get, list with paging, versions, create (and
 * its pending operation), import, soft delete, recover and purge, plus the backing secret that
 * holds a certificate's private key.
 *
 * @example
 * ```ts
 * import { CertificateClient } from "./certificate_client.ts";
 * import { keyVaultAuthorization, createAzureContext } from "../commands/context.ts";
 * const context = createAzureContext({});
 * const client = new CertificateClient(new URL("https://kv-demo.vault.azure.net"), keyVaultAuthorization(context));
 * const bundle = await client.get("web");
 * ```
 * @module
 */
import { KeyVaultTransport } from "./keyvault_transport.ts";
import { checkObjectName, checkVersion } from "./vault_address.ts";
import type { SecretAttributes, SecretBundle } from "./secret_client.ts";
import type { Authorization } from "../http/authorized_request.ts";
import { KvmiError } from "../core/errors.ts";

/** The content type of a PFX backing secret (standard base64 of a PKCS#12 with an empty password). */
export const PKCS12_CONTENT_TYPE = "application/x-pkcs12";

/** The content type of a PEM backing secret (unencrypted PKCS#8 key, then the certificates). */
export const PEM_CONTENT_TYPE = "application/x-pem-file";

/** Certificate attributes as the REST API returns them (Unix seconds): the same members as a secret's. */
export type CertificateAttributes = SecretAttributes;

/** A certificate policy as the REST API takes and returns it (snake_case members as on the wire). */
export type CertificatePolicy = Record<string, unknown>;

/** A certificate bundle, list item or deleted certificate, as the REST API returns it. */
export interface CertificateBundle {
  id: string;
  kid?: string;
  sid?: string;
  /** base64url SHA-1 of the DER certificate, no padding. */
  x5t?: string;
  /** The DER certificate, standard base64. */
  cer?: string;
  policy?: CertificatePolicy;
  attributes?: CertificateAttributes;
  tags?: Record<string, string>;
  pending?: { id: string };
  recoveryId?: string;
  deletedDate?: number;
  scheduledPurgeDate?: number;
}

/** A certificate operation (the pending create), as the REST API returns it. */
export interface CertificateOperation {
  id: string;
  issuer?: { name?: string };
  csr?: string;
  cancellation_requested?: boolean;
  status: string;
  status_details?: string;
  error?: { code?: string; message?: string };
  target?: string;
  request_id?: string;
}

/** What `import` sends: the file's content as Key Vault takes it, and the PFX password when there is one. */
export interface CertificateImport {
  /** Standard base64 of a PFX, or PEM text (key then certificates). */
  value: string;
  /** `application/x-pkcs12` or `application/x-pem-file`: how Key Vault stores the backing secret. */
  contentType: string;
  password?: string;
}

/** Talks to one vault's certificates. */
export class CertificateClient {
  #kv: KeyVaultTransport;

  constructor(vaultUrl: URL, auth: Authorization) {
    this.#kv = new KeyVaultTransport(vaultUrl, auth);
  }

  /** The vault this client talks to. */
  get vault(): URL {
    return this.#kv.vault;
  }

  #name(name: string): string {
    return checkObjectName(name, "certificate");
  }

  /** Gets the latest version (with its policy), or the given one. */
  async get(name: string, version?: string): Promise<CertificateBundle> {
    const v = version !== undefined ? checkVersion(version) : "";
    return await this.#kv.json("GET", `/certificates/${this.#name(name)}/${v}`) as unknown as CertificateBundle;
  }

  /** Lists every certificate (latest attributes, unversioned ids), following every page. */
  async list(): Promise<CertificateBundle[]> {
    return await this.#kv.pages<CertificateBundle>("/certificates");
  }

  /** Lists every version of a certificate. */
  async listVersions(name: string): Promise<CertificateBundle[]> {
    return await this.#kv.pages<CertificateBundle>(`/certificates/${this.#name(name)}/versions`);
  }

  /** Starts creating a certificate (`202` with the pending operation). */
  async create(name: string, policy: CertificatePolicy, attributes: CertificateAttributes = {}): Promise<CertificateOperation> {
    const body = { policy, attributes };
    return await this.#kv.json("POST", `/certificates/${this.#name(name)}/create`, body) as unknown as CertificateOperation;
  }

  /** Reads the pending (or finished) create operation. */
  async operation(name: string): Promise<CertificateOperation> {
    return await this.#kv.json("GET", `/certificates/${this.#name(name)}/pending`) as unknown as CertificateOperation;
  }

  /** Imports a PFX or PEM as a new version. */
  async import(name: string, input: CertificateImport): Promise<CertificateBundle> {
    const body: Record<string, unknown> = {
      value: input.value,
      policy: { secret_props: { contentType: input.contentType } },
    };
    if (input.password) body.pwd = input.password;
    return await this.#kv.json("POST", `/certificates/${this.#name(name)}/import`, body) as unknown as CertificateBundle;
  }

  /** Soft-deletes a certificate (all versions, with its key and secret). */
  async delete(name: string): Promise<CertificateBundle> {
    return await this.#kv.json("DELETE", `/certificates/${this.#name(name)}`) as unknown as CertificateBundle;
  }

  /** Recovers a deleted certificate. */
  async recover(name: string): Promise<CertificateBundle> {
    return await this.#kv.json("POST", `/deletedcertificates/${this.#name(name)}/recover`) as unknown as CertificateBundle;
  }

  /** Permanently deletes a deleted certificate. */
  async purge(name: string): Promise<void> {
    await this.#kv.send("DELETE", this.#kv.url(`/deletedcertificates/${this.#name(name)}`));
  }

  /**
   * Gets the backing secret of a certificate version (`sid`): the PFX or PEM with the private key
   * when the key is exportable. Only a `sid` on this vault is followed.
   */
  async backingSecret(bundle: CertificateBundle): Promise<SecretBundle> {
    const sid = bundle.sid ? URL.parse(bundle.sid) : null;
    const segments = sid?.pathname.split("/").filter(Boolean) ?? [];
    if (sid === null || sid.origin !== this.#kv.vault.origin || segments.length !== 3 || segments[0] !== "secrets") {
      throw new KvmiError(`Key Vault returned a certificate whose sid ${JSON.stringify(bundle.sid ?? null)} is not a secret of this vault.`, {
        code: "InvalidResponse",
        kind: "other",
      });
    }
    const path = `/secrets/${checkObjectName(segments[1], "certificate")}/${checkVersion(segments[2])}`;
    return await this.#kv.json("GET", path) as unknown as SecretBundle;
  }
}
