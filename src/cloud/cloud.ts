/**
 * Azure clouds: the endpoints and token audiences of the public, US Government and China clouds
 * (custom cloud profiles, which is how kvmi is pointed at the local emulator, are loaded by
 * `cloud_profile.ts`), and the one table that says which Azure service a URL belongs to.
 *
 * @example
 * ```ts
 * import { BUILTIN_CLOUDS, serviceForUrl } from "./cloud.ts";
 * const service = serviceForUrl(new URL("https://myvault.vault.azure.net/secrets/db"), BUILTIN_CLOUDS.AzureCloud);
 * // service?.name === "keyVault", service?.audience === "https://vault.azure.net"
 * ```
 * @module
 */

/** Everything kvmi needs to know about one cloud. */
export interface Cloud {
  /** `AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud` or the custom profile's name. */
  name: string;
  /** ARM base URL without trailing slash. */
  armEndpoint: string;
  /** The audience of ARM tokens (the managed-identity `resource`). */
  armResource: string;
  /** Entra authority host without trailing slash. */
  authorityHost: string;
  /** Key Vault DNS suffix, without a leading dot. */
  keyVaultSuffix: string;
  /** The audience of Key Vault tokens. */
  keyVaultResource: string;
  /** Microsoft Graph base URL without trailing slash. */
  graphEndpoint: string;
  /** The audience of Microsoft Graph tokens. */
  graphResource: string;
  /** Microsoft Azure Attestation DNS suffix, when the cloud has one. */
  attestationSuffix?: string;
  /** The audience of Microsoft Azure Attestation tokens. */
  attestationResource: string;
  /** IMDS base URL (plain http, link-local on Azure). */
  imdsEndpoint: string;
  /** Vault name -> vault URL, for custom clouds whose vaults do not follow the DNS suffix. */
  vaults: Record<string, string>;
  /** Extra `host:port` origins (https) that may receive tokens: a custom cloud's own endpoints. */
  trustedOrigins: string[];
  /** Microsoft Azure Attestation endpoint of a custom cloud. */
  attestationEndpoint?: string;
  /** PEM file with an extra CA to trust (a custom cloud's own CA). */
  caCertFile?: string;
}

const IMDS = "http://169.254.169.254";
const ATTESTATION_RESOURCE = "https://attest.azure.net";

/** A copy of `cloud` that shares no object with it (its `vaults` and `trustedOrigins` are copied too). */
export function copyCloud(cloud: Cloud): Cloud {
  return { ...cloud, vaults: { ...cloud.vaults }, trustedOrigins: [...cloud.trustedOrigins] };
}

/** The built-in clouds, by the names `az cloud list` uses. */
export const BUILTIN_CLOUDS: Record<string, Cloud> = {
  AzureCloud: {
    name: "AzureCloud",
    armEndpoint: "https://management.azure.com",
    armResource: "https://management.azure.com/",
    authorityHost: "https://login.microsoftonline.com",
    keyVaultSuffix: "vault.azure.net",
    keyVaultResource: "https://vault.azure.net",
    graphEndpoint: "https://graph.microsoft.com",
    graphResource: "https://graph.microsoft.com/",
    attestationSuffix: "attest.azure.net",
    attestationResource: ATTESTATION_RESOURCE,
    imdsEndpoint: IMDS,
    vaults: {},
    trustedOrigins: [],
  },
  AzureUSGovernment: {
    name: "AzureUSGovernment",
    armEndpoint: "https://management.usgovcloudapi.net",
    armResource: "https://management.usgovcloudapi.net/",
    authorityHost: "https://login.microsoftonline.us",
    keyVaultSuffix: "vault.usgovcloudapi.net",
    keyVaultResource: "https://vault.usgovcloudapi.net",
    graphEndpoint: "https://graph.microsoft.us",
    graphResource: "https://graph.microsoft.us/",
    attestationResource: ATTESTATION_RESOURCE,
    imdsEndpoint: IMDS,
    vaults: {},
    trustedOrigins: [],
  },
  AzureChinaCloud: {
    name: "AzureChinaCloud",
    armEndpoint: "https://management.chinacloudapi.cn",
    armResource: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    keyVaultSuffix: "vault.azure.cn",
    keyVaultResource: "https://vault.azure.cn",
    graphEndpoint: "https://microsoftgraph.chinacloudapi.cn",
    graphResource: "https://microsoftgraph.chinacloudapi.cn",
    attestationResource: ATTESTATION_RESOURCE,
    imdsEndpoint: IMDS,
    vaults: {},
    trustedOrigins: [],
  },
};

