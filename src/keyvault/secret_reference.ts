/**
 * Secret references, as `kvmi run` and `kvmi inject` accept them: `kv://VAULT/SECRET[/VERSION]`
 * and App Service's Key Vault reference forms `@Microsoft.KeyVault(SecretUri=...)` and
 * `@Microsoft.KeyVault(VaultName=...;SecretName=...[;SecretVersion=...])`. Parsing checks the syntax
 * only; {@link referenceVaultUrl} places the vault in a cloud (so a reference never sends a token
 * to a host that is not a Key Vault of that cloud).
 *
 * @example
 * ```ts
 * import { parseSecretReference } from "./secret_reference.ts";
 * parseSecretReference("kv://kv-demo/db-password"); // { vault: "kv-demo", name: "db-password", version: undefined, ... }
 * ```
 * @module
 */
import type { Cloud } from "../cloud/cloud.ts";
import { usageError } from "../core/errors.ts";
import { checkObjectName, checkVersion, resolveVaultUrl } from "./vault_address.ts";

/** A parsed reference to one secret (its latest version unless `version` is given). */
export interface SecretReference {
  /** The reference exactly as written (it holds no secret, so messages may show it). */
  text: string;
  /** A vault name, or a vault's https base URL (from `SecretUri=`). */
  vault: string;
  name: string;
  version?: string;
}

const KV_SCHEME = /^kv:\/\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/i;
const APP_SERVICE = /^@Microsoft\.KeyVault\((.*)\)$/i;

/** Whether `text` is written as a reference (`kv://...` or `@Microsoft.KeyVault(...)`), well-formed or not. */
export function looksLikeSecretReference(text: string): boolean {
  return /^kv:/i.test(text) || /^@Microsoft\.KeyVault\b/i.test(text);
}

/** Parses a reference; a malformed one is a usage error naming it. */
export function parseSecretReference(text: string): SecretReference {
  const kv = KV_SCHEME.exec(text);
  if (kv) return checked(text, kv[1], kv[2], kv[3]);
  const app = APP_SERVICE.exec(text);
  if (app) return parseAppServiceReference(text, app[1]);
  throw malformed(text, "a reference is kv://VAULT/SECRET[/VERSION] or @Microsoft.KeyVault(...)");
}

function parseAppServiceReference(text: string, inner: string): SecretReference {
  const fields = new Map<string, string>();
  for (const part of inner.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw malformed(text, `'${part}' is not NAME=VALUE`);
    fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const uri = fields.get("secreturi");
  if (uri !== undefined) {
    if (fields.size > 1) throw malformed(text, "SecretUri= stands alone");
    return parseSecretUri(text, uri);
  }
  const vault = fields.get("vaultname");
  const name = fields.get("secretname");
  if (vault === undefined || name === undefined) throw malformed(text, "it needs SecretUri=, or VaultName= and SecretName=");
  const known = ["vaultname", "secretname", "secretversion"];
  const unknown = [...fields.keys()].find((k) => !known.includes(k));
  if (unknown) throw malformed(text, `'${unknown}' is not SecretUri, VaultName, SecretName or SecretVersion`);
  return checked(text, vault, name, fields.get("secretversion") || undefined);
}

function parseSecretUri(text: string, uri: string): SecretReference {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw malformed(text, `'${uri}' is not a URL`);
  }
  const segments = url.pathname.split("/").filter(Boolean);
  if (url.protocol !== "https:" || segments[0] !== "secrets" || segments.length < 2 || segments.length > 3 || url.search || url.hash) {
    throw malformed(text, "SecretUri is https://VAULT.vault.azure.net/secrets/NAME[/VERSION]");
  }
  return checked(text, url.origin, segments[1], segments[2]);
}

function checked(text: string, vault: string, name: string, version: string | undefined): SecretReference {
  try {
    checkObjectName(name);
    return { text, vault, name, version: version === undefined ? undefined : checkVersion(version) };
  } catch (error) {
    throw malformed(text, (error as Error).message.replace(/\.$/, ""));
  }
}

function malformed(text: string, why: string): Error {
  return usageError(`'${text}' is not a valid secret reference: ${why}.`, "Write kv://VAULT/SECRET[/VERSION] or @Microsoft.KeyVault(SecretUri=...).");
}

/** The base URL of the reference's vault in `cloud` (a usage error if the host is not one of its vaults). */
export function referenceVaultUrl(reference: SecretReference, cloud: Cloud): URL {
  try {
    return resolveVaultUrl(reference.vault, cloud);
  } catch (error) {
    throw usageError(`Secret reference '${reference.text}': ${(error as Error).message}`, (error as { hint?: string }).hint);
  }
}
