/**
 * A new, empty vault: its name, place and permission model, with empty secret, key and
 * certificate stores and no URL yet (set once its listener is up). The seed and ARM's vault PUT
 * both make vaults this way.
 * @module
 */
import type { Vault } from "../world.ts";
import { CertificateStore } from "./certificate_store.ts";
import { KeyStore } from "./key_store.ts";
import { SecretStore } from "./secret_store.ts";

/** What a vault is made from: everything but its URL and its (empty) stores. */
export type VaultFields = Omit<Vault, "url" | "secrets" | "keys" | "certificates">;

/** Makes an empty vault from `fields`. */
export function newVault(fields: VaultFields): Vault {
  return { ...fields, url: "", secrets: new SecretStore(), keys: new KeyStore(), certificates: new CertificateStore() };
}
