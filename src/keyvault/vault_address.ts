/**
 * Turning `--vault NAME|URL` into a vault URL, validating names and hosts so that a typo
 * never sends a token to the wrong place.
 * @module
 */
import { acceptsTokens, type Cloud } from "../cloud/cloud.ts";
import { usageError } from "../core/errors.ts";

const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION = /^[0-9a-fA-F]{32}$/;

/** Resolves a vault name or URL to the vault's base URL (no trailing slash). */
export function resolveVaultUrl(vault: string, cloud: Cloud): URL {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(vault)) return checkVaultUrl(vault, cloud);
  if (!VAULT_NAME.test(vault)) {
    throw usageError(
      `'${vault}' is not a valid vault name.`,
      "Vault names are 3-24 characters: letters, digits and single hyphens, starting with a letter and not ending with a hyphen.",
    );
  }
  const mapped = cloud.vaults[vault.toLowerCase()];
  return new URL(mapped ?? `https://${vault.toLowerCase()}.${cloud.keyVaultSuffix}`);
}

function checkVaultUrl(text: string, cloud: Cloud): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`'${text}' is not a valid URL.`);
  }
  if (url.protocol !== "https:") throw usageError(`Vault URL '${text}' must use https.`);
  if (url.pathname !== "/" || url.search || url.hash) {
    throw usageError(`Vault URL '${text}' must not have a path or query.`, `Use the vault's base URL, e.g. https://myvault.${cloud.keyVaultSuffix}.`);
  }
  if (!acceptsTokens(url, cloud)) {
    throw usageError(
      `'${url.host}' is not a Key Vault host of cloud ${cloud.name} (expected *.${cloud.keyVaultSuffix}).`,
      "Pass --cloud for another cloud, or use a cloud profile (KVMI_CLOUD_PROFILE) that lists this vault.",
    );
  }
  return new URL(url.origin);
}

/** The name and version in a Key Vault object id (`https://VAULT/secrets/NAME/VERSION`); empty where the id has none. */
export function objectIdParts(id: string): { name: string; version: string } {
  const segments = (URL.parse(id)?.pathname ?? "").split("/").filter(Boolean);
  return { name: segments[1] ?? "", version: segments[2] ?? "" };
}

/** Validates a secret or key name (1-127 of `0-9a-zA-Z-`). */
export function checkObjectName(name: string, kind = "secret"): string {
  if (!OBJECT_NAME.test(name)) {
    throw usageError(
      `'${name}' is not a valid ${kind} name.`,
      `${kind[0].toUpperCase()}${kind.slice(1)} names are 1-127 characters of letters, digits and hyphens.`,
    );
  }
  return name;
}

/** Validates an object version (32 hex characters). */
export function checkVersion(version: string): string {
  if (!VERSION.test(version)) throw usageError(`'${version}' is not a valid version: versions are 32 hexadecimal characters.`);
  return version.toLowerCase();
}
