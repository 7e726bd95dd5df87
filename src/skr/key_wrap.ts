/**
 * The `key_hsm` of a released key, both directions: RSA-OAEP(transfer key, AES-256 key)
 * followed by AES key wrap with padding (RFC 5649) of the PKCS#8 private key, the OAEP hash
 * following `enc`. The vault (the emulator) wraps; the confidential VM (the client) unwraps.
 *
 * @example
 * ```ts
 * import { unwrapKeyHsm, wrapKeyHsm } from "./key_wrap.ts";
 * import { generateKeyPairSync } from "node:crypto";
 * const transfer = generateKeyPairSync("rsa", { modulusLength: 2048 });
 * const jwk = transfer.publicKey.export({ format: "jwk" }) as { n: string; e: string };
 * const released = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
 * const keyHsm = wrapKeyHsm(new Uint8Array(released.export({ type: "pkcs8", format: "der" })), { kid: "tk1", n: jwk.n, e: jwk.e }, "RSA_AES_KEY_WRAP_256");
 * const { privateKey } = unwrapKeyHsm(keyHsm, { privateKey: transfer.privateKey, publicJwk: { kid: "tk1", n: jwk.n } }, "RSA_AES_KEY_WRAP_256");
 * ```
 * @module
 */
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, type KeyObject, privateDecrypt, publicEncrypt } from "node:crypto";
import { base64url } from "jose";

/** The release `enc` values and the OAEP hash each uses. */
export const RELEASE_ENC: Readonly<Record<string, string>> = {
  CKM_RSA_AES_KEY_WRAP: "sha1",
  RSA_AES_KEY_WRAP_256: "sha256",
  RSA_AES_KEY_WRAP_384: "sha384",
};

/** Whether `enc` is one of the {@link RELEASE_ENC} values. */
export function isReleaseEnc(enc: string): boolean {
  return Object.hasOwn(RELEASE_ENC, enc);
}

/** The public half of a transfer key (key-encryption key) as the attestation token carries it. */
export interface TransferPublicKey {
  kid: string;
  n: string;
  e: string;
}

/** What unwrapping needs: the transfer key's private half and its public JWK. */
export interface TransferKeyPair {
  privateKey: KeyObject;
  publicJwk: { kid: string; n: string };
}

/** Why a `key_hsm` could not be unwrapped; `code` is `UnwrapFailed` or `UnexpectedEnc`. */
export class UnwrapError extends Error {
  /** Machine-readable code. */
  readonly code: string;

  /** Creates the error with its code. */
  constructor(code: string, message: string) {
    super(message);
    this.name = "UnwrapError";
    this.code = code;
  }
}

const AES_KWP_IV = Uint8Array.from([0xa6, 0x59, 0x59, 0xa6]);

/** Builds `key_hsm` for `kek`: RSA-OAEP(KEK, AES-256 key) || AES-KWP(AES key, PKCS#8 private key). */
export function wrapKeyHsm(pkcs8Der: Uint8Array, kek: TransferPublicKey, enc: string): string {
  const aes = crypto.getRandomValues(new Uint8Array(32));
  const publicKek = createPublicKey({ key: { kty: "RSA", n: kek.n, e: kek.e }, format: "jwk" });
  const wrappedAes = publicEncrypt({ key: publicKek, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: RELEASE_ENC[enc] }, aes);
  const cipher = createCipheriv("id-aes256-wrap-pad", aes, AES_KWP_IV);
  const wrappedKey = new Uint8Array([...cipher.update(pkcs8Der), ...cipher.final()]);
  const ciphertext = new Uint8Array([...new Uint8Array(wrappedAes), ...wrappedKey]);
  const container = { schema_version: "1.0", header: { kid: kek.kid, alg: "dir", enc }, ciphertext: base64url.encode(ciphertext) };
  return base64url.encode(new TextEncoder().encode(JSON.stringify(container)));
}

function fail(message: string): never {
  throw new UnwrapError("UnwrapFailed", `Cannot unwrap the released key: ${message}`);
}

/**
 * Unwraps `key_hsm` with the transfer key; returns the private key and the `enc` it was wrapped
 * with, which must be `expectedEnc` (the one the release asked for).
 */
export function unwrapKeyHsm(keyHsm: string, transfer: TransferKeyPair, expectedEnc: string): { privateKey: KeyObject; enc: string } {
  let container: { header?: { kid?: string; enc?: string }; ciphertext?: string };
  try {
    container = JSON.parse(new TextDecoder().decode(base64url.decode(keyHsm)));
  } catch {
    fail("key_hsm is not base64url JSON.");
  }
  const enc = container.header?.enc ?? "";
  if (!isReleaseEnc(enc)) fail(`unknown wrapping algorithm '${enc}'.`);
  if (enc !== expectedEnc) throw new UnwrapError("UnexpectedEnc", `The vault wrapped with '${enc}', not the requested '${expectedEnc}'.`);
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
      privateDecrypt({ key: transfer.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: RELEASE_ENC[enc] }, ciphertext.slice(0, modulusBytes)),
    );
  } catch {
    fail("RSA-OAEP decryption of the AES key failed (wrong transfer key or enc).");
  }
  if (aes.length !== 32) fail(`the wrapped AES key is ${aes.length} bytes, expected 32.`);
  let der: Uint8Array;
  try {
    const decipher = createDecipheriv("id-aes256-wrap-pad", aes, AES_KWP_IV);
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

/** Whether `privateKey` is the private half of the released public JWK (RSA `n`/`e` or EC `x`/`y`). */
export function matchesPublicJwk(privateKey: KeyObject, released: Record<string, unknown>): boolean {
  const pub = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  const sameRsa = released.n !== undefined && pub.n === released.n && pub.e === String(released.e).replace(/^AAEAAQ$/, "AQAB");
  const sameEc = released.x !== undefined && pub.x === released.x && pub.y === released.y;
  return sameRsa || sameEc;
}
