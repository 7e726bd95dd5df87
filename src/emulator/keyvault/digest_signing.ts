/**
 * Signing and verifying a caller-supplied digest, as Key Vault's `sign` and `verify` do (the
 * service never hashes): RS256/384/512 (PKCS#1 v1.5, the DigestInfo built here), PS256/384/512
 * (RSA-PSS, MGF1 with the same hash, salt = hash length; the PSS encoding from node-forge) and
 * ES256/384/512/ES256K (ECDSA over the digest with @noble/curves, signatures as raw `r||s`).
 * @module
 */
import { constants, createPublicKey, type KeyObject, privateEncrypt, publicDecrypt } from "node:crypto";
import forgeModule from "node-forge";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { base64url } from "jose";

/** How one signature algorithm works and which keys it takes. */
export interface SignatureAlgorithm {
  family: "RS" | "PS" | "ES";
  /** Digest bytes the caller must send. */
  digestLength: number;
  /** The hash the digest is of (node-forge name). */
  hash: "sha256" | "sha384" | "sha512";
  /** For ES: the JWK curve the key must be on. */
  curve?: string;
}

/** The signature algorithms Key Vault accepts on RSA and EC keys. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureAlgorithm>> = {
  RS256: { family: "RS", digestLength: 32, hash: "sha256" },
  RS384: { family: "RS", digestLength: 48, hash: "sha384" },
  RS512: { family: "RS", digestLength: 64, hash: "sha512" },
  PS256: { family: "PS", digestLength: 32, hash: "sha256" },
  PS384: { family: "PS", digestLength: 48, hash: "sha384" },
  PS512: { family: "PS", digestLength: 64, hash: "sha512" },
  ES256: { family: "ES", digestLength: 32, hash: "sha256", curve: "P-256" },
  ES256K: { family: "ES", digestLength: 32, hash: "sha256", curve: "P-256K" },
  ES384: { family: "ES", digestLength: 48, hash: "sha384", curve: "P-384" },
  ES512: { family: "ES", digestLength: 64, hash: "sha512", curve: "P-521" },
};

const DIGEST_INFO: Record<string, string> = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
};

/** The part of node-forge used here (the package ships no types, and @types/node-forge would pull @types/node into the graph). */
interface Forge {
  pki: {
    privateKeyFromPem(pem: string): { sign(md: unknown, scheme: unknown): string };
    publicKeyFromPem(pem: string): { verify(digest: string, signature: string, scheme: unknown): boolean };
  };
  util: { createBuffer(bytes: string): unknown };
  md: Record<SignatureAlgorithm["hash"], { create(): { digestLength: number } }>;
  pss: { create(options: { md: unknown; mgf: unknown; saltLength: number }): unknown };
  mgf: { mgf1: { create(md: unknown): unknown } };
}

const forge = forgeModule as Forge;

const CURVES = { "P-256": p256, "P-384": p384, "P-521": p521, "P-256K": secp256k1 } as const;

/** Why an algorithm cannot be used with a key of type `kty` on curve `crv`; undefined when it can. */
export function algorithmMismatch(alg: string, kty: string, crv: string | undefined): string | undefined {
  const a = SIGNATURE_ALGORITHMS[alg];
  const names = Object.keys(SIGNATURE_ALGORITHMS).join(", ");
  if (!a) return `Invalid algorithm '${alg}'. The algorithm must be one of ${names}.`;
  if (a.family === "ES" ? !kty.startsWith("EC") : !kty.startsWith("RSA")) {
    return `The algorithm '${alg}' is not valid for a key of type ${kty}: ${
      kty.startsWith("EC") ? "EC keys take ES256, ES256K, ES384 or ES512" : "RSA keys take RS* or PS*"
    }.`;
  }
  if (a.curve && a.curve !== crv) return `Key and signing algorithm are incompatible: ${alg} needs a ${a.curve} key, this key is on ${crv}.`;
  return undefined;
}

/** The service's error for a digest of the wrong length; undefined when the length is right. */
export function digestLengthProblem(alg: string, member: "value" | "digest", digest: Uint8Array): string | undefined {
  const length = SIGNATURE_ALGORITHMS[alg].digestLength;
  return digest.length === length
    ? undefined
    : `Invalid length of '${member}': ${digest.length} bytes. ${alg} requires ${length} bytes, encoded with base64url.`;
}

/** Signs `digest` with `alg` (already checked against the key and the digest length). */
export function signDigest(alg: string, privateKey: KeyObject, digest: Uint8Array): Uint8Array {
  const a = SIGNATURE_ALGORITHMS[alg];
  if (a.family === "RS") {
    return new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, concat(hexBytes(DIGEST_INFO[a.hash]), digest)));
  }
  if (a.family === "PS") {
    const key = forge.pki.privateKeyFromPem(privateKey.export({ format: "pem", type: "pkcs1" }) as string);
    const given = { digest: () => forge.util.createBuffer(binary(digest)) };
    return bytes(key.sign(given, pssScheme(a.hash)));
  }
  const jwk = privateKey.export({ format: "jwk" }) as { d: string };
  return curveOf(a).sign(digest, base64url.decode(jwk.d), { prehash: false, lowS: false, extraEntropy: true });
}

/** Whether `signature` is a valid `alg` signature of `digest` under the key's public part. */
export function verifyDigest(alg: string, key: KeyObject, digest: Uint8Array, signature: Uint8Array): boolean {
  const a = SIGNATURE_ALGORITHMS[alg];
  const publicKey = createPublicKey(key);
  try {
    if (a.family === "RS") {
      const decoded = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return base64url.encode(new Uint8Array(decoded)) === base64url.encode(concat(hexBytes(DIGEST_INFO[a.hash]), digest));
    }
    if (a.family === "PS") {
      const forgeKey = forge.pki.publicKeyFromPem(publicKey.export({ format: "pem", type: "spki" }) as string);
      return forgeKey.verify(binary(digest), binary(signature), pssScheme(a.hash));
    }
    const jwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
    const point = concat(Uint8Array.of(4), concat(base64url.decode(jwk.x), base64url.decode(jwk.y)));
    return curveOf(a).verify(signature, digest, point, { prehash: false, lowS: false, format: "compact" });
  } catch {
    return false;
  }
}

function curveOf(a: SignatureAlgorithm) {
  return CURVES[a.curve as keyof typeof CURVES];
}

/** RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash, as Key Vault signs. */
function pssScheme(hash: SignatureAlgorithm["hash"]): unknown {
  const md = () => forge.md[hash].create();
  return forge.pss.create({ md: md(), mgf: forge.mgf.mgf1.create(md()), saltLength: md().digestLength });
}

function binary(data: Uint8Array): string {
  return String.fromCharCode(...data);
}

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
