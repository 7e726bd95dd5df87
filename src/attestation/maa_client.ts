/**
 * Microsoft Azure Attestation client for SEV-SNP: sends the report and the runtime data (the
 * transfer key) to `POST {maa}/attest/SevSnpVm?api-version=2022-08-01` and returns the token.
 * @module
 */
import { base64url } from "jose";
import type { SnpEvidence } from "./snp_evidence.ts";
import { parseJsonObject, stringField } from "../core/json_body.ts";
import { kindForStatus, KvmiError, usageError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";
import type { HttpClient } from "../http/http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "../http/retry.ts";

/** The MAA api-version kvmi sends. */
export const MAA_API_VERSION = "2022-08-01";

/** Validates an MAA base URL (https, no path). */
export function checkMaaUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`'${text}' is not a URL.`, "Pass the attestation provider's base URL, e.g. https://sharedeus.eus.attest.azure.net.");
  }
  if (url.protocol !== "https:") throw usageError(`The attestation URL must use https: '${text}'.`);
  return new URL(url.origin);
}

/** Attests the evidence and runtime data; returns the MAA token. */
export async function attestSevSnpVm(http: HttpClient, maa: URL, evidence: SnpEvidence, runtime: Uint8Array, nonce?: string): Promise<string> {
  const url = withQuery(new URL("/attest/SevSnpVm", maa), { "api-version": MAA_API_VERSION });
  const body = JSON.stringify({
    report: base64url.encode(JSON.stringify(evidence)),
    runtimeData: { data: base64url.encode(runtime), dataType: "JSON" },
    ...(nonce ? { nonce } : {}),
  });
  const response = await sendWithRetry(() => http.send({ method: "POST", url, body, headers: { "Content-Type": "application/json" } }), serviceRetryPolicy);
  const json = parseJsonObject(response.body);
  if (response.status !== 200) {
    const error = json?.error as Record<string, unknown> | undefined;
    throw new KvmiError(`Attestation failed: ${String(error?.code ?? `HTTP ${response.status}`)}: ${String(error?.message ?? response.body.slice(0, 200))}`, {
      code: "AttestationFailed",
      status: response.status,
      kind: response.status === 400 ? "other" : kindForStatus(response.status),
    });
  }
  const token = stringField(json, "token");
  if (!token) throw new KvmiError("The attestation service answered 200 without a token.", { code: "InvalidResponse", kind: "other" });
  return token;
}
