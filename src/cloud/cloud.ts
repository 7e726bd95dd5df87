/**
 * Azure clouds: the endpoints and token audiences of the public, US Government and China clouds,
 * and custom cloud profiles (a JSON file), which is how kvmi is pointed at the local emulator.
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
  /** IMDS base URL (plain http, link-local on Azure). */
  imdsEndpoint: string;
  /** Vault name → vault URL, for custom clouds whose vaults do not follow the DNS suffix. */
  vaults: Record<string, string>;
  /** Extra `host:port` origins (https) that may receive tokens: a custom cloud's own endpoints. */
  trustedOrigins: string[];
  /** Microsoft Azure Attestation endpoint of a custom cloud. */
  attestationEndpoint?: string;
  /** PEM file with an extra CA to trust (a custom cloud's own CA). */
  caCertFile?: string;
}

const IMDS = "http://169.254.169.254";

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
