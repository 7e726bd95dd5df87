/**
 * Loading the cloud kvmi talks to: a built-in cloud by name, or a custom cloud profile file
 * (the emulator's manifest is one), plus the Azure SDK environment overrides
 * `AZURE_POD_IDENTITY_AUTHORITY_HOST` (IMDS) and `AZURE_AUTHORITY_HOST` (Entra).
 * @module
 */
import { BUILTIN_CLOUDS, type Cloud, cloudNameForAzEnvironment, copyCloud, originOf, trimSlash } from "./cloud.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { readTextFileBoundedSync } from "../core/bounded_read.ts";
import { JSON_FILE_MAX_BYTES } from "../core/limits.ts";

/** The fields a custom cloud profile file may set; the emulator manifest is a superset. */
export interface CloudProfileFile {
  name?: string;
  imdsEndpoint?: string;
  authorityHost?: string;
  armEndpoint?: string;
  armResource?: string;
  keyVaultResource?: string;
  keyVaultSuffix?: string;
  attestationEndpoint?: string;
  vaults?: Record<string, string>;
  caCertFile?: string;
}

/** Environment lookups, injectable for tests. */
export type EnvReader = (name: string) => string | undefined;

/** Reads the real process environment. */
export const processEnv: EnvReader = (name) => Deno.env.get(name);

/**
 * Resolves the cloud once: `--cloud` (a built-in name or a profile file path), else
 * `KVMI_CLOUD_PROFILE`, else `AZURE_CLOUD`, else the VM's own cloud when its IMDS
 * `azEnvironment` is known, else AzureCloud; then applies the SDK env overrides.
 */
export function resolveCloud(cloudOption: string | undefined, env: EnvReader = processEnv, azEnvironment?: string): Cloud {
  const fromVm = azEnvironment === undefined ? undefined : cloudNameForAzEnvironment(azEnvironment);
  const choice = chosenCloud(cloudOption, env) ?? fromVm ?? "AzureCloud";
  const base = builtinCloud(choice) ?? loadProfileFile(choice);
  return applyEnvOverrides(base, env);
}

/** Whether the user chose the cloud (`--cloud`, `KVMI_CLOUD_PROFILE` or `AZURE_CLOUD`), so the VM's own cloud does not apply. */
export function cloudIsChosen(cloudOption: string | undefined, env: EnvReader = processEnv): boolean {
  return Boolean(chosenCloud(cloudOption, env));
}

function chosenCloud(cloudOption: string | undefined, env: EnvReader): string | undefined {
  return cloudOption ?? env("KVMI_CLOUD_PROFILE") ?? env("AZURE_CLOUD");
}

function builtinCloud(name: string): Cloud | undefined {
  const key = Object.keys(BUILTIN_CLOUDS).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? copyCloud(BUILTIN_CLOUDS[key]) : undefined;
}

function applyEnvOverrides(cloud: Cloud, env: EnvReader): Cloud {
  const imds = env("AZURE_POD_IDENTITY_AUTHORITY_HOST");
  const authority = env("AZURE_AUTHORITY_HOST");
  return {
    ...cloud,
    imdsEndpoint: imds ? envUrl("AZURE_POD_IDENTITY_AUTHORITY_HOST", imds) : cloud.imdsEndpoint,
    authorityHost: authority ? envUrl("AZURE_AUTHORITY_HOST", authority) : cloud.authorityHost,
  };
}

/** An endpoint from the environment: an http(s) URL with a host, without trailing slashes. */
function envUrl(name: string, value: string): string {
  const url = URL.parse(value);
  if (url === null || !["http:", "https:"].includes(url.protocol) || url.hostname === "") {
    throw usageError(`${name} is not an http(s) URL: ${JSON.stringify(value.slice(0, 100))}.`, `Fix or unset ${name}.`);
  }
  return trimSlash(value);
}

