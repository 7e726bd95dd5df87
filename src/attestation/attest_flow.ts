/**
 * Attesting this (simulated) confidential VM: a fresh transfer key, its runtime data bound into
 * the SNP report's REPORT_DATA (SHA-256, zero-padded to 64 bytes), then MAA.
 *
 * @example
 * ```ts
 * import { attestWithFreshKey, maaEndpoint } from "./attest_flow.ts";
 * import { createAzureContext } from "../commands/context.ts";
 * const { http, cloud } = createAzureContext({});
 * const { token, transferKey } = await attestWithFreshKey(http, cloud, maaEndpoint("https://sharedeus.eus.attest.azure.net", cloud));
 * ```
 * @module
 */
import { attestSevSnpVm, checkMaaUrl } from "./maa_client.ts";
import { snpEvidence } from "./snp_evidence.ts";
import { generateTransferKey, runtimeData, type TransferKey } from "./transfer_key.ts";
import { usageError } from "../core/errors.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { HttpClient } from "../http/http_client.ts";

/** A fresh attestation: the MAA token and the transfer key it vouches for. */
export interface Attestation {
  token: string;
  transferKey: TransferKey;
  maa: URL;
}

/** The MAA to use: `--maa`, else the custom cloud's attestation endpoint. */
export function maaEndpoint(option: string | undefined, cloud: Cloud): URL {
  const text = option ?? cloud.attestationEndpoint;
  if (!text) throw usageError("No attestation provider: pass --maa URL (e.g. https://sharedeus.eus.attest.azure.net).");
  return checkMaaUrl(text);
}

/** Generates a transfer key and gets an MAA token that carries it in `x-ms-runtime`. */
export async function attestWithFreshKey(http: HttpClient, cloud: Cloud, maa: URL, nonce?: string): Promise<Attestation> {
  const transferKey = await generateTransferKey();
  const runtime = runtimeData(transferKey);
  const reportData = new Uint8Array(64);
  reportData.set(new Uint8Array(await crypto.subtle.digest("SHA-256", runtime.slice())), 0);
  const evidence = await snpEvidence(http, cloud.imdsEndpoint, reportData);
  const token = await attestSevSnpVm(http, maa, evidence, runtime, nonce);
  return { token, transferKey, maa };
}

/** Validates an attestation `--nonce`: 1-64 characters of letters, digits, `-`, `_`, `.`, `+`, `/`, `=`. */
export function checkNonce(nonce: string | undefined): void {
  if (nonce !== undefined && !/^[A-Za-z0-9._+/=-]{1,64}$/.test(nonce)) {
    throw usageError("--nonce must be 1-64 letters, digits or - _ . + / = characters.");
  }
}
