/**
 * The ephemeral RSA transfer key (key-encryption key) a confidential VM attests: generated fresh
 * for each attestation, published in the runtime data as a JWK with `key_ops: ["encrypt"]`; its
 * private half stays in the process unless the user saves it.
 * @module
 */
import { readTextFileBounded } from "../core/bounded_read.ts";
import { checkPrivateFileTarget, writePrivateFile } from "../core/private_file.ts";
import { PEM_MAX_BYTES } from "../core/limits.ts";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, exportPKCS8 } from "jose";
import { KvmiError, usageError } from "../core/errors.ts";

/** A transfer key pair and the public JWK put in the runtime data. */
export interface TransferKey {
  privateKey: KeyObject;
  publicJwk: { kty: "RSA"; kid: string; key_ops: string[]; n: string; e: string };
}

/** Generates a fresh RSA-2048 transfer key. */
export async function generateTransferKey(): Promise<TransferKey> {
  const keys = await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  ) as CryptoKeyPair;
  const pem = await exportPKCS8(keys.privateKey);
  return fromPrivateKey(createPrivateKey(pem), await exportJWK(keys.publicKey));
}

async function fromPrivateKey(privateKey: KeyObject, pub: { n?: string; e?: string }): Promise<TransferKey> {
  if (!pub.n || !pub.e) throw usageError("The transfer key must be an RSA key.");
  const kid = await calculateJwkThumbprint({ kty: "RSA", n: pub.n, e: pub.e });
  return { privateKey, publicJwk: { kty: "RSA", kid, key_ops: ["encrypt"], n: pub.n, e: pub.e } };
}

/** The runtime data JSON that binds the transfer key to the attestation (`x-ms-runtime`). */
export function runtimeData(key: TransferKey): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ keys: [key.publicJwk] }));
}

/** Loads a transfer key saved with `--save-transfer-key` (PKCS#8 PEM or a private JWK). */
export async function loadTransferKey(path: string): Promise<TransferKey> {
  const text = await readTextFileBounded(path, PEM_MAX_BYTES, "--transfer-key");
  try {
    const key = text.trimStart().startsWith("{") ? createPrivateKey({ key: JSON.parse(text), format: "jwk" }) : createPrivateKey(text);
    if (key.asymmetricKeyType !== "rsa") throw new Error("not an RSA key");
    const jwk = key.export({ format: "jwk" }) as Record<string, string>;
    return await fromPrivateKey(key, { n: jwk.n, e: jwk.e });
  } catch (error) {
    throw new KvmiError(`--transfer-key '${path}' is not an RSA private key (PKCS#8 PEM or JWK): ${(error as Error).message}.`, {
      code: "InvalidTransferKey",
      kind: "usage",
    });
  }
}

/** Saves the private transfer key as PKCS#8 PEM, readable by its owner only. */
export async function saveTransferKey(key: TransferKey, path: string, force = false): Promise<void> {
  const pem = key.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  await checkPrivateFileTarget(path, force);
  await writePrivateFile(path, new TextEncoder().encode(pem), { overwrite: force });
}
