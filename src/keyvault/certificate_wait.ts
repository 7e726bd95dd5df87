/**
 * Waiting for a certificate's create operation: `GET .../pending` until its status is no longer
 * `inProgress` (status strings are case-exact), then the finished certificate. A failed or
 * cancelled operation is an error saying so; the wait ends at the command's deadline.
 *
 * @example
 * ```ts
 * import { waitForCertificate } from "./certificate_wait.ts";
 * const bundle = await waitForCertificate(client, "web", await client.create("web", policy));
 * ```
 * @module
 */
import type { CertificateBundle, CertificateClient, CertificateOperation } from "./certificate_client.ts";
import { deadlineExceeded, remainingMs } from "../core/deadline.ts";
import { KvmiError } from "../core/errors.ts";
import { retryDelayScale } from "../http/retry.ts";

/** How long to wait between two reads of the operation (Key Vault's Retry-After says 10 s; a self-signed certificate is ready in a few). */
export const CERTIFICATE_POLL_MS = 1_000;

/** Polls the operation until it ends; returns the certificate when it completed, throws otherwise. */
export async function waitForCertificate(client: CertificateClient, name: string, started: CertificateOperation): Promise<CertificateBundle> {
  let operation = started;
  while (operation.status === "inProgress") {
    const pause = CERTIFICATE_POLL_MS * retryDelayScale();
    if (remainingMs() <= pause) throw notFinished(name);
    await new Promise((resolve) => setTimeout(resolve, pause));
    operation = await client.operation(name);
  }
  if (operation.status === "completed") return await client.get(name);
  throw operationError(name, operation);
}

function notFinished(name: string): KvmiError {
  const error = deadlineExceeded(`Certificate '${name}' is still being created`);
  return new KvmiError(error.message, {
    code: error.code,
    kind: error.kind,
    hint: `It goes on in Key Vault: see it with 'kvmi cert show --name ${name}', or allow more time with --timeout SECONDS.`,
  });
}

/** The error for an operation that ended without a certificate. */
export function operationError(name: string, operation: CertificateOperation): KvmiError {
  const cancelled = operation.status === "cancelled";
  const detail = operation.error?.message ?? operation.status_details ?? "";
  return new KvmiError(
    `Creating certificate '${name}' ${cancelled ? "was cancelled" : `ended with status '${operation.status}'`}${detail ? `: ${detail.split(/\r?\n/)[0]}` : ""}`,
    {
      code: cancelled ? "CertificateOperationCancelled" : operation.error?.code ?? "CertificateOperationFailed",
      kind: "other",
      hint: cancelled ? undefined : "Check the policy (subject, key type, validity), then create the certificate again.",
    },
  );
}
