/**
 * Key Vault data-plane api-versions: which ones the service accepts, the text it refuses others
 * with, and what each version changes in the response shapes the emulator sends (2015-06-01 has
 * no soft delete and no `recoveryLevel`; `recoverableDays` arrives in 7.1; exportable keys and
 * key release, key rotation and `/rng` in 7.3).
 * @module
 */

/** What one api-version's responses contain. */
export interface ApiShape {
  /** The api-version as sent by the client. */
  version: string;
  /** `attributes.recoveryLevel` and the soft-delete routes (`/deletedsecrets`, `/deletedkeys`): 2016-10-01 and later. */
  softDelete: boolean;
  /** `attributes.recoverableDays`: 7.1 and later. */
  recoverableDays: boolean;
  /** `exportable`, `release_policy` and `POST .../release` on keys: 7.3 and later. */
  keyRelease: boolean;
  /** `POST /keys/{n}/rotate`, `/keys/{n}/rotationpolicy` and `POST /rng`: 7.3 and later. */
  keyRotation: boolean;
}

/** Data-plane api-versions the service accepts, oldest first (the stable ones, then previews seen in recordings). */
export const KEYVAULT_API_VERSIONS: readonly string[] = [
  "2015-06-01",
  "2016-10-01",
  "7.0",
  "7.1",
  "7.2",
  "7.3",
  "7.4",
  "7.5",
  "7.6",
  "2025-06-01",
  "2025-07-01",
  "2026-04-01",
  "7.3-preview",
  "7.4-preview.1",
  "7.5-preview.1",
  "7.6-preview.1",
  "7.6-preview.2",
];

/** The version the service names in its refusals. */
export const LATEST_API_VERSION = "2026-04-01";

/** A version's place in time, for "introduced in" comparisons: 2015-06-01 < 2016-10-01 < 7.0 < ... < 7.6 < 2025-06-01. */
function rank(version: string): number {
  if (version === "2015-06-01") return 0;
  if (version === "2016-10-01") return 1;
  const seven = version.match(/^7\.(\d)/);
  if (seven) return 2 + Number(seven[1]);
  return 100 + Number(version.slice(0, 4));
}

/** The response shape of an accepted api-version, or undefined when the service does not know it. */
export function apiShape(version: string | null): ApiShape | undefined {
  if (version === null || !KEYVAULT_API_VERSIONS.includes(version)) return undefined;
  const r = rank(version);
  return { version, softDelete: r >= rank("2016-10-01"), recoverableDays: r >= rank("7.1"), keyRelease: r >= rank("7.3"), keyRotation: r >= rank("7.3") };
}

/** Whether the request's api-version is `first` or later (e.g. `preserveCertOrder` from 7.6, `sans.uris` from 2025-07-01). */
export function atLeast(api: ApiShape, first: string): boolean {
  return rank(api.version) >= rank(first);
}

/** The message of the 400 `BadParameter` for a missing or unknown api-version. */
export function apiVersionRefusal(version: string | null): string {
  return version === null
    ? `The api-version query parameter is missing. Consider using the latest supported version (${LATEST_API_VERSION}).`
    : `The specified version (${version}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`;
}
