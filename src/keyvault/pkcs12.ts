/**
 * PKCS#12 (PFX) files through node-forge: reading one into its private key (PKCS#8 DER) and
 * certificates (DER), and writing one. Written files use 3DES and a SHA-1 MAC with 2000
 * iterations, like Key Vault's own PFX secrets, so Windows PowerShell 5.1 on older Windows
 * Server reads them too (AES PFX files need Windows Server 2019 or later).
 *
 * @example
 * ```ts
 * import { readPkcs12 } from "./pkcs12.ts";
 * const { keyPkcs8, certificates } = readPkcs12(await Deno.readFile("web.pfx"), "");
 * ```
 * @module
 */
// @ts-types="@types/node-forge"
import forge from "node-forge";

/** What a PFX holds: at most one private key and the certificates (leaf first when the file says which is the leaf). */
export interface Pkcs12Content {
  /** The private key as unencrypted PKCS#8 DER, or undefined when the PFX has none. */
  keyPkcs8?: Uint8Array;
  certificates: Uint8Array[];
}

/** The PFX cannot be read: not PKCS#12, or the password is wrong. */
export class Pkcs12Error extends Error {
  /** Whether the likely cause is a wrong password (the file is PKCS#12, but its MAC or key does not decrypt). */
  readonly wrongPassword: boolean;

  constructor(message: string, wrongPassword: boolean) {
    super(message);
    this.name = "Pkcs12Error";
    this.wrongPassword = wrongPassword;
  }
}

/**
 * Reads a PFX with `password`. An empty password is tried both ways PKCS#12 tools write it (an
 * empty BMPString, as Key Vault, .NET and OpenSSL do, and no password at all).
 */
export function readPkcs12(bytes: Uint8Array, password: string): Pkcs12Content {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(toBinary(bytes), false);
  } catch {
    throw new Pkcs12Error("it is not a PKCS#12 (PFX) file", false);
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (first) {
    if (password !== "") throw pkcs12Failure(first);
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, null as unknown as string);
    } catch {
      throw pkcs12Failure(first);
    }
  }
  return contentOf(p12);
}

function pkcs12Failure(error: unknown): Pkcs12Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/password|MAC|decrypt/i.test(message)) return new Pkcs12Error("the password is wrong (the PFX does not decrypt with it)", true);
  return new Pkcs12Error(`it is not a PKCS#12 (PFX) file that kvmi can read (${message.replace(/\.$/, "")})`, false);
}

interface ForgeBag {
  key?: forge.pki.PrivateKey | null;
  cert?: forge.pki.Certificate | null;
  asn1?: forge.asn1.Asn1;
  attributes?: Record<string, unknown>;
}

function contentOf(p12: forge.pkcs12.Pkcs12Pfx): Pkcs12Content {
  const oids = forge.pki.oids;
  const keyBags = [
    ...(p12.getBags({ bagType: oids.pkcs8ShroudedKeyBag })[oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: oids.keyBag })[oids.keyBag] ?? []),
  ] as ForgeBag[];
  if (keyBags.length > 1) throw new Pkcs12Error(`it holds ${keyBags.length} private keys; kvmi imports a PFX with one`, false);
  const certBags = (p12.getBags({ bagType: oids.certBag })[oids.certBag] ?? []) as ForgeBag[];
  const keyId = keyBags[0]?.attributes?.localKeyId;
  // The leaf is the certificate that shares the key's localKeyId; it goes first.
  const leafFirst = [...certBags].sort((a, b) => Number(sameId(b, keyId)) - Number(sameId(a, keyId)));
  return {
    keyPkcs8: keyBags.length ? keyDer(keyBags[0]) : undefined,
    certificates: leafFirst.map(certificateDer),
  };
}

function sameId(bag: ForgeBag, keyId: unknown): boolean {
  return Array.isArray(keyId) && Array.isArray(bag.attributes?.localKeyId) && bag.attributes.localKeyId[0] === keyId[0];
}

function keyDer(bag: ForgeBag): Uint8Array {
  // forge parses RSA keys; other key types (EC) come back as their PrivateKeyInfo.
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey)) : bag.asn1!;
  return fromBinary(forge.asn1.toDer(info).getBytes());
}

function certificateDer(bag: ForgeBag): Uint8Array {
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1!;
  return fromBinary(forge.asn1.toDer(asn1).getBytes());
}

/**
 * Writes a PFX of `content` protected by `password` ("" for Key Vault's empty password). Only RSA
 * keys and certificates can be written (node-forge's limit); others throw a Pkcs12Error.
 */
export function writePkcs12(content: Pkcs12Content, password: string, friendlyName?: string): Uint8Array {
  let key: forge.pki.rsa.PrivateKey | null = null;
  let certificates: forge.pki.Certificate[];
  try {
    if (content.keyPkcs8) key = forge.pki.privateKeyFromAsn1(forge.asn1.fromDer(toBinary(content.keyPkcs8))) as forge.pki.rsa.PrivateKey;
    certificates = content.certificates.map((der) => forge.pki.certificateFromAsn1(forge.asn1.fromDer(toBinary(der))));
  } catch {
    throw new Pkcs12Error("kvmi writes PFX files for RSA certificates only", false);
  }
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certificates, password, {
    algorithm: "3des",
    count: 2000,
    generateLocalKeyId: true,
    ...(friendlyName ? { friendlyName } : {}),
  });
  return fromBinary(forge.asn1.toDer(asn1).getBytes());
}

function toBinary(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return binary;
}

function fromBinary(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
