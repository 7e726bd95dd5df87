/**
 * One vault's certificates: versions (each with its DER certificate, attributes, tags and the
 * policy in force when it was made; a pending version has no certificate yet), the create
 * operation of each certificate, the vault's certificate contacts and issuers. Names, versions
 * and soft delete come from the shared {@link ObjectStore}. No HTTP here.
 * @module
 */
import { ObjectStore, type StoredObject } from "./object_store.ts";
import type { CertificatePolicy } from "./certificate_policy.ts";
import type { CertificateOperation } from "./certificate_operation.ts";

/** One certificate version. */
export interface CertificateVersion {
  version: string;
  /** Standard base64 of the DER certificate; absent while the version is pending. */
  cer?: string;
  /** base64url SHA-1 of the DER, no padding; absent while pending. */
  x5t?: string;
  attributes: { enabled: boolean; nbf?: number; exp?: number; created: number; updated: number };
  tags?: Record<string, string>;
  /** The certificate's policy (the latest version's is the current one). */
  policy: CertificatePolicy;
  /** Set when the client sent `preserveCertOrder` (api-version 7.6+). */
  preserveCertOrder?: boolean;
}

/** A certificate and its versions. */
export type CertificateEntry = StoredObject<CertificateVersion>;

/** A certificate contact. */
export interface CertificateContact {
  email?: string;
  name?: string;
  phone?: string;
}

/** An issuer as stored (the password is kept but never returned). */
export interface StoredIssuer {
  name: string;
  provider: string;
  credentials?: { account_id?: string; pwd?: string };
  org_details?: { id?: string; admin_details?: Record<string, unknown>[] };
  attributes: { enabled: boolean; created: number; updated: number };
}

/** The certificates of one vault, their operations, contacts and issuers. */
export class CertificateStore extends ObjectStore<CertificateVersion> {
  /** Create operations by lower-cased certificate name. */
  readonly operations = new Map<string, CertificateOperation>();
  /** Issuers by lower-cased name. */
  readonly issuers = new Map<string, StoredIssuer>();
  /** The vault's certificate contacts; undefined when none are set. */
  contacts?: CertificateContact[];

  /** The operation of a certificate, if it has one. */
  operation(name: string): CertificateOperation | undefined {
    return this.operations.get(name.toLowerCase());
  }

  /** Removes a deleted certificate for good, with its operation. */
  override purge(entry: CertificateEntry): void {
    super.purge(entry);
    this.operations.delete(entry.name.toLowerCase());
  }
}
