/**
 * The official Azure SDK for JS doing what `kvmi secret get` does — `ManagedIdentityCredential`
 * and `SecretClient.getSecret` — run with Node (not Deno). The benchmark copies this file next
 * to the packages it installs in tests/.out/bench-node/ and runs it there, with
 * NODE_EXTRA_CA_CERTS pointing at the emulator's CA and AZURE_POD_IDENTITY_AUTHORITY_HOST at its IMDS.
 *
 * @example
 * ```sh
 * /usr/bin/node tests/.out/bench-node/node_peer_secret_get.mjs https://127.0.0.1:PORT/ secret-for-vm
 * ```
 * @module
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";

const [vaultUrl, name] = process.argv.slice(2);
const client = new SecretClient(vaultUrl, new ManagedIdentityCredential(), { disableChallengeResourceVerification: true });
const secret = await client.getSecret(name);
if (!secret.value) process.exit(1);
process.stdout.write(secret.value);
