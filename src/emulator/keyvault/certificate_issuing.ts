/**
 * Making certificates from a policy: the key pair (RSA 2048/3072/4096 or EC P-256/384/521), the
 * self-signed certificate (subject, SANs, EKUs, key usage, basic constraints, validity as the
 * service sets it: `nbf` = now - 600 s, `exp` = now + validity), the PKCS#10 request for other
 * issuers, and reading a certificate back (thumbprint, validity, the facts an import derives its
 * policy from, whether it matches a private key).
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import {
  type CertificatePolicy,
  type ImportedFacts,
  keyUsageFlags,
  keyUsageNames,
  PolicyProblem,
  type SubjectAlternativeNames,
  x500Subject,
} from "./certificate_policy.ts";
import { randomSerial } from "../tls.ts";

const MONTH_SECONDS = 31_536_000 / 12;

/** A key pair for a certificate: WebCrypto keys to sign with, the node KeyObject the backing key keeps. */
export interface CertificateKeyPair {
  keys: CryptoKeyPair;
  signingAlgorithm: RsaHashedKeyGenParams | EcdsaParams;
  privateKey: KeyObject;
}

const CURVE_HASH: Record<string, string> = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" };

/**
 * Generates the key pair a policy's `key_props` ask for, or, with `reuse` (the previous version's
 * key when the policy says `reuse_key` and the key type still fits), takes that key.
 */
export async function generateKeyPair(policy: CertificatePolicy, reuse?: KeyObject): Promise<CertificateKeyPair> {
  const kp = policy.key_props;
  const algorithm = kp.kty.startsWith("RSA")
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: kp.key_size ?? 2048, publicExponent: new Uint8Array([1, 0, 1]) }
    : { name: "ECDSA", namedCurve: kp.crv ?? "P-256", hash: CURVE_HASH[kp.crv ?? "P-256"] };
  if (reuse && fits(reuse, policy)) {
    const privateKey = await crypto.subtle.importKey("pkcs8", reuse.export({ format: "der", type: "pkcs8" }), algorithm, true, ["sign"]);
    const publicKey = await crypto.subtle.importKey("spki", createPublicKey(reuse).export({ format: "der", type: "spki" }), algorithm, true, ["verify"]);
    return { keys: { privateKey, publicKey }, signingAlgorithm: algorithm, privateKey: reuse };
  }
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { keys, signingAlgorithm: algorithm, privateKey: createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }) };
}

/** Whether an existing key has the type, size or curve a policy asks for. */
function fits(key: KeyObject, policy: CertificatePolicy): boolean {
  const kp = policy.key_props;
  const details = key.asymmetricKeyDetails ?? {};
  if (kp.kty.startsWith("RSA")) return key.asymmetricKeyType === "rsa" && details.modulusLength === (kp.key_size ?? 2048);
  const curve = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" }[kp.crv ?? "P-256"];
  return key.asymmetricKeyType === "ec" && details.namedCurve === curve;
}

