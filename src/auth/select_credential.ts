/**
 * Choosing the identity source, in the Azure SDK's order: a service principal from
 * `AZURE_CLIENT_ID`/`AZURE_TENANT_ID`/`AZURE_CLIENT_SECRET` when all three are set, else the
 * managed identity of the host: App Service (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), else IMDS
 * (Azure VMs and scale sets, or `AZURE_POD_IDENTITY_AUTHORITY_HOST`), Azure Arc
 * (`IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`). Hosts kvmi does not support yet (Service Fabric,
 * Cloud Shell, Azure ML) get a clear error instead of a silent fall back to IMDS.
 * @module
 */
import type { IdentitySelector, TokenCredential } from "../core/credential.ts";
import { ClientSecretCredential } from "./client_secret.ts";
import { AppServiceCredential } from "./managed_identity_app_service.ts";
import { ArcCredential, arcTokenDirectory } from "./managed_identity_arc.ts";
import { ImdsCredential } from "./managed_identity_imds.ts";
import { KvmiError, usageError } from "../core/errors.ts";
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
  return managedIdentity(context);
}

/** The managed identity source of this host, from the same environment variables the SDK reads. */
function managedIdentity(context: CredentialContext): TokenCredential {
  const { env } = context;
  const endpoint = env("IDENTITY_ENDPOINT");
  const header = env("IDENTITY_HEADER");
  const unsupported = (host: string) =>
    new KvmiError(`This looks like ${host} (its managed identity variables are set), which kvmi does not support yet.`, {
      code: "UnsupportedIdentityHost",
      kind: "authentication",
      hint: "Use a service principal (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET) there, or run kvmi on an Azure VM or App Service.",
    });
  if (endpoint && header && env("IDENTITY_SERVER_THUMBPRINT")) throw unsupported("Service Fabric");
  if (endpoint && header) return new AppServiceCredential(context.http, endpoint, header, context.selector);
  if (env("MSI_ENDPOINT")) throw unsupported(env("MSI_SECRET") ? "Azure Machine Learning" : "Azure Cloud Shell");
  if (endpoint && env("IMDS_ENDPOINT")) return new ArcCredential(context.http, endpoint, context.selector, arcTokenDirectory(env));
  return new ImdsCredential(context.http, context.cloud.imdsEndpoint, context.selector);
}
