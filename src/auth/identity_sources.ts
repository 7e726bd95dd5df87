/**
 * Choosing the identity source from an ordered table, like the Azure SDK's list of
 * managed-identity sources: the first source whose `detect(env)` is true builds the credential.
 * A service principal from `AZURE_CLIENT_ID`/`AZURE_TENANT_ID`/`AZURE_CLIENT_SECRET` comes
 * first (the SDK's EnvironmentCredential), then the host's managed identity: App Service
 * (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`), Azure Arc (`IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`),
 * else IMDS (Azure VMs and scale sets, or `AZURE_POD_IDENTITY_AUTHORITY_HOST`). Hosts kvmi does
 * not support yet (Service Fabric, Cloud Shell, Azure ML) are detected too, and fail clearly
 * instead of falling back to IMDS. To add a source, add a row. Sources other than IMDS load their
 * module on their first token request (`DeferredCredential`), so a run on a VM never loads them.
 *
 * @example
 * ```ts
 * import { selectCredential } from "./identity_sources.ts";
 * import { BUILTIN_CLOUDS } from "../cloud/cloud.ts";
 * import { HttpClient } from "../http/http_client.ts";
 * const credential = selectCredential({
 *   kind: "auto",
 *   selector: {},
 *   cloud: BUILTIN_CLOUDS.AzureCloud,
 *   http: new HttpClient(),
 *   env: (name) => Deno.env.get(name),
 * });
 * const token = await credential.getToken("https://vault.azure.net");
 * ```
 * @module
 */
import type { IdentitySelector, TokenCredential } from "../core/credential.ts";
import { DeferredCredential } from "./deferred_credential.ts";
import { checkedIdentityEndpoint } from "./identity_endpoint.ts";
import { ImdsCredential } from "./managed_identity_imds.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { EnvReader } from "../cloud/cloud_profile.ts";
import type { HttpClient } from "../http/http_client.ts";
import type { CacheScope } from "./token_cache_key.ts";

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

/** One way a host can provide an identity. */
export interface IdentitySource {
  /** The source's name, e.g. `App Service`. */
  readonly name: string;
  /** Which `--credential` kind it belongs to. */
  readonly kind: Exclude<CredentialKind, "auto">;
  /** Whether the environment says this host offers this source. */
  detect(env: EnvReader): boolean;
  /** Builds the credential; throws for a host kvmi recognises but does not support. */
  create(context: CredentialContext): TokenCredential;
  /** Where its tokens come from and for whom, keying the shared token cache; none: never cached. */
  cacheScope?(context: CredentialContext): Omit<CacheScope, "kind">;
}

const SERVICE_PRINCIPAL_VARIABLES = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"] as const;

