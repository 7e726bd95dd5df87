/**
 * Secure Key Release, the client's side (the vault's side is the emulator's
 * `keyvault/key_release.ts`): send the attestation token, verify the signed release response
 * and its `x5c` chain, unwrap `key_hsm` with the transfer key, and check the private key matches
 * the released public key. The pure protocol both sides share lives in `skr/`.
 *
 * @example
 * ```ts
 * import { releaseKey } from "./key_release.ts";
 * import { KeyClient } from "./key_client.ts";
 * import { attestWithFreshKey, maaEndpoint } from "../attestation/attest_flow.ts";
 * import { createAzureContext, keyVaultAuthorization } from "../commands/context.ts";
 * const context = createAzureContext({});
 * const { token, transferKey } = await attestWithFreshKey(context.http, context.cloud, maaEndpoint(undefined, context.cloud));
 * const client = new KeyClient(new URL("https://kv-demo.vault.azure.net"), keyVaultAuthorization(context));
 * const { privateKey } = await releaseKey(client, "cvm-key", { token, transfer: transferKey, enc: "RSA_AES_KEY_WRAP_256", trustRoots: [] });
 * ```
 * @module
 */
import type { KeyObject } from "node:crypto";
import type { KeyClient } from "./key_client.ts";
import { KvmiError } from "../core/errors.ts";
import { matchesPublicJwk, type TransferKeyPair, UnwrapError, unwrapKeyHsm } from "../skr/key_wrap.ts";
import { ReleaseVerificationError, verifyReleaseJws } from "../skr/release_verify.ts";

/** What a release needs besides the key's name. */
export interface ReleaseRequest {
  /** The key version, or undefined for the current one. */
  version?: string;
  /** The attestation token that carries `transfer`'s public key in `x-ms-runtime.keys`. */
  token: string;
  /** The transfer key the vault wraps the released key for. */
  transfer: TransferKeyPair;
  /** One of the `skr/key_wrap.ts` `RELEASE_ENC` values. */
  enc: string;
  nonce?: string;
  /** PEM texts of roots the release response's `x5c` chain may end in, besides the public ones. */
  trustRoots: string[];
}

/** A released, unwrapped and checked key. */
export interface ReleasedKey {
  privateKey: KeyObject;
  kid?: string;
  kty?: string;
  /** The `enc` the vault wrapped with (always the requested one). */
  enc: string;
}

/** Releases key `name` from the vault of `client`, verifies the response and unwraps the key. */
export async function releaseKey(client: KeyClient, name: string, request: ReleaseRequest): Promise<ReleasedKey> {
  const jws = await client.release(name, request.version, request.token, request.enc, request.nonce);
  const payload = await verifyRelease(jws, client.vault.hostname, request.trustRoots);
  const released = payload.response?.key?.key;
  if (!released?.key_hsm) throw new KvmiError("The release response carries no key_hsm.", { code: "InvalidResponse", kind: "other" });
  const { privateKey, enc } = unwrap(released.key_hsm, request.transfer, request.enc);
  if (!matchesPublicJwk(privateKey, released)) {
    throw new KvmiError("The unwrapped private key does not match the released public key.", { code: "KeyMismatch", kind: "other" });
  }
  return { privateKey, kid: released.kid, kty: released.kty, enc };
}

async function verifyRelease(jws: string, vaultHost: string, trustRoots: string[]) {
  try {
    return await verifyReleaseJws(jws, vaultHost, trustRoots);
  } catch (error) {
    if (!(error instanceof ReleaseVerificationError)) throw error;
    throw new KvmiError(error.message, {
      code: "ReleaseVerificationFailed",
      kind: "other",
      hint: "Do not use this key; check the vault URL and the network path (TLS inspection, proxies).",
    });
  }
}

function unwrap(keyHsm: string, transfer: TransferKeyPair, enc: string): { privateKey: KeyObject; enc: string } {
  try {
    return unwrapKeyHsm(keyHsm, transfer, enc);
  } catch (error) {
    if (error instanceof UnwrapError) throw new KvmiError(error.message, { code: error.code, kind: "other" });
    throw error;
  }
}
