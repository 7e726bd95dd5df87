/**
 * Microsoft's first-party resources (app ID URIs) every tenant has, so IMDS and Entra ID issue
 * tokens for them as the real ones do: the fixed audiences (Service Bus, Cognitive Services,
 * PostgreSQL/MySQL, workload identity federation, ...) and the per-resource hosts (storage accounts,
 * Cosmos DB, Kusto clusters). Anything else is unknown to the tenant.
 * @module
 */

/** Fixed app ID URIs of first-party services, in the form tokens carry them as `aud`. */
export const FIRST_PARTY_RESOURCES: readonly string[] = [
  "https://management.azure.com/",
  "https://management.core.windows.net/",
  "https://vault.azure.net",
  "https://managedhsm.azure.net",
  "https://graph.microsoft.com/",
  "https://graph.windows.net/",
  "https://storage.azure.com/",
  "https://database.windows.net/",
  "https://ossrdbms-aad.database.windows.net",
  "https://attest.azure.net",
  "https://servicebus.azure.net",
  "https://eventhubs.azure.net",
  "https://relay.azure.net",
  "https://eventgrid.azure.net",
  "https://cognitiveservices.azure.com",
  "https://ai.azure.com",
  "https://ml.azure.com",
  "https://search.azure.com",
  "https://redis.azure.com",
  "https://cosmos.azure.com",
  "https://appconfig.azure.com",
  "https://azconfig.io",
  "https://monitor.azure.com",
  "https://api.loganalytics.io",
  "https://api.applicationinsights.io",
  "https://containerregistry.azure.net",
  "https://digitaltwins.azure.net",
  "https://iothubs.azure.net",
  "https://signalr.azure.com",
  "https://webpubsub.azure.com",
  "https://purview.azure.net",
  "https://dev.azuresynapse.net",
  "https://datalake.azure.net/",
  "https://batch.core.windows.net/",
  "https://atlas.microsoft.com/",
  "https://confidential-ledger.azure.com",
  "https://api.fabric.microsoft.com",
  "https://analysis.windows.net/powerbi/api",
  "https://outlook.office365.com/",
  "https://help.kusto.windows.net",
  "api://AzureADTokenExchange",
];

/** Per-resource first-party hosts: a token for `https://<name>.<suffix>` is issued for that URL. */
const FIRST_PARTY_HOST_SUFFIXES: readonly string[] = [
  ".blob.core.windows.net",
  ".queue.core.windows.net",
  ".table.core.windows.net",
  ".file.core.windows.net",
  ".dfs.core.windows.net",
  ".documents.azure.com",
  ".kusto.windows.net",
  ".servicebus.windows.net",
  ".azurecr.io",
];

/** Whether `resource` is an `https://<name>.<suffix>` URL of a per-resource first-party host. */
export function isFirstPartyHost(resource: string): boolean {
  let url: URL;
  try {
    url = new URL(resource);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  return url.protocol === "https:" && (url.pathname === "/" || url.pathname === "") && !url.search &&
    FIRST_PARTY_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
}
