/**
 * The emulator's own certificate authority and the server certificate it issues for
 * 127.0.0.1/localhost. Deno's TLS stack refuses a self-signed CA used as a server certificate,
 * so there are two: a CA (kept in `--ca-dir` so tests and admins can trust it once) and a leaf.
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** PEM material for one TLS server. */
export interface TlsMaterial {
  /** The CA certificate (PEM), what clients trust. */
  caCertPem: string;
  /** The server certificate chain (leaf then CA, PEM). */
  certChainPem: string;
  /** The server's PKCS#8 private key (PEM). */
  keyPem: string;
}

/** A CA that can issue certificates. */
export interface CertificateAuthority {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

/** Encodes DER bytes as PEM with the given label. */
export function toPem(der: ArrayBuffer, label: string): string {
  const b64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${b64.replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

function fromPem(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
}

/** Loads the CA from `dir` (ca.pem + ca.key.pem) or creates and saves a new one there. */
export async function loadOrCreateCa(dir: string): Promise<CertificateAuthority> {
  const certPath = `${dir}/ca.pem`;
  const keyPath = `${dir}/ca.key.pem`;
  try {
    const cert = new x509.X509Certificate(await Deno.readTextFile(certPath));
    const keyDer = fromPem(await Deno.readTextFile(keyPath));
    const privateKey = await crypto.subtle.importKey("pkcs8", keyDer, ALG, true, ["sign"]);
    const publicKey = await cert.publicKey.export(ALG, ["verify"]);
    return { cert, keys: { privateKey, publicKey } };
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const ca = await createCa();
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(keyPath, toPem(await crypto.subtle.exportKey("pkcs8", ca.keys.privateKey), "PRIVATE KEY"), { mode: 0o600 });
  await Deno.writeTextFile(certPath, ca.cert.toString("pem") + "\n");
  return ca;
}

/** Creates a new CA valid for ten years. */
export async function createCa(): Promise<CertificateAuthority> {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=kvmi emulator local CA, O=kvmi",
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/** What {@link issueCertificate} puts in a certificate. */
export interface CertificateRequest {
  subject: string;
  publicKey: CryptoKey;
  extensions: x509.Extension[];
}

/** Issues a one-year certificate signed by the CA. */
export async function issueCertificate(ca: CertificateAuthority, request: CertificateRequest): Promise<x509.X509Certificate> {
  return await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: request.subject,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: request.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: request.extensions,
  });
}

/** The extensions of a TLS server certificate for 127.0.0.1, localhost and `dnsNames`. */
function serverExtensions(dnsNames: readonly string[] = []): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      { type: "ip", value: "127.0.0.1" },
      { type: "dns", value: "localhost" },
      ...dnsNames.map((value) => ({ type: "dns" as const, value })),
    ]),
  ];
}

/** Issues a server certificate for 127.0.0.1, localhost and `dnsNames` (Azure's real host names in real-address mode). */
export async function issueServerCertificate(ca: CertificateAuthority, dnsNames: readonly string[] = []): Promise<TlsMaterial> {
  const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as CryptoKeyPair;
  const extensions = [...serverExtensions(dnsNames), await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey)];
  const cert = await issueCertificate(ca, { subject: "CN=localhost", publicKey: keys.publicKey, extensions });
  const caPem = ca.cert.toString("pem") + "\n";
  return {
    caCertPem: caPem,
    certChainPem: cert.toString("pem") + "\n" + caPem,
    keyPem: toPem(await crypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY"),
  };
}

/** An RSA signing identity certified by the CA for 127.0.0.1/localhost (the vault's release signer). */
export async function issueRsaSigningIdentity(
  ca: CertificateAuthority,
  dnsNames: readonly string[] = [],
): Promise<{ privateKey: CryptoKey; chainDer: Uint8Array[] }> {
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]) as CryptoKeyPair;
  const cert = await issueCertificate(ca, { subject: "CN=localhost", publicKey: keys.publicKey, extensions: serverExtensions(dnsNames) });
  return { privateKey: keys.privateKey, chainDer: [new Uint8Array(cert.rawData), new Uint8Array(ca.cert.rawData)] };
}

/** A random positive 128-bit serial number (hex). */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
