/**
 * Where each emulated service listens in real-address mode, inside the emulator's network
 * namespace: IMDS on 169.254.169.254:80, and every https service on port 443 of its own loopback
 * address, found under its real Azure name through the namespace's hosts file
 * (`/etc/netns/NAME/hosts`, which `ip netns exec` shows as `/etc/hosts`).
 * @module
 */

/** One https service's real name and the namespace-loopback address it listens on. */
export interface RealHost {
  host: string;
  ip: string;
}

/** The listeners of real-address mode. */
export interface RealAddressPlan {
  imds: { ip: string; port: number };
  entra: RealHost;
  arm: RealHost;
  attestation: RealHost;
  vaults: Record<string, RealHost>;
  /** Other names served by the Entra listener (the authority Key Vault's challenge names). */
  entraAliases: string[];
}

/** The IMDS address of every Azure VM. */
export const IMDS_ADDRESS = "169.254.169.254";

/** The attestation provider's host: a shared-provider-like name in the demo's region. */
export const ATTESTATION_HOST = "sharedjpe.jpe.attest.azure.net";

/** Plans the listeners for the given vault names (at most 250). */
export function realAddressPlan(vaultNames: readonly string[]): RealAddressPlan {
  const vaults: Record<string, RealHost> = {};
  vaultNames.forEach((name, i) => (vaults[name] = { host: `${name.toLowerCase()}.vault.azure.net`, ip: `127.0.2.${i + 1}` }));
  return {
    imds: { ip: IMDS_ADDRESS, port: 80 },
    entra: { host: "login.microsoftonline.com", ip: "127.0.1.1" },
    arm: { host: "management.azure.com", ip: "127.0.1.2" },
    attestation: { host: ATTESTATION_HOST, ip: "127.0.1.3" },
    vaults,
    entraAliases: ["login.windows.net", "login.microsoft.com"],
  };
}

/** Every https host name of the plan (for the server certificate). */
export function planHostNames(plan: RealAddressPlan): string[] {
  return [plan.entra.host, ...plan.entraAliases, plan.arm.host, plan.attestation.host, ...Object.values(plan.vaults).map((v) => v.host)];
}

/** The namespace's hosts file: loopback, then each real name on its listener's address. */
export function hostsFile(plan: RealAddressPlan): string {
  const lines = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    `${plan.entra.ip}\t${[plan.entra.host, ...plan.entraAliases].join(" ")}`,
    `${plan.arm.ip}\t${plan.arm.host}`,
    `${plan.attestation.ip}\t${plan.attestation.host}`,
    ...Object.values(plan.vaults).map((v) => `${v.ip}\t${v.host}`),
  ];
  return lines.join("\n") + "\n";
}
