/**
 * Turning a certificate (its `cer`) and, for the private key, its backing secret (a PFX with an
 * empty password or a PEM, as Key Vault stores them) into the files `kvmi cert download` writes:
 * PEM (unencrypted PKCS#8 key first, then the certificates) or PFX. A PFX secret is written as
 * Key Vault made it when no password is asked for, so nothing in it changes.
 *
 * @example
 * ```ts
 * import { certificateOnly, renderPem } from "./certificate_export.ts";
 * const pem = renderPem(certificateOnly(bundle));
 * ```
 * @module
 */
import { decodeBase64 } from "./base64.ts";
import { type CertificateBundle, PEM_CONTENT_TYPE } from "./certificate_client.ts";
import { pemBlocks, toPem } from "./pem.ts";
import { type Pkcs12Content, readPkcs12, writePkcs12 } from "./pkcs12.ts";
import type { SecretBundle } from "./secret_client.ts";

/** A certificate's key and certificates, with Key Vault's own PFX when the secret is one. */
export interface CertificateMaterial extends Pkcs12Content {
  /** The backing secret's PFX bytes (empty password), when it is PKCS#12. */
  pfx?: Uint8Array;
}

/** The certificate alone, from a bundle's `cer`; throws a TypeError when the bundle has none (still pending). */
export function certificateOnly(bundle: CertificateBundle): CertificateMaterial {
  if (!bundle.cer) throw new TypeError("the certificate has no cer yet (its creation is pending)");
  return { certificates: [decodeBase64(bundle.cer)] };
}

/** The key and certificates in a certificate's backing secret (PFX or PEM). */
export function materialFromSecret(secret: SecretBundle): CertificateMaterial {
  const value = secret.value ?? "";
  if (secret.contentType === PEM_CONTENT_TYPE || value.trimStart().startsWith("-----BEGIN")) {
    const blocks = pemBlocks(value);
    const key = blocks.find((b) => b.label === "PRIVATE KEY");
    return { keyPkcs8: key?.der, certificates: blocks.filter((b) => b.label === "CERTIFICATE").map((b) => b.der) };
  }
  const pfx = decodeBase64(value);
  return { ...readPkcs12(pfx, ""), pfx };
}

/** PEM text: the PKCS#8 key (when there is one), then every certificate. */
export function renderPem(material: CertificateMaterial): string {
  return (material.keyPkcs8 ? toPem("PRIVATE KEY", material.keyPkcs8) : "") + material.certificates.map((c) => toPem("CERTIFICATE", c)).join("");
}

/**
 * PFX bytes: Key Vault's own PFX when it is the source, has the key wanted, and no password is
 * asked for; otherwise a PFX written with `password` (RSA only).
 */
export function renderPfx(material: CertificateMaterial, password: string, friendlyName?: string): Uint8Array {
  if (material.pfx && material.keyPkcs8 && password === "") return material.pfx;
  return writePkcs12(material, password, friendlyName);
}
