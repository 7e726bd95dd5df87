/**
 * `kvmi attest`: attest this (simulated) confidential VM with Microsoft Azure Attestation and
 * print the token, carrying a fresh ephemeral RSA transfer key in its runtime data.
 * @module
 */
import { checkPrivateFileTarget } from "../core/private_file.ts";
import { checkNonce, maaEndpoint } from "../attestation/attestation_options.ts";
import { decodeJwtPayload } from "../auth/token_claims.ts";
import { COMMON_HELP, IDENTITY_HELP, IDENTITY_OPTIONS, parseOptions, stringOption } from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import { printJson } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { createAzureContext } from "./context.ts";

/** Help text. */
export const ATTEST_HELP = `Usage: kvmi attest [--maa URL] [--output token|json] [--save-transfer-key FILE [--force]] [--nonce N]

Attests this confidential VM with Microsoft Azure Attestation (SEV-SNP) and prints the token.
A fresh RSA transfer key is generated and bound into the attestation (x-ms-runtime.keys); its
private half never leaves the process unless --save-transfer-key writes it (owner-only), for use
with 'kvmi key release --attestation-token ... --transfer-key ...'.

  --maa URL                 Attestation provider (default: the custom cloud's attestationEndpoint)
  --output token|json       The token (default) or {"token","claims"}
  --save-transfer-key FILE  Write the transfer key's private half (PKCS#8 PEM, mode 0600; never through a link)
  --force                   Overwrite an existing --save-transfer-key file
  --nonce N                 A nonce echoed in the token
${IDENTITY_HELP}
${COMMON_HELP.replace("json (default), raw or table", "token (default) or json")}

Today kvmi attests on the kvmi emulator's simulated confidential VM. On an Azure confidential VM,
use Microsoft's guest-attestation tooling for the token and 'kvmi key release --attestation-token'.

Example:
  kvmi attest --output json --save-transfer-key ./tk.pem
`;

/** Runs `kvmi attest`. */
export async function runAttest(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    help: { type: "boolean", short: "h" },
    verbose: { type: "boolean" },
    output: { type: "string", short: "o" },
    ...IDENTITY_OPTIONS,
    maa: { type: "string" },
    "save-transfer-key": { type: "string" },
    force: { type: "boolean" },
    timeout: { type: "string" },
    nonce: { type: "string" },
  }, ATTEST_HELP);
  if (!values) return 0;
  const output = stringOption(values, "output") ?? "token";
  if (output !== "token" && output !== "json") throw usageError(`Unknown output '${output}'.`, "Use token or json.");
  checkNonce(stringOption(values, "nonce"));
  const save = stringOption(values, "save-transfer-key");
  if (save !== undefined) await checkPrivateFileTarget(save, Boolean(values.force));
  // The attestation flow (and with it node:crypto) loads only once the options are good.
  const { attestWithFreshKey } = await import("../attestation/attest_flow.ts");
  const { saveTransferKey } = await import("../attestation/transfer_key.ts");
  const context = createAzureContext(values);
  try {
    const attestation = await attestWithFreshKey(
      context.http,
      context.cloud,
      maaEndpoint(stringOption(values, "maa"), context.cloud),
      stringOption(values, "nonce"),
    );
    if (save !== undefined) await saveTransferKey(attestation.transferKey, save, Boolean(values.force));
    if (output === "json") printJson({ token: attestation.token, claims: decodeJwtPayload(attestation.token) });
    else writeStdout(attestation.token + "\n");
  } finally {
    context.http.close();
  }
  return 0;
}
