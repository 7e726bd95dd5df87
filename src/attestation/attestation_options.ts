/**
 * The attestation options kvmi checks before anything is sent: which Microsoft Azure Attestation
 * provider (`--maa`, else the cloud's) and the `--nonce`. Kept apart from the attestation flow so
 * a command that only validates them (`key create`'s default release policy) loads no crypto.
 *
 * @example
 * ```ts
 * import { checkNonce, maaEndpoint } from "./attestation_options.ts";
 * import { BUILTIN_CLOUDS } from "../cloud/cloud.ts";
 * checkNonce("abc");
 * const maa = maaEndpoint("https://sharedeus.eus.attest.azure.net", BUILTIN_CLOUDS.AzureCloud);
 * ```
 * @module
 */
import { checkMaaUrl } from "./maa_client.ts";
import { usageError } from "../core/errors.ts";
import type { Cloud } from "../cloud/cloud.ts";

/** The MAA to use: `--maa`, else the custom cloud's attestation endpoint. */
export function maaEndpoint(option: string | undefined, cloud: Cloud): URL {
  const text = option ?? cloud.attestationEndpoint;
  if (!text) throw usageError("No attestation provider: pass --maa URL (e.g. https://sharedeus.eus.attest.azure.net).");
  return checkMaaUrl(text);
}

/** Validates an attestation `--nonce`: 1-64 characters of letters, digits, `-`, `_`, `.`, `+`, `/`, `=`. */
export function checkNonce(nonce: string | undefined): void {
  if (nonce !== undefined && !/^[A-Za-z0-9._+/=-]{1,64}$/.test(nonce)) {
    throw usageError("--nonce must be 1-64 letters, digits or - _ . + / = characters.");
  }
}