function generalNames(sans: SubjectAlternativeNames | undefined): x509.JsonGeneralName[] {
  if (!sans) return [];
  return [
    ...(sans.dns_names ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(sans.emails ?? []).map((value) => ({ type: "email" as const, value })),
    ...(sans.upns ?? []).map((value) => ({ type: "upn" as const, value })),
    ...(sans.uris ?? []).map((value) => ({ type: "url" as const, value })),
    ...(sans.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
}

/** The extensions a policy puts in a certificate or request. */
async function policyExtensions(policy: CertificatePolicy, publicKey: CryptoKey): Promise<x509.Extension[]> {
  const x = policy.x509_props;
  const names = generalNames(x.sans);
  return [
    new x509.BasicConstraintsExtension(x.basic_constraints?.ca ?? false, undefined, true),
    ...(x.key_usage && x.key_usage.length > 0 ? [new x509.KeyUsagesExtension(keyUsageFlags(x.key_usage), true)] : []),
    ...(x.ekus && x.ekus.length > 0 ? [new x509.ExtendedKeyUsageExtension(x.ekus)] : []),
    ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/** The validity the service gives a new certificate made at `now` (Unix seconds). */
export function validityFor(policy: CertificatePolicy, now: number): { nbf: number; exp: number } {
  return { nbf: now - 600, exp: now + Math.round(policy.x509_props.validity_months * MONTH_SECONDS) };
}

/** Issues the self-signed certificate of a policy with its key pair; returns the DER. */
export async function selfSigned(policy: CertificatePolicy, pair: CertificateKeyPair, now: number): Promise<Uint8Array> {
  const { nbf, exp } = validityFor(policy, now);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: x500Subject(policy.x509_props.subject),
    notBefore: new Date(nbf * 1000),
    notAfter: new Date(exp * 1000),
    signingAlgorithm: pair.signingAlgorithm,
    keys: pair.keys,
    extensions: await policyExtensions(policy, pair.keys.publicKey),
  });
  return new Uint8Array(cert.rawData);
}

/** The PKCS#10 request (DER) an issuer other than `Self` signs. */
export async function certificateRequest(policy: CertificatePolicy, pair: CertificateKeyPair): Promise<Uint8Array> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: x500Subject(policy.x509_props.subject),
    keys: pair.keys,
    signingAlgorithm: pair.signingAlgorithm,
    extensions: await policyExtensions(policy, pair.keys.publicKey),
  });
  return new Uint8Array(csr.rawData);
}

/** Standard base64 of bytes. */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/** `x5t`: base64url SHA-1 of the DER, no padding (27 characters). */
export function thumbprint(der: Uint8Array): string {
  return createHash("sha1").update(der).digest("base64url");
}

/** A certificate's validity in Unix seconds. */
export function certificateValidity(der: Uint8Array): { nbf: number; exp: number } {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  return { nbf: Math.floor(cert.notBefore.getTime() / 1000), exp: Math.floor(cert.notAfter.getTime() / 1000) };
}

/** Whether the certificate's public key is the public half of `privateKey`. */
export function matchesKey(der: Uint8Array, privateKey: KeyObject): boolean {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const fromCert = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: "der", type: "spki" }).export({ format: "der", type: "spki" });
  const fromKey = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return Buffer.compare(fromCert, fromKey) === 0;
}

/** What an import without a policy derives from its certificate and key. */
export function certificateFacts(der: Uint8Array, privateKey: KeyObject): ImportedFacts {
  const cert = new x509.X509Certificate(new Uint8Array(der));
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  let sans: SubjectAlternativeNames | undefined;
  if (san) {
    const json = san.names.toJSON();
    const of = (type: string) => json.filter((n) => n.type === type).map((n) => n.value);
    sans = {};
    for (const [key, type] of [["dns_names", "dns"], ["emails", "email"], ["upns", "upn"], ["uris", "url"], ["ipAddresses", "ip"]] as const) {
      const list = of(type);
      if (list.length > 0) sans[key] = list;
    }
  }
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const months = Math.max(1, Math.round((cert.notAfter.getTime() - cert.notBefore.getTime()) / 1000 / MONTH_SECONDS));
  const details = privateKey.asymmetricKeyDetails ?? {};
  const ec = privateKey.asymmetricKeyType === "ec";
  const curve = ec ? { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" }[details.namedCurve ?? ""] : undefined;
  if (ec && !curve) throw new PolicyProblem(`The curve ${details.namedCurve} is not supported by the kvmi emulator (P-256, P-384, P-521 are).`);
  return {
    subject: cert.subject,
    sans,
    ekus: eku ? eku.usages.map(String) : undefined,
    keyUsage: ku ? keyUsageNames(ku.usages) : undefined,
    validityMonths: months,
    kty: ec ? "EC" : "RSA",
    ...(ec ? { crv: curve } : { keySize: details.modulusLength }),
  };
}
