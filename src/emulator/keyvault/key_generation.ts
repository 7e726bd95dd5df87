/**
 * Key material for Key Vault keys: generating RSA (2048/3072/4096) and EC (P-256, P-256K,
 * P-384, P-521) key pairs, reading the size or curve back from a key (what rotate reuses), and
 * the public JWK members the service returns, with Key Vault's curve names.
 * @module
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/** Key Vault curve names -> the names node:crypto generates with. */
const CURVES: Record<string, string> = { "P-256": "prime256v1", "P-256K": "secp256k1", "P-384": "secp384r1", "P-521": "secp521r1" };

/** Generates a key pair for `kty` (size for RSA, curve for EC); a message when the request is not valid. */
export function generateKey(kty: string, size: number | undefined, crv: string | undefined): { privateKey: KeyObject } | string {
  if (kty.startsWith("RSA")) {
    const bits = size ?? 2048;
    if (![2048, 3072, 4096].includes(bits)) return `Invalid key_size ${bits}: RSA keys are 2048, 3072 or 4096 bits.`;
    return generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 });
  }
  if (kty.startsWith("EC")) {
    const curve = crv ?? "P-256";
    if (!CURVES[curve]) return `Invalid crv '${curve}': use P-256, P-256K, P-384 or P-521.`;
    return generateKeyPairSync("ec", { namedCurve: CURVES[curve] });
  }
  return `The key type '${kty}' is not supported by the kvmi emulator (RSA, RSA-HSM, EC, EC-HSM are).`;
}

/** A fresh key pair of the same type and size (or curve) as `privateKey`, for rotation. */
export function generateLike(kty: string, privateKey: KeyObject): { privateKey: KeyObject } | string {
  const details = privateKey.asymmetricKeyDetails ?? {};
  const crv = Object.entries(CURVES).find(([, node]) => node === details.namedCurve)?.[0] ?? jwkCurve(privateKey);
  return generateKey(kty, details.modulusLength, kty.startsWith("EC") ? crv : undefined);
}

/** The public JWK members (`n`,`e` or `crv`,`x`,`y`) as Key Vault returns them. */
export function publicMembers(privateKey: KeyObject): Record<string, string> {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  return jwk.kty === "RSA" ? { n: jwk.n, e: jwk.e } : { crv: jwkCurve(privateKey)!, x: jwk.x, y: jwk.y };
}

/** An imported JWK's curve as node:crypto reads it (`P-256K` is `secp256k1` there). */
export function nodeJwkCurve(crv: unknown): unknown {
  return crv === "P-256K" ? "secp256k1" : crv;
}

function jwkCurve(key: KeyObject): string | undefined {
  const crv = (createPublicKey(key).export({ format: "jwk" }) as { crv?: string }).crv;
  return crv === "secp256k1" ? "P-256K" : crv;
}
