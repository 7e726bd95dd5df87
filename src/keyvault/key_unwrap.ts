/**
 * Unwrapping a released key: `key_hsm` is RSA-OAEP(transfer key, AES-256 key) followed by AES
 * key wrap with padding (RFC 5649) of the PKCS#8 private key; the OAEP hash follows `enc`.
 * @module
 */
import { constants, createDecipheriv, createPrivateKey, type KeyObject, privateDecrypt } from "node:crypto";
import { base64url } from "jose";
import type { TransferKey } from "../attestation/transfer_key.ts";
import { KvmiError } from "../core/errors.ts";

/** The release `enc` values and the OAEP hash each uses. */
export const ENC_HASH: Record<string, string> = {
  CKM_RSA_AES_KEY_WRAP: "sha1",
  RSA_AES_KEY_WRAP_256: "sha256",
  RSA_AES_KEY_WRAP_384: "sha384",
};

function fail(message: string): never {
  throw new KvmiError(`Cannot unwrap the released key: ${message}`, { code: "UnwrapFailed", kind: "other" });
}

/** Unwraps `key_hsm` with the transfer key; returns the private key. */
export function unwrapKeyHsm(keyHsm: string, transfer: TransferKey): { privateKey: KeyObject; enc: string } {
  let container: { header?: { kid?: string; enc?: string }; ciphertext?: string };
  try {
    container = JSON.parse(new TextDecoder().decode(base64url.decode(keyHsm)));
  } catch {
    fail("key_hsm is not base64url JSON.");
  }
  const enc = container.header?.enc ?? "";
  if (!ENC_HASH[enc]) fail(`unknown wrapping algorithm '${enc}'.`);
  if (container.header?.kid !== transfer.publicJwk.kid) {
    fail(`it was wrapped for transfer key '${container.header?.kid}', not for this one ('${transfer.publicJwk.kid}').`);
  }
  if (typeof container.ciphertext !== "string") fail("key_hsm has no ciphertext.");
  const ciphertext = base64url.decode(container.ciphertext);
  const modulusBytes = base64url.decode(transfer.publicJwk.n).length;
  if (ciphertext.length <= modulusBytes + 8) fail("the ciphertext is too short.");
  let aes: Uint8Array;
  try {
    aes = new Uint8Array(
      privateDecrypt({ key: transfer.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: ENC_HASH[enc] }, ciphertext.slice(0, modulusBytes)),
    );
  } catch {
    fail("RSA-OAEP decryption of the AES key failed (wrong transfer key or enc).");
  }
  if (aes.length !== 32) fail(`the wrapped AES key is ${aes.length} bytes, expected 32.`);
  let der: Uint8Array;
  try {
    const decipher = createDecipheriv("id-aes256-wrap-pad", aes, Uint8Array.from([0xa6, 0x59, 0x59, 0xa6]));
    der = new Uint8Array([...decipher.update(ciphertext.slice(modulusBytes)), ...decipher.final()]);
  } catch {
    fail("AES key unwrap failed (integrity check).");
  } finally {
    aes.fill(0);
  }
  try {
    return { privateKey: createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" }), enc };
  } catch {
    fail("the unwrapped material is not a PKCS#8 private key.");
  } finally {
    der.fill(0);
  }
}