/** Reads and validates a custom cloud profile file. */
export function loadProfileFile(path: string): Cloud {
  let text: string;
  try {
    text = readTextFileBoundedSync(path, JSON_FILE_MAX_BYTES, "cloud profile");
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw usageError(
      `'${path}' is neither a known cloud nor a readable cloud profile file.`,
      `Use AzureCloud, AzureUSGovernment, AzureChinaCloud, or the path of a profile such as the emulator's manifest.`,
    );
  }
  let profile: CloudProfileFile;
  // No nesting check: V8's JSON.parse does not recurse, and only named fields of the profile are read.
  try {
    profile = JSON.parse(text);
  } catch (error) {
    throw new KvmiError(`Cloud profile '${path}' is not valid JSON: ${(error as Error).message}.`, {
      code: "InvalidCloudProfile",
      kind: "usage",
      hint: "Fix the file or point KVMI_CLOUD_PROFILE at the emulator's manifest.",
    });
  }
  if (profile === null || typeof profile !== "object" || Array.isArray(profile)) {
    throw new KvmiError(`Cloud profile '${path}' is not a JSON object.`, {
      code: "InvalidCloudProfile",
      kind: "usage",
      hint: "Fix the file or point KVMI_CLOUD_PROFILE at the emulator's manifest.",
    });
  }
  const wrongType = Object.entries(profile).find(([k, v]) =>
    Object.hasOwn(PROFILE_STRING_FIELDS, k) ? typeof v !== "string" : k === "vaults" && !isStringRecord(v)
  );
  if (wrongType) throw usageError(`Cloud profile '${path}': ${wrongType[0]} must be ${wrongType[0] === "vaults" ? "an object of URL strings" : "a string"}.`);
  return cloudFromProfile(profile, path);
}

/** The profile's string fields: a record, so that a field added to {@link CloudProfileFile} but not here fails type-checking. */
const PROFILE_STRING_FIELDS: Record<Exclude<keyof CloudProfileFile, "vaults">, true> = {
  name: true,
  imdsEndpoint: true,
  authorityHost: true,
  armEndpoint: true,
  armResource: true,
  keyVaultResource: true,
  keyVaultSuffix: true,
  attestationEndpoint: true,
  caCertFile: true,
};

function isStringRecord(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
}

/** Builds a {@link Cloud} from a parsed profile; endpoints the profile names become trusted. */
export function cloudFromProfile(profile: CloudProfileFile, source: string): Cloud {
  const base = BUILTIN_CLOUDS.AzureCloud;
  const urls: Record<string, string | undefined> = {
    armEndpoint: profile.armEndpoint,
    authorityHost: profile.authorityHost,
    attestationEndpoint: profile.attestationEndpoint,
    ...Object.fromEntries(Object.entries(profile.vaults ?? {}).map(([k, v]) => [`vaults.${k}`, v])),
  };
  const trustedOrigins: string[] = [];
  for (const [field, value] of Object.entries(urls)) {
    if (value === undefined) continue;
    const url = parseProfileUrl(value, field, source);
    if (url.protocol !== "https:") {
      throw usageError(`Cloud profile '${source}': ${field} must be an https URL, got '${value}'.`);
    }
    trustedOrigins.push(originOf(url));
  }
  if (profile.imdsEndpoint !== undefined) parseProfileUrl(profile.imdsEndpoint, "imdsEndpoint", source);
  return {
    ...copyCloud(base),
    name: profile.name ?? "Custom",
    armEndpoint: trimSlash(profile.armEndpoint ?? base.armEndpoint),
    armResource: profile.armResource ?? base.armResource,
    authorityHost: trimSlash(profile.authorityHost ?? base.authorityHost),
    keyVaultResource: profile.keyVaultResource ?? base.keyVaultResource,
    keyVaultSuffix: profile.keyVaultSuffix ?? base.keyVaultSuffix,
    imdsEndpoint: trimSlash(profile.imdsEndpoint ?? base.imdsEndpoint),
    attestationEndpoint: profile.attestationEndpoint ? trimSlash(profile.attestationEndpoint) : undefined,
    vaults: Object.fromEntries(Object.entries(profile.vaults ?? {}).map(([k, v]) => [k.toLowerCase(), trimSlash(v)])),
    trustedOrigins,
    caCertFile: profile.caCertFile,
  };
}

function parseProfileUrl(value: string, field: string, source: string): URL {
  try {
    return new URL(value);
  } catch {
    throw usageError(`Cloud profile '${source}': ${field} is not a URL: '${value}'.`);
  }
}
