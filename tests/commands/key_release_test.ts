import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { adminEnv, jwtClaims, startEmulator } from "../fixtures/emulator.ts";

const ENCS = ["RSA_AES_KEY_WRAP_256", "RSA_AES_KEY_WRAP_384", "CKM_RSA_AES_KEY_WRAP"];

Deno.test("Secure Key Release end to end: attest, release, unwrap; the key matches get's n/e for every enc", async () => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const dir = await Deno.makeTempDir();
  try {
    const key = JSON.parse((await emu.kvmi(["key", "get", "--vault", "kv-demo", "--name", "cvm-key"], { env: admin })).stdout);
    assert.equal(key.key.kty, "RSA-HSM");
    assert.equal(key.attributes.exportable, true);
    assert.equal(Buffer.from(key.key.n, "base64url").length, 384, "RSA 3072");
    const vmGet = await emu.kvmi(["key", "get", "--vault", "kv-demo", "--name", "cvm-key"]);
    assert.equal(vmGet.code, 4, "the VM identity may release but not read the key");

    for (const enc of ENCS) {
      const out = `${dir}/${enc}.pem`;
      const r = await emu.kvmi(["key", "release", "--vault", "kv-demo", "--name", "cvm-key", "--enc", enc, "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).enc, enc);
      assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600, "the private key file is owner-only");
      const pub = createPublicKey(createPrivateKey(await Deno.readTextFile(out))).export({ format: "jwk" });
      assert.equal(pub.n, key.key.n, enc);
      assert.equal(pub.e, key.key.e, enc);
      assert.ok(!r.stdout.includes("PRIVATE KEY") && !r.stderr.includes("PRIVATE KEY"), "the key is never printed unless --out -");
    }
    const jwk = await emu.kvmi(["key", "release", "--vault", "kv-demo", "--name", "cvm-key", "--out", "-", "--format", "jwk"]);
    assert.equal(JSON.parse(jwk.stdout).n, key.key.n);
    const exists = await emu.kvmi(["key", "release", "--vault", "kv-demo", "--name", "cvm-key", "--out", `${dir}/${ENCS[0]}.pem`]);
    assert.equal(exists.code, 2);
    assert.match(exists.stderr, /already exists/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});

Deno.test("a token obtained elsewhere works with its transfer key; kvmi attest; policy check as a dry run", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const attest = await emu.kvmi(["attest", "--save-transfer-key", `${dir}/tk.pem`]);
    assert.equal(attest.code, 0, attest.stderr);
    await Deno.writeTextFile(`${dir}/token.jwt`, attest.stdout);
    const claims = jwtClaims(attest.stdout.trim());
    assert.equal(claims["x-ms-attestation-type"], "sevsnpvm");
    assert.equal(claims["x-ms-compliance-status"], "azure-compliant-cvm");
    assert.equal(claims.iss, emu.manifest.attestationEndpoint);
    assert.equal(claims["x-ms-runtime"].keys[0].key_ops[0], "encrypt");
    assert.equal(claims["x-ms-sevsnpvm-is-debuggable"], false);
    assert.equal(claims.exp - claims.iat, 8 * 3600);

    const r = await emu.kvmi([
      "key",
      "release",
      "--vault",
      "kv-demo",
      "--name",
      "cvm-key",
      "--attestation-token",
      `${dir}/token.jwt`,
      "--transfer-key",
      `${dir}/tk.pem`,
      "--out",
      `${dir}/k.der`,
      "--format",
      "der",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).transferKeyId, claims["x-ms-runtime"].keys[0].kid);

    const other = await emu.kvmi(["attest", "--save-transfer-key", `${dir}/tk2.pem`]);
    assert.equal(other.code, 0);
    const mismatch = await emu.kvmi([
      "key",
      "release",
      "--vault",
      "kv-demo",
      "--name",
      "cvm-key",
      "--attestation-token",
      `${dir}/token.jwt`,
      "--transfer-key",
      `${dir}/tk2.pem`,
      "--out",
      `${dir}/x.pem`,
    ]);
    assert.equal(mismatch.code, 2);
    assert.match(mismatch.stderr, /does not carry this transfer key/);

    const policy = {
      version: "1.0.0",
      anyOf: [{
        authority: emu.manifest.attestationEndpoint + "/",
        allOf: [{ claim: "x-ms-compliance-status", equals: "azure-compliant-cvm" }, { claim: "x-ms-sevsnpvm-is-debuggable", equals: "false" }],
      }],
    };
    await Deno.writeTextFile(`${dir}/policy.json`, JSON.stringify(policy));
    const check = await emu.kvmi(["key", "policy", "check", "--policy", `${dir}/policy.json`, "--token", `${dir}/token.jwt`]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /\[HELD\] .*x-ms-sevsnpvm-is-debuggable' is 'false', equals 'false' holds/);
    assert.match(check.stdout, /would release/);
    policy.anyOf[0].allOf[1].equals = "true";
    await Deno.writeTextFile(`${dir}/policy.json`, JSON.stringify(policy));
    const fails = await emu.kvmi(["key", "policy", "check", "--policy", `${dir}/policy.json`, "--token", `${dir}/token.jwt`, "-o", "json"]);
    assert.equal(fails.code, 4);
    const result = JSON.parse(fails.stdout);
    assert.equal(result.allowed, false);
    assert.ok(result.conditions.some((c: { held: boolean; detail: string }) => !c.held && /is-debuggable/.test(c.detail)));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});

Deno.test("release refusals say which condition failed", async (t) => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const dir = await Deno.makeTempDir();
  const release = (name: string, extra: string[] = []) =>
    emu.kvmi(["key", "release", "--vault", "kv-demo", "--name", name, "--out", `${dir}/${crypto.randomUUID()}.pem`, ...extra]);
  const cvm = (state: Record<string, boolean>) =>
    fetch(`${emu.manifest.imdsEndpoint}/emulator/cvm`, { method: "POST", body: JSON.stringify(state) }).then((r) => r.body?.cancel());
  const vaultScope = `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/kv-demo`;
  try {
    await t.step("non-compliant CVM (outdated firmware)", async () => {
      await cvm({ compliant: false });
      const r = await release("cvm-key");
      assert.equal(r.code, 4);
      assert.match(r.stderr, /does not meet key release policy requirements/);
      assert.match(r.stderr, /x-ms-compliance-status' is missing/);
      await cvm({ compliant: true });
    });
    await t.step("debuggable CVM", async () => {
      await cvm({ debuggable: true });
      const r = await release("cvm-key");
      assert.equal(r.code, 4);
      assert.match(r.stderr, /x-ms-compliance-status/);
      await cvm({ debuggable: false });
    });
    await t.step("an expired attestation token", async () => {
      await emu.fault({ target: "attestation", kind: "expired-token" });
      const r = await release("cvm-key");
      assert.equal(r.code, 4);
      assert.match(r.stderr, /cannot be verified\. The token expired/);
    });
    await t.step("a tampered attestation token", async () => {
      const token = (await emu.kvmi(["attest", "--save-transfer-key", `${dir}/tk.pem`])).stdout.trim();
      const [h, p, s] = token.split(".");
      const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
      claims["x-ms-sevsnpvm-is-debuggable"] = false;
      claims["x-ms-compliance-status"] = "azure-compliant-cvm";
      claims.tampered = true;
      await Deno.writeTextFile(`${dir}/bad.jwt`, `${h}.${btoa(JSON.stringify(claims)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${s}`);
      const r = await release("cvm-key", ["--attestation-token", `${dir}/bad.jwt`, "--transfer-key", `${dir}/tk.pem`]);
      assert.equal(r.code, 4);
      assert.match(r.stderr, /signature does not verify/);
    });
    await t.step("a policy bound to another authority", async () => {
      const policy = {
        version: "1.0.0",
        anyOf: [{ authority: "https://sharedeus.eus.attest.azure.net", allOf: [{ claim: "x-ms-attestation-type", equals: "sevsnpvm" }] }],
      };
      await Deno.writeTextFile(`${dir}/other.json`, JSON.stringify(policy));
      const created = await emu.kvmi(
        ["key", "create", "--vault", "kv-demo", "--name", "other-authority", "--kty", "RSA-HSM", "--policy", `${dir}/other.json`],
        { env: admin },
      );
      assert.equal(created.code, 0, created.stderr);
      await emu.kvmi(["role", "assign", "--assignee", emu.manifest.vm.principalId, "--role", "Key Vault Crypto Service Release User", "--scope", vaultScope], {
        env: admin,
      });
      const r = await release("other-authority");
      assert.equal(r.code, 4);
      assert.match(r.stderr, /No authority in the policy matches the token issuer/);
    });
    await t.step("a non-exportable key", async () => {
      const created = await emu.kvmi(["key", "create", "--vault", "kv-demo", "--name", "plain-key", "--kty", "RSA-HSM"], { env: admin });
      assert.equal(created.code, 0, created.stderr);
      const r = await release("plain-key");
      assert.equal(r.code, 4);
      assert.match(r.stderr, /not exportable|non-exportable/);
    });
    await t.step("a missing release role", async () => {
      const uami =
        `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
      const r = await release("cvm-key", ["--msi-res-id", uami]);
      assert.equal(r.code, 4);
      assert.match(r.stderr, /Microsoft\.KeyVault\/vaults\/keys\/release\/action/);
      assert.match(r.stderr, /Key Vault Crypto Service Release User/);
      assert.match(r.stderr, /08bbd89e-9f13-488c-ac41-acfcb10c90ab/);
    });
    await t.step("exportable-key rules: AKV.SKR.1004, 1005, 1006 and immutable policies", async () => {
      const noPolicy = await emu.kvmi(["key", "create", "--vault", "kv-demo", "--name", "x1", "--kty", "RSA-HSM", "--exportable"], { env: admin });
      assert.match(noPolicy.stderr, /AKV\.SKR\.1004: Exportable keys must have release policy/);
      const software = await emu.kvmi(["key", "create", "--vault", "kv-demo", "--name", "x2", "--kty", "RSA", "--default-cvm-policy"], { env: admin });
      assert.match(software.stderr, /AKV\.SKR\.1006/);
      await Deno.writeTextFile(`${dir}/bad-policy.json`, '{"version":"1.0.0","anyOf":[]}');
      const invalid = await emu.kvmi(["key", "create", "--vault", "kv-demo", "--name", "x3", "--kty", "RSA-HSM", "--policy", `${dir}/bad-policy.json`], {
        env: admin,
      });
      assert.equal(invalid.code, 2);
      assert.match(invalid.stderr, /non-empty top-level 'anyOf'/);
      const immutable = await emu.kvmi(["key", "create", "--vault", "kv-demo", "--name", "x4", "--kty", "RSA-HSM", "--default-cvm-policy", "--immutable"], {
        env: admin,
      });
      assert.equal(immutable.code, 0, immutable.stderr);
      const data = btoa(
        JSON.stringify({
          version: "1.0.0",
          anyOf: [{ authority: emu.manifest.attestationEndpoint, allOf: [{ claim: "x-ms-attestation-type", equals: "sevsnpvm" }] }],
        }),
      ).replace(/=+$/, "");
      const patch = await emu.kvmi([
        "rest",
        "--method",
        "PATCH",
        "--url",
        `${emu.manifest.vaults["kv-demo"]}/keys/x4/?api-version=7.4`,
        "--body",
        JSON.stringify({ release_policy: { data } }),
      ], { env: admin });
      assert.equal(patch.code, 1);
      assert.match(patch.stderr, /AKV\.SKR\.1020: Immutable Key Release Policy cannot be modified/);
    });
    await t.step("not a confidential VM", async () => {
      const r = await emu.kvmi(["attest"], { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9" } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /not a confidential VM/);
      assert.match(r.stderr, /--attestation-token/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});

Deno.test("kvmi key: create, list, sign/verify and wrap/unwrap against the emulator", async () => {
  const emu = await startEmulator({ seed: "empty" });
  const admin = adminEnv(emu);
  const k = (args: string[]) => emu.kvmi(["key", ...args, "--vault", "kv-demo"], { env: admin });
  const dir = await Deno.makeTempDir();
  try {
    const created = JSON.parse((await k(["create", "--name", "sig-key", "--kty", "RSA", "--size", "2048"])).stdout);
    assert.equal(created.key.kty, "RSA");
    assert.deepEqual(created.key.key_ops, ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]);
    assert.equal(created.key.d, undefined, "no private members");
    await Deno.writeTextFile(`${dir}/data.txt`, "sign me");
    const sig = JSON.parse((await k(["sign", "--name", "sig-key", "--alg", "RS256", "--data-file", `${dir}/data.txt`])).stdout);
    const ok = JSON.parse((await k(["verify", "--name", "sig-key", "--alg", "RS256", "--data-file", `${dir}/data.txt`, "--signature", sig.value])).stdout);
    assert.equal(ok.value, true);
    await Deno.writeTextFile(`${dir}/data.txt`, "changed");
    const bad = JSON.parse((await k(["verify", "--name", "sig-key", "--alg", "RS256", "--data-file", `${dir}/data.txt`, "--signature", sig.value])).stdout);
    assert.equal(bad.value, false);
    const wrapped = JSON.parse((await k(["wrap", "--name", "sig-key", "--alg", "RSA-OAEP-256", "--value", "AAECAwQFBgcICQoLDA0ODw"])).stdout);
    const unwrapped = JSON.parse((await k(["unwrap", "--name", "sig-key", "--alg", "RSA-OAEP-256", "--value", wrapped.value])).stdout);
    assert.equal(unwrapped.value, "AAECAwQFBgcICQoLDA0ODw");
    const list = JSON.parse((await k(["list"])).stdout);
    assert.equal(list.length, 1);
    const ec = JSON.parse((await k(["create", "--name", "ec-key", "--kty", "EC", "--curve", "P-384"])).stdout);
    assert.equal(ec.key.crv, "P-384");
    const vmDenied = await emu.kvmi(["key", "sign", "--vault", "kv-demo", "--name", "sig-key", "--alg", "RS256", "--digest", sig.value.slice(0, 43)]);
    assert.equal(vmDenied.code, 4);
    assert.match(vmDenied.stderr, /keys\/sign\/action/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});