/** The identity sources, in the order they are tried. */
export const IDENTITY_SOURCES: readonly IdentitySource[] = [
  {
    name: "Service principal (client secret)",
    kind: "client-secret",
    detect: (env) => SERVICE_PRINCIPAL_VARIABLES.every((n) => Boolean(env(n))),
    create: ({ http, cloud, env }) =>
      new DeferredCredential(
        "ServicePrincipal (client secret)",
        async () =>
          new (await import("./client_secret.ts")).ClientSecretCredential(http, cloud.authorityHost, {
            tenantId: env("AZURE_TENANT_ID")!,
            clientId: env("AZURE_CLIENT_ID")!,
            clientSecret: env("AZURE_CLIENT_SECRET")!,
          }),
      ),
    cacheScope: ({ cloud, env }) => ({ authority: `${cloud.authorityHost}/${env("AZURE_TENANT_ID")}`, identity: `clientId:${env("AZURE_CLIENT_ID")}` }),
  },
  {
    name: "Service Fabric",
    kind: "managed-identity",
    detect: (env) => Boolean(env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER") && env("IDENTITY_SERVER_THUMBPRINT")),
    create: () => unsupported("Service Fabric"),
  },
  {
    name: "App Service",
    kind: "managed-identity",
    detect: (env) => Boolean(env("IDENTITY_ENDPOINT") && env("IDENTITY_HEADER")),
    create: ({ http, env, selector }) => {
      // The endpoint is checked now, as the credential would check it, before anything is sent.
      checkedIdentityEndpoint(env("IDENTITY_ENDPOINT")!, "app-service");
      return new DeferredCredential(
        "ManagedIdentity (App Service)",
        async () =>
          new (await import("./managed_identity_app_service.ts")).AppServiceCredential(http, env("IDENTITY_ENDPOINT")!, env("IDENTITY_HEADER")!, selector),
      );
    },
    cacheScope: ({ env, selector }) => ({ authority: env("IDENTITY_ENDPOINT")!, identity: selectorIdentity(selector) }),
  },
  {
    name: "Azure Machine Learning",
    kind: "managed-identity",
    detect: (env) => Boolean(env("MSI_ENDPOINT") && env("MSI_SECRET")),
    create: () => unsupported("Azure Machine Learning"),
  },
  {
    name: "Azure Cloud Shell",
    kind: "managed-identity",
    detect: (env) => Boolean(env("MSI_ENDPOINT")),
    create: () => unsupported("Azure Cloud Shell"),
  },
  {
    name: "Azure Arc",
    kind: "managed-identity",
    detect: (env) => Boolean(env("IDENTITY_ENDPOINT") && env("IMDS_ENDPOINT")),
    create: ({ http, env, selector }) => {
      checkedIdentityEndpoint(env("IDENTITY_ENDPOINT")!, "arc");
      return new DeferredCredential("ManagedIdentity (Azure Arc)", async () => {
        const { ArcCredential, arcTokenDirectory } = await import("./managed_identity_arc.ts");
        return new ArcCredential(http, env("IDENTITY_ENDPOINT")!, selector, arcTokenDirectory(env));
      });
    },
    cacheScope: ({ env, selector }) => ({ authority: env("IDENTITY_ENDPOINT")!, identity: selectorIdentity(selector) }),
  },
  {
    name: "IMDS",
    kind: "managed-identity",
    detect: () => true,
    create: ({ http, cloud, selector }) => new ImdsCredential(http, cloud.imdsEndpoint, selector),
    cacheScope: ({ cloud, selector }) => ({ authority: cloud.imdsEndpoint, identity: selectorIdentity(selector) }),
  },
];

/** Validates that at most one user-assigned selector is given. */
export function checkSelector(selector: IdentitySelector): void {
  const options: [string, string | undefined][] = [["--client-id", selector.clientId], ["--object-id", selector.objectId], [
    "--msi-res-id",
    selector.resourceId,
  ]];
  for (const [option, value] of options) {
    if (value !== undefined && value.trim() === "") {
      throw usageError(`${option} is empty.`, "Pass the user-assigned identity's id, or leave the option out to use the system-assigned identity.");
    }
  }
  const given = [selector.clientId, selector.objectId, selector.resourceId].filter(Boolean);
  if (given.length > 1) {
    throw usageError("--client-id, --object-id and --msi-res-id are mutually exclusive.", "Pass only one of them.");
  }
}

/**
 * The sources `--credential` allows: one kind, or with `auto` every source, except that a
 * user-assigned selector rules out the service principal (it names a managed identity).
 */
export function candidateSources(context: Pick<CredentialContext, "kind" | "selector">, sources = IDENTITY_SOURCES): IdentitySource[] {
  const userAssigned = Boolean(context.selector.clientId || context.selector.objectId || context.selector.resourceId);
  return sources.filter((s) => context.kind === "auto" ? !(userAssigned && s.kind === "client-secret") : s.kind === context.kind);
}

/** The first source, in table order, that `--credential` allows and the environment offers. */
export function detectSource(context: Pick<CredentialContext, "kind" | "selector" | "env">, sources = IDENTITY_SOURCES): IdentitySource | undefined {
  return candidateSources(context, sources).find((s) => s.detect(context.env));
}

/** Returns the credential for the context. */
export function selectCredential(context: CredentialContext): TokenCredential {
  checkSelector(context.selector);
  const { clientId, objectId, resourceId } = context.selector;
  if (context.kind === "client-secret" && (clientId || objectId || resourceId)) {
    throw usageError(
      "--client-id, --object-id and --msi-res-id select a managed identity; they do not apply to --credential client-secret.",
      "The service principal is the one AZURE_CLIENT_ID names; drop the option or use --credential managed-identity.",
    );
  }
  const source = detectSource(context);
  if (!source) {
    const missing = SERVICE_PRINCIPAL_VARIABLES.filter((n) => !context.env(n));
    throw usageError(`--credential client-secret needs ${missing.join(", ")} in the environment.`);
  }
  return source.create(context);
}

/** The token cache scope of the source {@link selectCredential} picks for `context`, if it has one. */
export function credentialCacheScope(context: CredentialContext): CacheScope | undefined {
  const source = detectSource(context);
  const scope = source?.cacheScope?.(context);
  return source && scope ? { ...scope, kind: source.name } : undefined;
}

/** A managed identity's selector as a cache identity: `system` or the one id given. */
function selectorIdentity(selector: IdentitySelector): string {
  if (selector.clientId) return `clientId:${selector.clientId.toLowerCase()}`;
  if (selector.objectId) return `objectId:${selector.objectId.toLowerCase()}`;
  if (selector.resourceId) return `resourceId:${selector.resourceId.toLowerCase()}`;
  return "system";
}

function unsupported(host: string): never {
  throw new KvmiError(`This looks like ${host} (its managed identity variables are set), which kvmi does not support yet.`, {
    code: "UnsupportedIdentityHost",
    kind: "authentication",
    hint: "Use a service principal (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET) there, or run kvmi on an Azure VM or App Service.",
  });
}
