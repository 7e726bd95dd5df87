/**
 * IMDS attested data: `{"encoding":"pkcs7","signature":"<base64>"}` where the signature is a
 * CMS SignedData that embeds the JSON document (nonce, plan, timeStamp, vmId, subscriptionId,
 * sku, licenseType) and the signing certificate, issued here by the emulator's CA.
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import {
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  id_data,
  id_signedData,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from "@peculiar/asn1-cms";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { type CertificateAuthority, issueCertificate } from "./tls.ts";
import { jsonResponse } from "./http_util.ts";
import type { ImdsRoute } from "./imds_server.ts";
import type { VirtualMachine, World } from "./world.ts";

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as const;

/** Signs attested documents with a certificate issued by the emulator CA. */
export class AttestedDataSigner {
  #cert: x509.X509Certificate;
  #key: CryptoKey;

  private constructor(cert: x509.X509Certificate, key: CryptoKey) {
    this.#cert = cert;
    this.#key = key;
  }

  /** Creates the signer with a fresh RSA key and a certificate for `metadata.kvmi.emulator`. */
  static async create(ca: CertificateAuthority): Promise<AttestedDataSigner> {
    const keys = await crypto.subtle.generateKey(RSA, true, ["sign", "verify"]) as CryptoKeyPair;
    const cert = await issueCertificate(ca, {
      subject: "CN=metadata.kvmi.emulator",
      publicKey: keys.publicKey,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "metadata.kvmi.emulator" }]),
      ],
    });
    return new AttestedDataSigner(cert, keys.privateKey);
  }

  /** Returns the base64 DER of a CMS SignedData over `document` (JSON). */
  async sign(document: Record<string, unknown>): Promise<string> {
    const content = new TextEncoder().encode(JSON.stringify(document));
    const signature = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", this.#key, content));
    const certificate = AsnConvert.parse(this.#cert.rawData, Certificate);
    const sha256 = new AlgorithmIdentifier({ algorithm: "2.16.840.1.101.3.4.2.1" });
    const signerInfo = new SignerInfo({
      version: 1,
      sid: new SignerIdentifier({
        issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: certificate.tbsCertificate.issuer, serialNumber: certificate.tbsCertificate.serialNumber }),
      }),
      digestAlgorithm: sha256,
      signatureAlgorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null }),
      signature: new OctetString(signature),
    });
    const signedData = new SignedData({
      version: 1,
      digestAlgorithms: new DigestAlgorithmIdentifiers([sha256]),
      encapContentInfo: new EncapsulatedContentInfo({ eContentType: id_data, eContent: new EncapsulatedContent({ single: new OctetString(content) }) }),
      certificates: new CertificateSet([new CertificateChoices({ certificate })]),
      signerInfos: new SignerInfos([signerInfo]),
    });
    const info = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
    return btoa(String.fromCharCode(...new Uint8Array(AsnConvert.serialize(info))));
  }
}

/** `GET /metadata/attested/document?nonce=...`: the VM's signed identity document. */
export function attestedRoute(world: World, vm: VirtualMachine, signer: AttestedDataSigner): ImdsRoute {
  return async (_request, url, path) => {
    if (path !== "/metadata/attested/document") return undefined;
    if (!url.searchParams.get("api-version")) {
      return jsonResponse(400, {
        error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
      });
    }
    const nonce = url.searchParams.get("nonce") ?? String(Date.now()).padEnd(10, "0").slice(0, 10);
    if (!/^[0-9]{1,32}$/.test(nonce)) return jsonResponse(400, { error: "Bad request. The nonce must be up to 32 digits." });
    const now = new Date();
    const document = {
      licenseType: "Windows_Server",
      nonce,
      plan: { name: "", product: "", publisher: "" },
      sku: "2022-datacenter-azure-edition",
      subscriptionId: world.subscriptionId,
      timeStamp: { createdOn: stamp(now), expiresOn: stamp(new Date(now.getTime() + 6 * 3600_000)) },
      vmId: vm.vmId,
    };
    return jsonResponse(200, { encoding: "pkcs7", signature: await signer.sign(document) });
  };
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${
    p(d.getUTCSeconds())
  } -0000`;
}