/** Maps IMDS `compute.azEnvironment` values (compared case-insensitively) to cloud names. */
export function cloudNameForAzEnvironment(azEnvironment: string): string | undefined {
  const table: Record<string, string> = {
    azurepubliccloud: "AzureCloud",
    azureusgovernmentcloud: "AzureUSGovernment",
    azurechinacloud: "AzureChinaCloud",
  };
  return table[azEnvironment.toLowerCase()];
}

/** Strips trailing slashes from a base URL. */
export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The `host:port` origin of a URL, with the scheme's default port made explicit. */
export function originOf(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** The Azure services kvmi knows the URLs and token audiences of. */
export type CloudServiceName = "arm" | "graph" | "keyVault" | "attestation";

/** A known service a URL belongs to, and the audience of the tokens it accepts. */
export interface CloudService {
  /** Which service. */
  name: CloudServiceName;
  /** The token audience (the managed-identity `resource`) of the service in this cloud. */
  audience: string;
}

interface ServiceRow {
  name: CloudServiceName;
  audience: (cloud: Cloud) => string;
  matches: (url: URL, cloud: Cloud) => boolean;
}

/** The one table of which URL is which service, in the order they are tried. */
const SERVICES: readonly ServiceRow[] = [
  { name: "arm", audience: (c) => c.armResource, matches: (url, c) => sameOrigin(url, c.armEndpoint) },
  { name: "graph", audience: (c) => c.graphResource, matches: (url, c) => sameOrigin(url, c.graphEndpoint) },
  {
    name: "keyVault",
    audience: (c) => c.keyVaultResource,
    matches: (url, c) => hasSuffix(url, c.keyVaultSuffix) || Object.values(c.vaults).some((v) => sameOrigin(url, v)),
  },
  {
    name: "attestation",
    audience: (c) => c.attestationResource,
    matches: (url, c) => hasSuffix(url, c.attestationSuffix) || (c.attestationEndpoint !== undefined && sameOrigin(url, c.attestationEndpoint)),
  },
];

/** The known Azure service `url` belongs to in `cloud`, with its token audience; undefined for any other host. */
export function serviceForUrl(url: URL, cloud: Cloud): CloudService | undefined {
  const row = SERVICES.find((r) => r.matches(url, cloud));
  return row ? { name: row.name, audience: row.audience(cloud) } : undefined;
}

/**
 * Whether a bearer token may go to `url` without the user naming it: https, and either one of
 * the cloud's services or an origin a custom cloud profile names.
 */
export function acceptsTokens(url: URL, cloud: Cloud): boolean {
  return url.protocol === "https:" && (serviceForUrl(url, cloud) !== undefined || cloud.trustedOrigins.includes(originOf(url)));
}

/** Same origin: scheme, host and port (the scheme's default port made explicit). */
function sameOrigin(url: URL, base: string): boolean {
  const other = new URL(base);
  return url.protocol === other.protocol && originOf(url) === originOf(other);
}

/** A host under a DNS suffix of the cloud's services: https on the default port 443 only. */
function hasSuffix(url: URL, suffix: string | undefined): boolean {
  return suffix !== undefined && suffix !== "" && url.protocol === "https:" && originOf(url).endsWith(`.${suffix}:443`);
}

/** A built-in Azure role: its display name and its GUID (identical in every cloud). */
export interface BuiltInRole {
  name: string;
  id: string;
}
