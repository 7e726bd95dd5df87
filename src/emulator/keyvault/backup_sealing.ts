/**
 * Sealing backup blobs to a security world, as Key Vault does: a blob can be restored only into
 * a vault of the same subscription and the same geography (all regions of a geography share one
 * security world). Here the world's key is derived (HKDF-SHA256) from the emulated subscription id
 * and the geography, and the payload is a compact JWE (`dir`, A256GCM) behind the service's
 * `&AzureKeyVault...BackupV1.microsoft.com` prefix, all base64url: opaque, and unreadable
 * elsewhere.
 * @module
 */
import { createHash, hkdfSync } from "node:crypto";
import { base64url, compactDecrypt, CompactEncrypt, decodeProtectedHeader } from "jose";

/** Regions -> geographies (regions not listed are a geography of their own). */
const GEOGRAPHIES: Record<string, string[]> = {
  "United States": [
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westus3",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "eastus2euap",
    "centraluseuap",
  ],
  Europe: ["northeurope", "westeurope"],
  "United Kingdom": ["uksouth", "ukwest"],
  France: ["francecentral", "francesouth"],
  Germany: ["germanywestcentral", "germanynorth"],
  Switzerland: ["switzerlandnorth", "switzerlandwest"],
  Norway: ["norwayeast", "norwaywest"],
  Sweden: ["swedencentral", "swedensouth"],
  Japan: ["japaneast", "japanwest"],
  "Asia Pacific": ["eastasia", "southeastasia"],
  Australia: ["australiaeast", "australiasoutheast", "australiacentral", "australiacentral2"],
  Canada: ["canadacentral", "canadaeast"],
  India: ["centralindia", "southindia", "westindia"],
  Korea: ["koreacentral", "koreasouth"],
  Brazil: ["brazilsouth", "brazilsoutheast"],
  UAE: ["uaenorth", "uaecentral"],
  "South Africa": ["southafricanorth", "southafricawest"],
};

/** Where a vault lives, for sealing: its subscription and its region. */
export interface SecurityWorld {
  subscriptionId: string;
  location: string;
}

/** Why a blob could not be opened. */
export type OpenFailure = "corrupt" | "otherWorld";

/** The service's text for a blob that is not a backup of this kind (400 BadParameter). */
export const CORRUPT_MESSAGE = "Backup blob contains invalid or corrupt version.";

/** The text for a blob sealed in another subscription or geography (400 BadParameter). */
export const OTHER_WORLD_MESSAGE =
  "Cannot decrypt backup blob. A backup can be restored only into a vault of the same subscription and the same geography as the vault it was taken from.";

/** The geography of an Azure region (`japanwest` -> `Japan`). */
export function geographyOf(location: string): string {
  const region = location.toLowerCase().replace(/\s+/g, "");
  return Object.entries(GEOGRAPHIES).find(([, regions]) => regions.includes(region))?.[0] ?? region;
}

function worldKey(world: SecurityWorld): { key: Uint8Array; kid: string } {
  const key = new Uint8Array(hkdfSync("sha256", world.subscriptionId.toLowerCase(), "kvmi-emulator-backup", geographyOf(world.location), 32));
  const hex = createHash("sha256").update(key).digest("hex");
  return { key, kid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}` };
}

function prefix(kind: string): string {
  return `&AzureKeyVault${kind}BackupV1.microsoft.com`;
}

/** Seals `payload` (JSON) for the security world; `kind` is `Key`, `Secret` or `Certificate`. */
export async function sealBackup(kind: string, world: SecurityWorld, payload: unknown): Promise<string> {
  const { key, kid } = worldKey(world);
  const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid })
    .encrypt(key);
  return base64url.encode(prefix(kind) + jwe);
}

/** Opens a blob sealed by {@link sealBackup} in the same security world; the JSON payload, or why not. */
export async function openBackup(kind: string, world: SecurityWorld, blob: string): Promise<{ payload: unknown } | { failure: OpenFailure }> {
  let jwe: string;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(base64url.decode(blob));
    if (!text.startsWith(prefix(kind))) return { failure: "corrupt" };
    jwe = text.slice(prefix(kind).length);
    if (decodeProtectedHeader(jwe).alg !== "dir") return { failure: "corrupt" };
  } catch {
    return { failure: "corrupt" };
  }
  try {
    const { plaintext } = await compactDecrypt(jwe, worldKey(world).key);
    return { payload: JSON.parse(new TextDecoder().decode(plaintext)) };
  } catch {
    return { failure: "otherWorld" };
  }
}
