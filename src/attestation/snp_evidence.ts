/**
 * Where SEV-SNP evidence comes from. On the kvmi emulator's simulated confidential VM, its report
 * device answers over the emulator's local control endpoint. A real Azure confidential VM does not
 * expose the SNP report to the guest (the paravisor owns REPORT_DATA; attestation goes through the
 * vTPM and Microsoft's guest-attestation library), so there kvmi says so and points at
 * `--attestation-token` with `--transfer-key`.
 * @module
 */
import { base64url } from "jose";
import { parseJsonObject, stringField } from "../core/json_body.ts";
import { KvmiError } from "../core/errors.ts";
import { type HttpClient, isLoopbackUrl } from "../http/http_client.ts";

/** The evidence MAA's SevSnpVm endpoint takes (both base64url). */
export interface SnpEvidence {
  SnpReport: string;
  VcekCertChain: string;
}

/** Gets a signed SNP report whose REPORT_DATA is `reportData` (64 bytes). */
export async function snpEvidence(http: HttpClient, imdsEndpoint: string, reportData: Uint8Array): Promise<SnpEvidence> {
  const imds = new URL(imdsEndpoint);
  if (!isLoopbackUrl(imds)) throw notConfidential();
  const body = JSON.stringify({ reportData: base64url.encode(reportData) });
  let response;
  try {
    response = await http.send({
      method: "POST",
      url: new URL(`${imdsEndpoint}/emulator/cvm/report`),
      body,
      headers: { "Content-Type": "application/json" },
      direct: true,
      timeoutMs: 10_000,
    });
  } catch {
    throw notConfidential();
  }
  const json = parseJsonObject(response.body);
  const report = stringField(json, "SnpReport");
  const chain = stringField(json, "VcekCertChain");
  if (response.status !== 200 || !report || !chain) throw notConfidential();
  return { SnpReport: report, VcekCertChain: chain };
}

function notConfidential(): KvmiError {
  const sevGuest = (() => {
    try {
      Deno.statSync("/dev/sev-guest");
      return true;
    } catch {
      return false;
    }
  })();
  return new KvmiError(
    sevGuest
      ? "This machine exposes /dev/sev-guest, which kvmi does not read yet: it attests only on the kvmi emulator's simulated confidential VM."
      : "This machine is not a confidential VM that kvmi can attest: no SEV-SNP report source was found.",
    {
      code: "NotConfidentialVm",
      kind: "other",
      hint: "On an Azure confidential VM, get an attestation token with Microsoft's guest-attestation tooling (AzureAttestSKR or cvm-attestation-tools) " +
        "and pass it with --attestation-token FILE and the matching --transfer-key FILE; offline, point kvmi at the emulator (KVMI_CLOUD_PROFILE).",
    },
  );
}
