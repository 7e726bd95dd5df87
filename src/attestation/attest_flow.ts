/**
 * Attesting this (simulated) confidential VM: a fresh transfer key, its runtime data bound into
 * the SNP report's REPORT_DATA (SHA-256, zero-padded to 64 bytes), then MAA.
 *
 * @example
 * ```ts
 * import { attestWithFreshKey } from "./attest_flow.ts";
 * import { maaEndpoint } from "./attestation_options.ts";
 * import { createAzureContext } from "../commands/context.ts";
 * const { http, cloud } = createAzureContext({});
 * const { token, transferKey } = await attestWithFreshKey(http, cloud, maaEndpoint("https://sharedeus.eus.attest.azure.net", cloud));
 * ```
 * @module
 */
import { attestSevSnpVm } from "./maa_client.ts";
import { snpEvidence } from "./snp_evidence.ts";
import { generateTransferKey, runtimeData, type TransferKey } from "./transfer_key.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { HttpClient } from "../http/http_client.ts";

/** A fresh attestation: the MAA token and the transfer key it vouches for. */
export interface Attestation {
  token: string;
  transferKey: TransferKey;
  maa: URL;
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
