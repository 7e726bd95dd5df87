/**
 * Certificate content as the backing secret holds it and as import reads it, with node-forge:
 * a PKCS#12 (standard base64, **empty password**, SHA-1 MAC with 2000 iterations, the key in a
 * pbeWithSHAAnd3-KeyTripleDES-CBC shrouded bag first, the certificates in an encrypted bag with
 * the same PBE, `localKeyID 01000000` and a GUID friendlyName, RSA and EC alike) or a PEM (unencrypted PKCS#8 `PRIVATE KEY`, then the
 * certificates, 64 columns, `\n`). Import accepts a PFX in standard base64 or base64url (with or
 * without a password) and PEM as raw text or base64 of the text, and answers with the service's
 * error messages.
 * @module
 */
// @deno-types="npm:@types/node-forge@^1.3.14"
import forge from "node-forge";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { PEM, PKCS12 } from "./certificate_policy.ts";

const { asn1, pki } = forge;
const ITERATIONS = 2000;

/** What an import value holds: the private key and the certificates, in the order given. */
export interface CertificateContent {
  privateKey: KeyObject;
  certificates: Uint8Array[];
  /** The format it came in. */
  contentType: typeof PKCS12 | typeof PEM;
}

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("binary");
}

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "binary"));
}

function seq(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function set(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
}

function oid(id: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
}

function octets(bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
}

function explicit(item: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
}

/** A PKCS#7 `data` ContentInfo around a SafeContents. */
function dataContent(bags: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return seq([oid(pki.oids.data), explicit(octets(asn1.toDer(seq(bags)).getBytes()))]);
}

/** PKCS#12 PBE parameters the service uses (pbeWithSHAAnd3-KeyTripleDES-CBC, 2000 iterations); forge's declared type lacks its "3des" choice. */
const PBE = { algorithm: "3des", count: ITERATIONS, saltSize: 8 } as unknown as Parameters<typeof pki.encryptPrivateKeyInfo>[2];

/** A PKCS#7 `encryptedData` ContentInfo around a SafeContents, encrypted with the empty password. */
function encryptedContent(bags: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  // encryptPrivateKeyInfo encrypts any DER with the PKCS#12 PBE: [algorithm, OCTET STRING ciphertext].
  const sealed = pki.encryptPrivateKeyInfo(seq(bags), "", PBE);
  const [algorithm, ciphertext] = sealed.value as forge.asn1.Asn1[];
  const content = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, ciphertext.value as string);
  const encryptedData = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(0).getBytes()),
    seq([oid(pki.oids.data), algorithm, content]),
  ]);
  return seq([oid(pki.oids.encryptedData), explicit(encryptedData)]);
}

/** The bag attributes the service writes: localKeyID 01000000 and a GUID friendlyName. */
function bagAttributes(friendlyName: string): forge.asn1.Asn1 {
  return set([
    seq([oid(pki.oids.localKeyId), set([octets("\x01\x00\x00\x00")])]),
    seq([oid(pki.oids.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, friendlyName)])]),
  ]);
}

