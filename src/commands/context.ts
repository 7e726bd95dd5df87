/**
 * Wiring shared by the commands that call Azure: the cloud, one HTTP client trusting the
 * cloud's CA, and the credential chosen by the identity options.
 *
 * @example
 * ```ts
 * import { createAzureContext, keyVaultAuthorization } from "./context.ts";
 * import { SecretClient } from "../keyvault/secret_client.ts";
 * const context = createAzureContext({ cloud: "AzureUSGovernment" });
 * const secrets = new SecretClient(new URL("https://kv1.vault.usgovcloudapi.net"), keyVaultAuthorization(context));
 * ```
 * @module
 */
import type { TokenCredential } from "../core/credential.ts";
import { CachedCredential } from "../auth/cached_credential.ts";
import { credentialCacheScope, type CredentialContext, parseCredentialKind, selectCredential } from "../auth/identity_sources.ts";
import { withTokenCache } from "../auth/shared_cache_credential.ts";
import { tokenCacheSettings } from "../auth/token_cache_location.ts";
import { type ParsedValues, stringOption } from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import { setDeadline } from "../core/deadline.ts";
import { COMMAND_DEADLINE_MS, COMMAND_TIMEOUT_MAX_SECONDS, PEM_MAX_BYTES } from "../core/limits.ts";
import { readTextFileBoundedSync } from "../core/bounded_read.ts";
import type { Cloud } from "../cloud/cloud.ts";
import { processEnv, resolveCloud } from "../cloud/cloud_profile.ts";
import type { Authorization } from "../http/authorized_request.ts";
import { HttpClient } from "../http/http_client.ts";

/** The cloud and one HTTP client for it: what a command needs to reach IMDS (no credential). */
export interface CloudContext {
  cloud: Cloud;
  http: HttpClient;
}

/** What a command needs to call Azure. */
export interface AzureContext extends CloudContext {
  credential: TokenCredential;
}

/** Resolves `--cloud` (or the environment's choice) and builds one HTTP client for that cloud. */
export function createCloudContext(values: ParsedValues): CloudContext {
  applyTimeout(values);
  const cloud = resolveCloud(stringOption(values, "cloud"));
  return { cloud, http: createHttpClient(cloud) };
}

/**
 * Builds the context from parsed `--cloud`, `--credential` and identity selector options. The
 * cloud is resolved here, once, before the credential is built (the credential copies its
 * authority host); a caller that read the VM's own cloud passes it, with the client it used.
 * Tokens go through the per-user token cache unless `--no-token-cache` or `KVMI_TOKEN_CACHE=off`.
 */
export function createAzureContext(
  values: ParsedValues,
  cloud: Cloud = resolveCloud(stringOption(values, "cloud")),
  http: HttpClient = createHttpClient(cloud),
): AzureContext {
  applyTimeout(values);
  const credentialContext: CredentialContext = {
    kind: parseCredentialKind(stringOption(values, "credential")),
    selector: {
      clientId: stringOption(values, "client-id"),
      objectId: stringOption(values, "object-id"),
      resourceId: stringOption(values, "msi-res-id"),
    },
    cloud,
    http,
    env: processEnv,
  };
  const source = selectCredential(credentialContext);
  const settings = tokenCacheSettings(processEnv, values["no-token-cache"] === true);
  const credential = new CachedCredential(withTokenCache(source, credentialCacheScope(credentialContext), settings));
  return { cloud, http, credential };
}

/** Sets the command's deadline from `--timeout SECONDS` (default `COMMAND_DEADLINE_MS`), at most `capMs` when given. */
export function applyTimeout(values: ParsedValues, capMs = Infinity): void {
  setDeadline(Math.min(timeoutMs(stringOption(values, "timeout")), capMs));
}

/** Parses `--timeout SECONDS`: a positive number up to `COMMAND_TIMEOUT_MAX_SECONDS`. */
export function timeoutMs(text: string | undefined): number {
  if (text === undefined) return COMMAND_DEADLINE_MS;
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0 && seconds <= COMMAND_TIMEOUT_MAX_SECONDS)) {
    throw usageError(`--timeout must be a number of seconds between 0 and ${COMMAND_TIMEOUT_MAX_SECONDS}, got '${text}'.`);
  }
  return seconds * 1000;
}

/** Reads `--resource AUDIENCE`: when given it must be a non-empty audience (a URI or an application id) without spaces. */
export function resourceOption(values: ParsedValues): string | undefined {
  const value = stringOption(values, "resource");
  if (value === undefined) return undefined;
  if (value === "" || /[\s\p{Cc}]/u.test(value) || value.length > 2048) {
    throw usageError(`--resource must be a token audience such as https://vault.azure.net, got ${JSON.stringify(value.slice(0, 80))}.`);
  }
  return value;
}

/** One HTTP client for `cloud`, trusting its profile's CA when it names one. */
export function createHttpClient(cloud: Cloud): HttpClient {
  return new HttpClient({ caCerts: cloud.caCertFile ? [readCaFile(cloud.caCertFile)] : [] });
}

function readCaFile(path: string): string {
  try {
    return readTextFileBoundedSync(path, PEM_MAX_BYTES, "CA file");
  } catch {
    throw usageError(`The cloud profile's CA file '${path}' cannot be read.`, "Start the emulator again or fix caCertFile in the profile.");
  }
}

/** The Authorization a client needs to call a service whose audience is `resource` in this context. */
export function authorizationFor(context: AzureContext, resource: string, allowedOrigins?: string[]): Authorization {
  return { http: context.http, credential: context.credential, cloud: context.cloud, resource, ...(allowedOrigins ? { allowedOrigins } : {}) };
}

/** The Authorization for ARM calls in this context. */
export function armAuthorization(context: AzureContext): Authorization {
  return authorizationFor(context, context.cloud.armResource);
}

/** The Authorization for Key Vault calls in this context. */
export function keyVaultAuthorization(context: AzureContext): Authorization {
  return authorizationFor(context, context.cloud.keyVaultResource);
}
