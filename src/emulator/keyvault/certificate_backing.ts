/**
 * A certificate's backing key and secret: made with the certificate's **name and version id**,
 * both `managed: true`; the key usable per the policy's `key_usage`, the secret holding the PFX
 * (empty password) or PEM (PKCS#8 key, then the chain) and linking the key with `kid` (no key
 * in it when the policy says non-exportable). The certificate's `enabled`/`nbf`/`exp` are
 * mirrored onto both; delete, recover and purge of the certificate carry them along.
 * @module
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { keyOpsFor, PEM } from "./certificate_policy.ts";
import { pemValue, pkcs12Value } from "./certificate_content.ts";
import { base64, certificateValidity, thumbprint } from "./certificate_issuing.ts";
import type { CertificateVersion } from "./certificate_store.ts";
import type { Vault } from "../world.ts";

function publicMembers(privateKey: KeyObject): Record<string, string> {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as Record<string, string>;
  return jwk.kty === "RSA" ? { n: jwk.n, e: jwk.e } : { crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/**
 * Issues a certificate version: fills its `cer`, `x5t`, validity and `enabled`, and adds the
 * backing key and secret under the same version id. `chain` is leaf first (or as the client
 * ordered it with `preserveCertOrder`).
 */
export function issueVersion(vault: Vault, name: string, version: CertificateVersion, privateKey: KeyObject, chain: Uint8Array[], now: number): void {
  const leaf = chain[0];
  const { nbf, exp } = certificateValidity(leaf);
  version.cer = base64(leaf);
  version.x5t = thumbprint(leaf);
  version.attributes = { ...version.attributes, nbf, exp, updated: now };
  const policy = version.policy;
  const attributes = { enabled: version.attributes.enabled, nbf, exp, created: now, updated: now };
  vault.keys.add(name, {
    kty: policy.key_props.kty,
    keyOps: keyOpsFor(policy.x509_props.key_usage ?? [], policy.key_props.kty),
    attributes: { ...attributes, exportable: false },
    privateKey,
    publicJwk: publicMembers(privateKey),
    managed: true,
  }, version.version);
  const exportable = policy.key_props.exportable;
  const contentType = policy.secret_props.contentType;
  const key = exportable ? privateKey : undefined;
  vault.secrets.add(name, {
    value: contentType === PEM ? pemValue(key, chain) : pkcs12Value(key, chain),
    contentType,
    attributes,
    managed: true,
    ...(exportable ? { keyLinked: true } : {}),
  }, version.version);
}

/** Mirrors a certificate version's `enabled`/`nbf`/`exp` onto its backing key and secret. */
export function mirrorAttributes(vault: Vault, name: string, version: CertificateVersion, now: number): void {
  const key = vault.keys.live(name)?.versions.find((v) => v.version === version.version);
  const secret = vault.secrets.live(name)?.versions.find((v) => v.version === version.version);
  for (const target of [key?.attributes, secret?.attributes]) {
    if (!target) continue;
    target.enabled = version.attributes.enabled;
    target.nbf = version.attributes.nbf;
    target.exp = version.attributes.exp;
    target.updated = now;
  }
}

/** Soft-deletes the backing key and secret with their certificate. */
export function deleteBacking(vault: Vault, name: string, now: number, delayMs: number): void {
  const key = vault.keys.live(name);
  if (key?.versions.some((v) => v.managed)) vault.keys.softDelete(key, now);
  const secret = vault.secrets.live(name);
  if (secret?.versions.some((v) => v.managed)) vault.secrets.softDelete(secret, now, delayMs);
}

/** Recovers the backing key and secret with their certificate. */
export function recoverBacking(vault: Vault, name: string): void {
  const key = vault.keys.deleted(name);
  if (key?.versions.some((v) => v.managed)) vault.keys.recover(key);
  const secret = vault.secrets.deleted(name);
  if (secret?.versions.some((v) => v.managed)) vault.secrets.recover(secret);
}

/** Purges the backing key and secret with their certificate. */
export function purgeBacking(vault: Vault, name: string): void {
  const key = vault.keys.deleted(name);
  if (key?.versions.some((v) => v.managed)) vault.keys.purge(key);
  const secret = vault.secrets.deleted(name);
  if (secret?.versions.some((v) => v.managed)) vault.secrets.purge(secret);
}

/** Whether a standalone (not certificate-backing) key or secret already uses the name. */
export function nameTakenByStandalone(vault: Vault, name: string): "key" | "secret" | undefined {
  const key = vault.keys.live(name) ?? vault.keys.deleted(name);
  if (key && !key.versions.some((v) => v.managed)) return "key";
  const secret = vault.secrets.live(name) ?? vault.secrets.deleted(name);
  if (secret && !secret.versions.some((v) => v.managed)) return "secret";
  return undefined;
}
