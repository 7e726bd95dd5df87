/**
 * The Deno floor for `kvmi secret get`: exactly the two calls kvmi makes and nothing else —
 * an IMDS managed-identity token, then the Key Vault GET with it — trusting the emulator's CA
 * through `Deno.createHttpClient({ caCerts })`, then prints the secret's value.
 *
 * @example
 * ```sh
 * deno run --allow-all tests/bench/floor_secret_get.ts http://127.0.0.1:PORT https://127.0.0.1:PORT/ secret-for-vm /path/ca.pem
 * ```
 * @module
 */
const [imds, vault, name, caFile] = Deno.args;
const tokenResponse = await fetch(`${imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`, {
  headers: { Metadata: "true" },
});
const token: { access_token: string } = await tokenResponse.json();
const client = Deno.createHttpClient({ caCerts: [Deno.readTextFileSync(caFile)] });
const secretResponse = await fetch(`${vault.replace(/\/$/, "")}/secrets/${name}?api-version=7.5`, {
  client,
  headers: { Authorization: `Bearer ${token.access_token}` },
});
const secret: { value?: string } = await secretResponse.json();
if (!secretResponse.ok || secret.value === undefined) Deno.exit(1);
Deno.stdout.writeSync(new TextEncoder().encode(secret.value));
