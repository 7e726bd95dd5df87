/**
 * Verifying a Key Vault release response before trusting it: the JWS signature with the `x5c`
 * leaf, the `x5c` chain up to a trusted root (the custom cloud's CA, `--trust-root`, or the
 * public roots Azure's TLS chains end in), and that the leaf names the vault's host.
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { compactVerify, decodeProtectedHeader, importX509 } from "jose";

/**
 * SHA-256 fingerprints of the public roots Azure's TLS chains end in (DigiCert Global Root G2,
 * DigiCert Global Root CA, Baltimore CyberTrust Root, Microsoft RSA Root Certificate Authority
 * 2017); used when no other trust root is configured. Checked against Debian's ca-certificates.
 */
export const PUBLIC_ROOT_FINGERPRINTS: Record<string, string> = {
  "DigiCert Global Root G2": "cb3ccbb76031e5e0138f8dd39a23f9de47ffc35e43c1144cea27d46a5ab1cb5f",
  "DigiCert Global Root CA": "4348a0e9444c78cb265e058d5e8944b4d84f9662bd26db257f8934a443c70161",
  "Baltimore CyberTrust Root": "16af57a9f676b0ab126095aa5ebadef22ab31119d644ac95cd4b93dbf3f26aeb",
  "Microsoft RSA Root Certificate Authority 2017": "c741f70f4b2a8d88bf2e71c14122ef53ef10eba0cfa5e64cfa20f418853073e0",
};

/** The decoded release payload (the parts kvmi uses). */
export interface ReleasePayload {
  request: { enc?: string; kid?: string; nonce?: string };
  response: { key: { key: Record<string, unknown> & { key_hsm?: string; kid?: string; kty?: string } } };
}

/** Why a release response cannot be trusted. */
export class ReleaseVerificationError extends Error {
  /** Creates the error; the message says what failed. */
  constructor(message: string) {
    super(message);
    this.name = "ReleaseVerificationError";
  }
}

function fail(message: string): never {
  throw new ReleaseVerificationError(`The release response cannot be trusted: ${message}`);
}

async function sha256Hex(der: ArrayBuffer): Promise<string> {
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", der)), (b) => b.toString(16).padStart(2, "0")).join("");
}

function coversHost(cert: x509.X509Certificate, host: string): boolean {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return names.some((n) => {
    const v = n.value.toLowerCase();
    if (n.type === "ip") return v === h;
    if (n.type !== "dns") return false;
    return v === h || (v.startsWith("*.") && h.endsWith(v.slice(1)) && !h.slice(0, -(v.length - 1)).includes("."));
  });
}

/** Verifies `jws` as a release response from the vault at `vaultHost`; returns its payload. */
export async function verifyReleaseJws(jws: string, vaultHost: string, trustRootsPem: string[]): Promise<ReleasePayload> {
  let header;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    fail("it is not a JWS.");
  }
  if (header.alg !== "RS256") fail(`unexpected signature algorithm '${String(header.alg)}'.`);
  if (!Array.isArray(header.x5c) || header.x5c.length === 0) fail("the header has no x5c certificate chain.");
  const chain = header.x5c.map((b64) => new x509.X509Certificate(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
  const now = new Date();
  for (const [i, cert] of chain.entries()) {
    if (cert.notBefore > now || cert.notAfter < now) fail(`certificate ${i} (${cert.subject}) is outside its validity period.`);
    if (i + 1 < chain.length && !(await cert.verify({ publicKey: chain[i + 1].publicKey, signatureOnly: true }))) {
      fail(`certificate ${i} (${cert.subject}) is not signed by the next one in x5c.`);
    }
  }
  const roots = trustRootsPem.flatMap((pem) => x509.PemConverter.decode(pem)).map((der) => new x509.X509Certificate(der));
  const top = chain[chain.length - 1];
  const topFingerprint = await sha256Hex(top.rawData);
  let trusted = Object.values(PUBLIC_ROOT_FINGERPRINTS).includes(topFingerprint);
  for (const root of roots) {
    if (trusted) break;
    trusted = (await sha256Hex(root.rawData)) === topFingerprint || await top.verify({ publicKey: root.publicKey, signatureOnly: true });
  }
  if (!trusted) fail(`the x5c chain ends in '${top.subject}', which is not a trusted root.`);
  if (!coversHost(chain[0], vaultHost)) fail(`the signing certificate (${chain[0].subject}) does not name the vault host ${vaultHost}.`);
  try {
    const { payload } = await compactVerify(jws, await importX509(chain[0].toString("pem"), "RS256"));
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    fail("the JWS signature does not verify with the x5c leaf certificate.");
  }
}