/** A PFX with an empty password holding the key (when exportable) and the certificates; standard base64. */
export function pkcs12Value(privateKey: KeyObject | undefined, certificates: Uint8Array[]): string {
  const contents: forge.asn1.Asn1[] = [];
  const friendlyName = crypto.randomUUID();
  if (privateKey) {
    const info = asn1.fromDer(binary(new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }))));
    const encrypted = pki.encryptPrivateKeyInfo(info, "", PBE);
    contents.push(dataContent([seq([oid(pki.oids.pkcs8ShroudedKeyBag), explicit(encrypted), bagAttributes(friendlyName)])]));
  }
  const certBags = certificates.map((der, i) =>
    seq([
      oid(pki.oids.certBag),
      explicit(seq([oid(pki.oids.x509Certificate), explicit(octets(binary(der)))])),
      ...(i === 0 && privateKey ? [bagAttributes(friendlyName)] : []),
    ])
  );
  if (certBags.length > 0) contents.push(encryptedContent(certBags));
  const safe = seq(contents);
  const safeDer = asn1.toDer(safe).getBytes();
  const salt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey("", forge.util.createBuffer(salt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start("sha1", macKey);
  hmac.update(safeDer);
  const macData = seq([
    seq([seq([oid(pki.oids.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")]), octets(hmac.digest().getBytes())]),
    octets(salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const pfx = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()),
    seq([oid(pki.oids.data), explicit(octets(safeDer))]),
    macData,
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), "binary").toString("base64");
}

function pemBlock(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** The PEM secret value: the unencrypted PKCS#8 key (when exportable), then the certificates. */
export function pemValue(privateKey: KeyObject | undefined, certificates: Uint8Array[]): string {
  const key = privateKey ? pemBlock(new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" })), "PRIVATE KEY") : "";
  return key + certificates.map((der) => pemBlock(der, "CERTIFICATE")).join("");
}

/** An import value the service refuses: the message of its 400. */
export class ContentProblem extends Error {}

const PEM_UNREADABLE =
  "The specified PEM X.509 certificate content can not be read. Please check if certificate is in valid PEM format. Accepted formats: PEM content or Base64 encoded PEM content.";
const PEM_UNEXPECTED = "The specified PEM X.509 certificate content is in an unexpected format. Please check if certificate is in valid PEM format.";
const PFX_UNREADABLE = "The specified PKCS#12 X.509 certificate content can not be read. Please check if certificate is in valid PKCS#12 format.";
const NO_KEY = "Private key is not specified in the specified X.509 PEM certificate content. Please specify private key in the X.509 PEM certificate content.";

/** Decodes standard base64 or base64url (padding optional); undefined when it is neither. */
function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/_-]+=*$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

/** Content that may lack its key (a non-exportable certificate's secret). */
interface MaybeKeyed {
  privateKey?: KeyObject;
  certificates: Uint8Array[];
}

function readPem(text: string): MaybeKeyed {
  const blocks = [...text.replace(/\r\n/g, "\n").matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\n?([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) throw new ContentProblem(PEM_UNREADABLE);
  if (blocks.some((b) => b[1] === "RSA PRIVATE KEY" || b[1] === "EC PRIVATE KEY" || b[1] === "ENCRYPTED PRIVATE KEY")) throw new ContentProblem(PEM_UNEXPECTED);
  const der = (b: RegExpMatchArray) => new Uint8Array(Buffer.from(b[2].replace(/\s+/g, ""), "base64"));
  const keys = blocks.filter((b) => b[1] === "PRIVATE KEY");
  const certificates = blocks.filter((b) => b[1] === "CERTIFICATE").map(der);
  if (certificates.length === 0) throw new ContentProblem(PEM_UNREADABLE);
  if (keys.length === 0) return { certificates };
  try {
    return { privateKey: createPrivateKey({ key: Buffer.from(der(keys[0])), format: "der", type: "pkcs8" }), certificates };
  } catch {
    throw new ContentProblem(PEM_UNEXPECTED);
  }
}

/**
 * Opens a PFX. Without a password, Windows (and so Key Vault) opens one whose MAC and bags used
 * the empty password or no password at all: PKCS#12 tells the two apart, and .NET's
 * `Export(X509ContentType.Pfx)` without a password uses none, so both are tried.
 */
function openPkcs12(der: Uint8Array, password: string): forge.pkcs12.Pkcs12Pfx {
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(binary(der)), false, password);
  } catch (error) {
    if (password !== "") throw error;
    return forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(binary(der)), false, undefined);
  }
}

function readPkcs12(der: Uint8Array, password: string): MaybeKeyed {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = openPkcs12(der, password);
  } catch {
    throw new ContentProblem(PFX_UNREADABLE);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? [];
  const certificates = certBags.map((bag) => bytesOf(asn1.toDer(bag.cert ? pki.certificateToAsn1(bag.cert) : bag.asn1!).getBytes()));
  if (certificates.length === 0) throw new ContentProblem(PFX_UNREADABLE);
  if (keyBags.length === 0) return { certificates };
  const bag = keyBags[0];
  const info = bag.key ? pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(bag.key)) : bag.asn1!;
  return { privateKey: createPrivateKey({ key: Buffer.from(asn1.toDer(info).getBytes(), "binary"), format: "der", type: "pkcs8" }), certificates };
}

/** A backing secret's value in the other content type (GET secret with `outContentType`, 2025-07-01+). */
export function convertSecretValue(value: string, from: string, to: string): string {
  if (from === to) return value;
  const content = from === PEM ? readPem(value) : readPkcs12(decodeBase64(value) ?? new Uint8Array(), "");
  return to === PEM ? pemValue(content.privateKey, content.certificates) : pkcs12Value(content.privateKey, content.certificates);
}

/**
 * Reads an import `value`: PEM text (or base64 of it) when it looks like PEM or the policy says
 * PEM, otherwise a base64 or base64url PFX opened with `password` (empty when absent).
 * Throws {@link ContentProblem}.
 */
export function readImportValue(value: string, password: string | undefined, declared: string | undefined): CertificateContent {
  const keyed = (content: MaybeKeyed, contentType: typeof PKCS12 | typeof PEM): CertificateContent => {
    if (!content.privateKey) throw new ContentProblem(contentType === PEM ? NO_KEY : NO_KEY.replaceAll("PEM", "PKCS#12"));
    return { privateKey: content.privateKey, certificates: content.certificates, contentType };
  };
  if (value.includes("-----BEGIN")) return keyed(readPem(value), PEM);
  const bytes = decodeBase64(value);
  if (!bytes) throw new ContentProblem(declared === PEM ? PEM_UNREADABLE : PFX_UNREADABLE);
  const text = new TextDecoder().decode(bytes);
  if (text.includes("-----BEGIN")) return keyed(readPem(text), PEM);
  if (declared === PEM) throw new ContentProblem(PEM_UNREADABLE);
  return keyed(readPkcs12(bytes, password ?? ""), PKCS12);
}
