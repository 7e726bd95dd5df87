/**
 * `kvmi token`: get an access token from the selected identity and show its expiry and
 * identity claims; the raw token only with `--output raw`. `kvmi token cache list|clear` shows
 * (never a token) or empties the per-user token cache.
 * @module
 */
import { identityClaims } from "../auth/token_claims.ts";
import { clearCache, listCache } from "../auth/token_cache.ts";
import { tokenCacheDir } from "../auth/token_cache_location.ts";
import { COMMON_HELP, COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, outputFormat, parseOptions, subcommandHelp } from "../cli/args.ts";
import { printJson, renderProperties, renderTable } from "../cli/output.ts";
import { processEnv } from "../cloud/cloud_profile.ts";
import { KvmiError, usageError } from "../core/errors.ts";
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

Tokens are kept in the per-user token cache and shared by every kvmi process of this user
until five minutes before they expire (see 'kvmi token cache --help').

Examples:
  kvmi token --resource https://vault.azure.net
  kvmi token --client-id 11111111-2222-3333-4444-555555555555 -o table
  kvmi token cache list -o table
`;

/** Help text of `kvmi token cache`. */
export const TOKEN_CACHE_HELP = `Usage: kvmi token cache list|clear [-o json|table]

The per-user token cache: KVMI_TOKEN_CACHE_DIR, else %LOCALAPPDATA%\\kvmi\\tokens on Windows
(DPAPI-protected), else \${XDG_CACHE_HOME:-$HOME/.cache}/kvmi/tokens (folder 0700, files 0600).
Only access tokens are kept. --no-token-cache or KVMI_TOKEN_CACHE=off turn it off.

  list    Each entry's resource, identity, identity source, authority and expiry (never a token)
  clear   Remove every entry (and any lock left behind)
Identity options are accepted and ignored: the cache holds every identity's tokens of this user.
${COMMON_HELP}
`;

/** Runs `kvmi token`. */
export async function runToken(args: string[]): Promise<number> {
  if (args[0] === "cache") return await runTokenCache(args.slice(1));
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

/** Runs `kvmi token cache list|clear`. */
async function runTokenCache(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const help = subcommandHelp(sub, TOKEN_CACHE_HELP);
  if (help !== undefined) return help;
  if (sub !== "list" && sub !== "clear") {
    throw usageError(`Unknown subcommand 'token cache ${sub}'.`, "Use 'kvmi token cache list' or 'kvmi token cache clear'.");
  }
  // Identity options are accepted (the KvMi module always passes its chosen identity) and ignored.
  const values = parseOptions(rest, { ...COMMON_OPTIONS, ...IDENTITY_OPTIONS }, TOKEN_CACHE_HELP);
  if (!values) return 0;
  const format = outputFormat(values, ["json", "table"]);
  const dir = tokenCacheDir(processEnv);
  if (!dir) throw usageError("No per-user cache folder is known (LOCALAPPDATA, XDG_CACHE_HOME or HOME).", "Set KVMI_TOKEN_CACHE_DIR.");
  if (sub === "clear") {
    const { problem, removed } = await clearCache(dir);
    if (problem) throw unusableCache(problem);
    if (format === "table") writeStdout(renderProperties({ folder: dir, removed }));
    else printJson({ folder: dir, removed });
    return 0;
  }
  const { problem, entries } = await listCache(dir);
  if (problem) throw unusableCache(problem);
  const rows = entries.map((e) => ({
    resource: e.key?.resource ?? null,
    identity: e.key?.identity ?? null,
    source: e.key?.kind ?? null,
    authority: e.key?.authority ?? null,
    expiresOn: e.expiresOn === undefined ? null : new Date(e.expiresOn * 1000).toISOString(),
    state: e.state,
    file: e.file,
  }));
  if (format === "table") writeStdout(renderTable(rows, ["resource", "identity", "source", "expiresOn", "state"]));
  else printJson({ folder: dir, entries: rows });
  return 0;
}

function unusableCache(problem: string): KvmiError {
  return new KvmiError(`The token cache cannot be used: ${problem}.`, {
    code: "TokenCacheUnusable",
    kind: "other",
    hint: "kvmi ignores such a folder; remove it, or point KVMI_TOKEN_CACHE_DIR at a folder only you own.",
  });
}
