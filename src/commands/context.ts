/**
 * Wiring shared by the commands that call Azure: the cloud, one HTTP client trusting the
 * cloud's CA, and the credential chosen by the identity options.
 * @module
 */
import type { TokenCredential } from "../core/credential.ts";
import { CachedCredential } from "../auth/cached_credential.ts";
import { parseCredentialKind, selectCredential } from "../auth/select_credential.ts";
import { type ParsedValues, stringOption } from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import type { Cloud } from "../cloud/cloud.ts";
import { processEnv, resolveCloud } from "../cloud/cloud_profile.ts";
import { HttpClient } from "../http/http_client.ts";

/** What a command needs to call Azure. */
export interface AzureContext {
  cloud: Cloud;
  http: HttpClient;
  credential: TokenCredential;
}

/** Builds the context from parsed `--cloud`, `--credential` and identity selector options. */
export function createAzureContext(values: ParsedValues): AzureContext {
  const cloud = resolveCloud(stringOption(values, "cloud"));
  const http = new HttpClient({ caCerts: cloud.caCertFile ? [readCaFile(cloud.caCertFile)] : [] });
  const credential = new CachedCredential(selectCredential({
    kind: parseCredentialKind(stringOption(values, "credential")),
    selector: {
      clientId: stringOption(values, "client-id"),
      objectId: stringOption(values, "object-id"),
      resourceId: stringOption(values, "msi-res-id"),
    },
    cloud,
    http,
    env: processEnv,
  }));
  return { cloud, http, credential };
}

function readCaFile(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    throw usageError(`The cloud profile's CA file '${path}' cannot be read.`, "Start the emulator again or fix caCertFile in the profile.");
  }
}

/** Whether the user chose the cloud (`--cloud`, `KVMI_CLOUD_PROFILE` or `AZURE_CLOUD`). */
export function cloudIsExplicit(values: ParsedValues): boolean {
  return Boolean(stringOption(values, "cloud") ?? Deno.env.get("KVMI_CLOUD_PROFILE") ?? Deno.env.get("AZURE_CLOUD"));
}

/** The Authorization for ARM calls in this context. */
export function armAuthorization(context: AzureContext) {
  return { http: context.http, credential: context.credential, cloud: context.cloud, resource: context.cloud.armResource };
}
