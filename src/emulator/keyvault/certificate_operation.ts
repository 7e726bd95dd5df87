/**
 * The certificate create operation (`/certificates/{n}/pending`): its state, the JSON the
 * service returns (`cancellation_requested`, `request_id`, `status_details` in snake case; status
 * strings `inProgress`, `completed`, `cancelled`, `failed`, case-exact; `failed` always carries
 * `error`), and when a `Self` operation completes: on the second read of `/pending` or after a
 * few seconds, as the service does after one or two poll intervals. Issuer `Unknown` (and any
 * named issuer) waits for a merge. No HTTP here.
 * @module
 */
import type { KeyObject } from "node:crypto";
import type { IssuerParameters } from "./certificate_policy.ts";

/** Status text while a `Self` certificate is being made (and for named issuers). */
export const IN_PROGRESS_DETAILS =
  "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";
/** Status text while issuer `Unknown` waits for a merge. */
export const MERGE_DETAILS = "Pending certificate created. Please Perform Merge to complete the request.";

/** How long a `Self` operation stays `inProgress` when `/pending` is not polled twice. */
const SELF_COMPLETES_AFTER_MS = 3000;

/** The operation's status (case-exact on the wire). */
export type OperationStatus = "inProgress" | "completed" | "cancelled" | "failed";

/** A certificate's create operation. */
export interface CertificateOperation {
  /** 32 lowercase hex characters, also in `Location`. */
  requestId: string;
  issuer: IssuerParameters;
  /** Standard base64 of the DER PKCS#10 request. */
  csr: string;
  cancellationRequested: boolean;
  status: OperationStatus;
  statusDetails?: string;
  error?: { code: string; message: string };
  preserveCertOrder?: boolean;
  /** The pending certificate version this operation makes. */
  version: string;
  /** The `enabled` the certificate gets once issued (the create request's `attributes.enabled`). */
  enableOnIssue: boolean;
  /** The key pair's private half (the backing key once issued). */
  privateKey: KeyObject;
  /** `Self`: the certificate already made (DER), revealed when the operation completes. */
  prepared?: Uint8Array;
  /** Reads of `/pending` so far. */
  reads: number;
  /** When a `Self` operation completes without a second read (ms since epoch). */
  readyAtMs: number;
}

/** A new operation for a pending version. */
export function newOperation(
  init: {
    issuer: IssuerParameters;
    csr: string;
    version: string;
    enableOnIssue: boolean;
    privateKey: KeyObject;
    prepared?: Uint8Array;
    preserveCertOrder?: boolean;
  },
): CertificateOperation {
  return {
    requestId: crypto.randomUUID().replaceAll("-", ""),
    issuer: init.issuer,
    csr: init.csr,
    cancellationRequested: false,
    status: "inProgress",
    statusDetails: init.issuer.name === "Unknown" ? MERGE_DETAILS : IN_PROGRESS_DETAILS,
    preserveCertOrder: init.preserveCertOrder,
    version: init.version,
    enableOnIssue: init.enableOnIssue,
    privateKey: init.privateKey,
    prepared: init.prepared,
    reads: 0,
    readyAtMs: Date.now() + SELF_COMPLETES_AFTER_MS,
  };
}

/** What an operation should become now: "cancelled" after a cancellation request, "completed" when a `Self` certificate is due, else nothing. */
export function dueTransition(op: CertificateOperation): "cancelled" | "completed" | undefined {
  if (op.status !== "inProgress") return undefined;
  if (op.cancellationRequested) return "cancelled";
  if (op.prepared && (op.reads >= 2 || Date.now() >= op.readyAtMs)) return "completed";
  return undefined;
}

/** Marks an operation completed (its certificate now exists). */
export function complete(op: CertificateOperation): void {
  op.status = "completed";
  op.statusDetails = undefined;
  op.prepared = undefined;
}

/** Marks an operation cancelled. */
export function cancel(op: CertificateOperation): void {
  op.status = "cancelled";
  op.statusDetails = "Pending certificate cancelled.";
}

/** The CertificateOperation JSON: `target` (unversioned) once completed, `preserveCertOrder` only when set and the api-version has it. */
export function operationJson(op: CertificateOperation, certificateUrl: string, withPreserveOrder: boolean): Record<string, unknown> {
  return {
    id: `${certificateUrl}/pending`,
    issuer: op.issuer,
    csr: op.csr,
    cancellation_requested: op.cancellationRequested,
    status: op.status,
    ...(op.statusDetails !== undefined ? { status_details: op.statusDetails } : {}),
    ...(op.error ? { error: op.error } : {}),
    ...(op.status === "completed" ? { target: certificateUrl } : {}),
    request_id: op.requestId,
    ...(withPreserveOrder && op.preserveCertOrder !== undefined ? { preserveCertOrder: op.preserveCertOrder } : {}),
  };
}
