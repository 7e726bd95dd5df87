import assert from "node:assert/strict";
import { looksLikeSecretReference, parseSecretReference } from "../../src/keyvault/secret_reference.ts";
import { parseAssignment, parseEnvFile } from "../../src/cli/env_assignments.ts";

const V = "0123456789abcdef0123456789abcdef";

Deno.test("secret references: kv:// and both App Service forms parse to vault, name and version", () => {
  assert.deepEqual(parseSecretReference("kv://kv-demo/db"), { text: "kv://kv-demo/db", vault: "kv-demo", name: "db", version: undefined });
  assert.equal(parseSecretReference(`kv://kv-demo/db/${V.toUpperCase()}`).version, V);
  const uri = parseSecretReference(`@Microsoft.KeyVault(SecretUri=https://kv-demo.vault.azure.net/secrets/db/${V})`);
  assert.deepEqual([uri.vault, uri.name, uri.version], ["https://kv-demo.vault.azure.net", "db", V]);
  assert.equal(parseSecretReference("@Microsoft.KeyVault(SecretUri=https://kv-demo.vault.azure.net/secrets/db/)").version, undefined);
  const named = parseSecretReference(`@Microsoft.KeyVault(VaultName=kv-demo;SecretName=db;SecretVersion=${V})`);
  assert.deepEqual([named.vault, named.name, named.version], ["kv-demo", "db", V]);
  assert.equal(parseSecretReference("@Microsoft.KeyVault(VaultName=kv-demo; SecretName=db)").name, "db");
});

Deno.test("secret references: malformed ones are usage errors naming the reference", () => {
  for (
    const bad of [
      "kv://kv-demo",
      "kv://kv-demo/bad_name",
      "kv://kv-demo/db/notaversion",
      "@Microsoft.KeyVault(VaultName=kv-demo)",
      "@Microsoft.KeyVault(SecretUri=http://kv-demo.vault.azure.net/secrets/db)",
      "@Microsoft.KeyVault(SecretUri=https://kv-demo.vault.azure.net/keys/db)",
      "@Microsoft.KeyVault(VaultName=kv-demo;SecretName=db;Other=1)",
      "plain",
    ]
  ) {
    assert.throws(() => parseSecretReference(bad), (e: Error & { kind?: string }) => e.kind === "usage" && e.message.includes(bad), bad);
  }
  assert.ok(looksLikeSecretReference("KV://x") && looksLikeSecretReference("@Microsoft.KeyVault(") && !looksLikeSecretReference("secret"));
});

Deno.test("env assignments: --env and env files, quotes, comments, export; bad names never echo the text", () => {
  assert.deepEqual(parseAssignment("A_1=kv://v/s", "--env"), { name: "A_1", value: "kv://v/s", origin: "--env" });
  assert.deepEqual(parseEnvFile("\uFEFF# c\n\nexport A='kv://v/a'\r\nB = \"kv://v/b\"\n", "f.env").map((a) => [a.name, a.value, a.origin]), [
    ["A", "kv://v/a", "f.env:3"],
    ["B", "kv://v/b", "f.env:4"],
  ]);
  assert.throws(() => parseAssignment("hunter2", "--env"), (e: Error) => !e.message.includes("hunter2"));
  assert.throws(() => parseAssignment("1A=kv://v/s", "--env"), /'1A' is not an environment variable name/);
});
