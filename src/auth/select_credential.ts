/**
 * Choosing the identity source, in the Azure SDK's order: a service principal from
 * `AZURE_CLIENT_ID`/`AZURE_TENANT_ID`/`AZURE_CLIENT_SECRET` when all three are set, else the
 * managed identity of the host.
 * @module
 */
import type { IdentitySelector, TokenCredential } from "./access_token.ts";
import { ClientSecretCredential } from "./client_secret.ts";
import { ImdsCredential } from "./managed_identity_imds.ts";
import { usageError } from "../cli/errors.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { EnvReader } from "../cloud/cloud_profile.ts";
import type { HttpClient } from "../http/http_client.ts";

/** `--credential` values. */
export type CredentialKind = "auto" | "managed-identity" | "client-secret";

const KINDS: readonly CredentialKind[] = ["auto", "managed-identity", "client-secret"];

/** Validates a `--credential` value. */
export function parseCredentialKind(value: string | undefined): CredentialKind {
  const kind = value ?? "auto";
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw usageError(`Unknown credential '${kind}'.`, `Use one of: ${KINDS.join(", ")}.`);
  }
  return kind as CredentialKind;
}

/** Everything {@link selectCredential} needs. */
export interface CredentialContext {
  kind: CredentialKind;
  selector: IdentitySelector;
  cloud: Cloud;
  http: HttpClient;
  env: EnvReader;
}

/** Validates that at most one user-assigned selector is given. */
export function checkSelector(selector: IdentitySelector): void {
  const given = [selector.clientId, selector.objectId, selector.resourceId].filter(Boolean);
  if (given.length > 1) {
    throw usageError("--client-id, --object-id and --msi-res-id are mutually exclusive.", "Pass only one of them.");
  }
}

/** Returns the credential for the context. */
export function selectCredential(context: CredentialContext): TokenCredential {
  checkSelector(context.selector);
  const { env } = context;
  const tenantId = env("AZURE_TENANT_ID");
  const clientId = env("AZURE_CLIENT_ID");
  const clientSecret = env("AZURE_CLIENT_SECRET");
  const hasSecret = Boolean(tenantId && clientId && clientSecret);
  const userAssigned = Boolean(context.selector.clientId || context.selector.objectId || context.selector.resourceId);
  if (context.kind === "client-secret" || (context.kind === "auto" && hasSecret && !userAssigned)) {
    if (!hasSecret) {
      const missing = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"].filter((n) => !env(n));
      throw usageError(`--credential client-secret needs ${missing.join(", ")} in the environment.`);
    }
    return new ClientSecretCredential(context.http, context.cloud.authorityHost, {
      tenantId: tenantId!,
      clientId: clientId!,
      clientSecret: clientSecret!,
    });
  }
  return new ImdsCredential(context.http, context.cloud.imdsEndpoint, context.selector);
}
