/**
 * `kvmi token`: get an access token from the selected identity and show its expiry and
 * identity claims; the raw token only with `--output raw`.
 * @module
 */
import { identityClaims } from "../auth/token_claims.ts";
import { COMMON_HELP, COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, outputFormat, parseOptions } from "../cli/args.ts";
import { printJson, renderProperties } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { createAzureContext, resourceOption } from "./context.ts";

/** Help text. */
export const TOKEN_HELP = `Usage: kvmi token [--resource URL] [identity options] [-o json|raw|table]

Gets an access token for a resource from the machine's managed identity (IMDS) or from a
service principal, and prints its expiry and identity claims. The token itself is printed
only with --output raw (for piping into another tool).

Options:
  --resource URL        Audience of the token (default: the cloud's ARM resource,
                        e.g. https://management.azure.com/)
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi token --resource https://vault.azure.net
  kvmi token --client-id 11111111-2222-3333-4444-555555555555 -o table
`;

/** Runs `kvmi token`. */
export async function runToken(args: string[]): Promise<number> {
  const values = parseOptions(args, { ...COMMON_OPTIONS, ...IDENTITY_OPTIONS, resource: { type: "string" } }, TOKEN_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const context = createAzureContext(values);
  const resource = resourceOption(values) ?? context.cloud.armResource;
  const token = await context.credential.getToken(resource);
  if (format === "raw") {
    writeStdout(token.token + "\n");
    return 0;
  }
  const claims = identityClaims(token.token);
  const summary = {
    tokenType: "Bearer",
    resource: token.resource,
    expiresOn: new Date(token.expiresOn * 1000).toISOString(),
    expiresOnUnix: token.expiresOn,
    source: token.source,
    tenantId: claims.tenantId ?? null,
    objectId: claims.objectId ?? null,
    clientId: claims.clientId ?? null,
    resourceId: claims.resourceId ?? null,
    audience: claims.audience ?? null,
  };
  if (format === "table") writeStdout(renderProperties(summary));
  else printJson(summary);
  return 0;
}
