/**
 * Preparing a certificate file for `POST /certificates/{name}/import`, checked locally first so a
 * wrong password or a key that does not match is a clear usage error before anything is sent.
 * A PFX is sent as it is (standard base64, with its password); a PEM is sent as Key Vault wants it:
 * the private key as unencrypted PKCS#8 first (PKCS#1, SEC1 and encrypted keys are converted),
 * then the certificates, leaf first, `\n` line ends.
 *
 * @example
 * ```ts
 * import { prepareImport } from "./certificate_import.ts";
 * const input = prepareImport(await Deno.readFile("web.pfx"), "pfx-password");
 * ```
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { encodeBase64 } from "./base64.ts";
import { type CertificateImport, PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE } from "./certificate_client.ts";
import { looksLikePem, type PemBlock, pemBlocks, toPem } from "./pem.ts";
import { Pkcs12Error, readPkcs12 } from "./pkcs12.ts";

/** The file cannot be imported; the message says why (shown to the user as a usage error). */
export class CertificateFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CertificateFileError";
  }
}

/** Checks a PFX or PEM file's bytes and returns what `import` sends. `password` opens a PFX or an encrypted PEM key. */
export function prepareImport(bytes: Uint8Array, password: string): CertificateImport {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, "");
  if (looksLikePem(text)) return preparePem(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ""), password);
  if (bytes[0] !== 0x30) throw new CertificateFileError("it is neither a PFX (PKCS#12) file nor PEM text");
  return preparePfx(bytes, password);
}

function preparePfx(bytes: Uint8Array, password: string): CertificateImport {
  let content;
  try {
    content = readPkcs12(bytes, password);
  } catch (error) {
    if (error instanceof Pkcs12Error) throw new CertificateFileError(error.message);
    throw error;
  }
  if (!content.keyPkcs8) throw new CertificateFileError("the PFX has no private key; Key Vault imports a certificate with its key");
  if (content.certificates.length === 0) throw new CertificateFileError("the PFX has no certificate");
  const key = privateKey(content.keyPkcs8, "der");
  leafFor(key, content.certificates.map(parseCertificate));
  return { value: encodeBase64(bytes), contentType: PKCS12_CONTENT_TYPE, ...(password ? { password } : {}) };
}

function preparePem(text: string, password: string): CertificateImport {
  let blocks: PemBlock[];
  try {
    blocks = pemBlocks(text);
  } catch (error) {
    throw new CertificateFileError(`the PEM cannot be read: ${(error as Error).message}`);
  }
  const keys = blocks.filter((b) => b.label.endsWith("PRIVATE KEY"));
  const certificateBlocks = blocks.filter((b) => b.label === "CERTIFICATE");
  if (keys.length !== 1) throw new CertificateFileError(`the PEM has ${keys.length} private keys; Key Vault imports one key with its certificates`);
  if (certificateBlocks.length === 0) throw new CertificateFileError("the PEM has no CERTIFICATE block");
  const keyBlock = text.match(new RegExp(`-----BEGIN ${keys[0].label}-----[\\s\\S]*?-----END ${keys[0].label}-----`))![0];
  const key = privateKey(keyBlock, "pem", password);
  const certificates = certificateBlocks.map((b) => parseCertificate(b.der));
  const leaf = leafFor(key, certificates);
  const ordered = [leaf, ...certificates.filter((c) => c !== leaf)];
  const pkcs8 = new Uint8Array(key.export({ type: "pkcs8", format: "der" }));
  const value = toPem("PRIVATE KEY", pkcs8) + ordered.map((c) => toPem("CERTIFICATE", new Uint8Array(c.rawData))).join("");
  return { value, contentType: PEM_CONTENT_TYPE };
}

function privateKey(key: Uint8Array | string, format: "der" | "pem", password = ""): KeyObject {
  try {
    return format === "der"
      ? createPrivateKey({ key: Buffer.from(key as Uint8Array), format: "der", type: "pkcs8" })
      : createPrivateKey({ key: key as string, format: "pem", passphrase: password });
  } catch (error) {
    const encrypted = typeof key === "string" && /ENCRYPTED/.test(key);
    throw new CertificateFileError(
      encrypted
        ? "the PEM private key is encrypted and does not decrypt with the password given"
        : `the private key cannot be read (${(error as Error).message})`,
    );
  }
}

function parseCertificate(der: Uint8Array): x509.X509Certificate {
  try {
    return new x509.X509Certificate(new Uint8Array(der));
  } catch {
    throw new CertificateFileError("a certificate in the file is not valid X.509");
  }
}

/** The certificate whose public key is the private key's; throws when there is none. */
function leafFor(key: KeyObject, certificates: x509.X509Certificate[]): x509.X509Certificate {
  const spki = new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
  const leaf = certificates.find((c) => equalBytes(new Uint8Array(c.publicKey.rawData), spki));
  if (!leaf) throw new CertificateFileError("the private key does not belong to any certificate in the file");
  return leaf;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
