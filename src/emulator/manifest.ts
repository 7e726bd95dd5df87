/**
 * The emulator manifest: the JSON object written once every endpoint listens, telling kvmi,
 * the Azure SDK and test scripts where everything is. Keys are only ever added, never renamed.
 * The manifest doubles as a kvmi custom cloud profile (`KVMI_CLOUD_PROFILE`).
 * @module
 */

/** The manifest's shape. */
export interface Manifest {
  imdsEndpoint: string;
  authorityHost: string;
  armEndpoint: string;
  vaults: Record<string, string>;
  caCertFile: string;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  vm: { name: string; resourceId: string; principalId: string; clientId: string };
  admin: { clientId: string; clientSecret: string; principalId: string };
  /** Microsoft Azure Attestation (added with Secure Key Release). */
  attestationEndpoint: string;
  env: Record<string, string>;
}

/** The environment that points kvmi and the Azure SDK for JS at the emulator. */
export function manifestEnv(m: Omit<Manifest, "env">, manifestPath: string): Record<string, string> {
  return {
    AZURE_POD_IDENTITY_AUTHORITY_HOST: m.imdsEndpoint,
    AZURE_AUTHORITY_HOST: m.authorityHost,
    NODE_EXTRA_CA_CERTS: m.caCertFile,
    KVMI_CLOUD_PROFILE: manifestPath,
  };
}

/** Renders env lines for PowerShell (`$env:NAME = '...'`). */
export function powershellEnvLines(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `$env:${k} = '${v.replaceAll("'", "''")}'`).join("\n") + "\n";
}

/** Renders env lines for POSIX shells (`export NAME='...'`). */
export function posixEnvLines(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `export ${k}='${v.replaceAll("'", "'\\''")}'`).join("\n") + "\n";
}

/** Writes the manifest atomically with owner-only permissions (it holds the admin's client secret). */
export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeTextFile(temp, JSON.stringify(manifest, null, 2) + "\n", { mode: 0o600 });
  try {
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}
