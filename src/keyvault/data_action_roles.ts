/**
 * The least-privileged built-in role that grants each Key Vault data action, so a 403 can tell
 * the admin exactly which role assignment is missing.
 * @module
 */
import type { BuiltInRole } from "../cloud/cloud.ts";

const SECRETS_USER = { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6" };
const SECRETS_OFFICER = { name: "Key Vault Secrets Officer", id: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7" };
const READER = { name: "Key Vault Reader", id: "21090545-7ca7-4776-b22c-e363652d74d2" };
const CRYPTO_USER = { name: "Key Vault Crypto User", id: "12338af0-0e69-4776-bea7-57ae8d297424" };
const CRYPTO_OFFICER = { name: "Key Vault Crypto Officer", id: "14b46e9e-c2b7-41b4-b07b-48a6ebf60603" };
const RELEASE_USER = { name: "Key Vault Crypto Service Release User", id: "08bbd89e-9f13-488c-ac41-acfcb10c90ab" };
const CERTIFICATE_USER = { name: "Key Vault Certificate User", id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba" };
const CERTIFICATES_OFFICER = { name: "Key Vault Certificates Officer", id: "a4417e6f-fecd-4de8-b567-7b0420556985" };

const TABLE: Record<string, BuiltInRole> = {
  "secrets/getsecret/action": SECRETS_USER,
  "secrets/readmetadata/action": READER,
  "secrets/setsecret/action": SECRETS_OFFICER,
  "secrets/update/action": SECRETS_OFFICER,
  "secrets/delete": SECRETS_OFFICER,
  "secrets/recover/action": SECRETS_OFFICER,
  "secrets/purge/action": SECRETS_OFFICER,
  "secrets/backup/action": SECRETS_OFFICER,
  "secrets/restore/action": SECRETS_OFFICER,
  "keys/read": READER,
  "keys/encrypt/action": CRYPTO_USER,
  "keys/decrypt/action": CRYPTO_USER,
  "keys/wrap/action": CRYPTO_USER,
  "keys/unwrap/action": CRYPTO_USER,
  "keys/sign/action": CRYPTO_USER,
  "keys/verify/action": CRYPTO_USER,
  "keys/update/action": CRYPTO_USER,
  "keys/release/action": RELEASE_USER,
  "keys/backup/action": CRYPTO_USER,
  "keys/restore/action": CRYPTO_OFFICER,
  "keys/rotate/action": CRYPTO_OFFICER,
  "keyrotationpolicies/read": READER,
  "keyrotationpolicies/write": CRYPTO_OFFICER,
  "certificates/read": READER,
  "certificates/create/action": CERTIFICATES_OFFICER,
  "certificates/import/action": CERTIFICATES_OFFICER,
  "certificates/update/action": CERTIFICATES_OFFICER,
  "certificates/delete": CERTIFICATES_OFFICER,
  "certificates/recover/action": CERTIFICATES_OFFICER,
  "certificates/purge/action": CERTIFICATES_OFFICER,
  "certificates/backup/action": CERTIFICATES_OFFICER,
  "certificates/restore/action": CERTIFICATES_OFFICER,
  "certificatecas/read": READER,
  "certificatecas/write": CERTIFICATES_OFFICER,
  "certificatecas/delete": CERTIFICATES_OFFICER,
  "certificatecontacts/write": CERTIFICATES_OFFICER,
};

/** The role that reads a certificate's private key (through its backing secret): Key Vault Certificate User. */
export const CERTIFICATE_KEY_ROLE: BuiltInRole = CERTIFICATE_USER;

/** The built-in role to suggest for a data action such as `Microsoft.KeyVault/vaults/secrets/getSecret/action`. */
export function roleForDataAction(action: string): BuiltInRole | undefined {
  const key = action.toLowerCase().replace(/^microsoft\.keyvault\/vaults\//, "");
  return TABLE[key] ??
    (key.startsWith("keys/") || key.startsWith("keyrotationpolicies/")
      ? CRYPTO_OFFICER
      : key.startsWith("secrets/")
      ? SECRETS_OFFICER
      : key.startsWith("certificate")
      ? CERTIFICATES_OFFICER
      : undefined);
}
