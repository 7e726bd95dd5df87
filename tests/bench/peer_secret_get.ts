/**
 * The peer for the secret-get benchmark: the official Azure SDK for JS doing what
 * `kvmi secret get` does (ManagedIdentityCredential + SecretClient.getSecret), in a fresh process.
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";

const [vaultUrl, name] = Deno.args;
const client = new SecretClient(vaultUrl, new ManagedIdentityCredential(), { disableChallengeResourceVerification: true });
const secret = await client.getSecret(name);
if (!secret.value) Deno.exit(1);
Deno.stdout.writeSync(new TextEncoder().encode(secret.value));
