/**
 * `kvmi whoami`: which identity source answered and who it is (tenant, object id, client id,
 * resource id, expiry, whether the token came from the per-user token cache), decoded from a
 * token that is never printed.
 * @module
 */
import { identityClaims } from "../auth/token_claims.ts";
import { COMMON_HELP, COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, outputFormat, parseOptions } from "../cli/args.ts";
import { printJson, renderProperties } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { createAzureContext, resourceOption } from "./context.ts";

/** Help text. */
export const WHOAMI_HELP = `Usage: kvmi whoami [--resource URL] [identity options]

Shows which identity kvmi uses: the identity source, tenant, object id, client id, the ARM
resource id of a managed identity, when its token expires and whether it came from the token
cache (tokenFromCache). The token is never printed.
  --resource URL        Audience to request (default: the cloud's ARM resource)
${IDENTITY_HELP}
${COMMON_HELP}

Example:
  kvmi whoami -o table
`;

/** Runs `kvmi whoami`. */
export async function runWhoami(args: string[]): Promise<number> {
  const values = parseOptions(args, { ...COMMON_OPTIONS, ...IDENTITY_OPTIONS, resource: { type: "string" } }, WHOAMI_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const context = createAzureContext(values);
  try {
    const token = await context.credential.getToken(resourceOption(values) ?? context.cloud.armResource);
    const claims = identityClaims(token.token);
    const result = {
      source: token.source,
      cloud: context.cloud.name,
      tenantId: claims.tenantId ?? null,
      objectId: claims.objectId ?? null,
      clientId: claims.clientId ?? null,
      resourceId: claims.resourceId ?? null,
      audience: claims.audience ?? token.resource,
      expiresOn: new Date(token.expiresOn * 1000).toISOString(),
      tokenFromCache: token.fromCache === true,
    };
    if (format === "table") writeStdout(renderProperties(result));
    else printJson(result);
  } finally {
    context.http.close();
  }
  return 0;
}
