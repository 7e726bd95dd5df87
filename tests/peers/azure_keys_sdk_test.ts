/**
 * @azure/keyvault-keys as a peer: KeyClient creates an exportable key with a release policy and
 * releases it with a token from the emulator's attestation service; CryptographyClient signs,
 * verifies, wraps and unwraps against the emulator. Admin credentials only (no managed identity,
 * so no process-wide msal state is touched).
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { startEmulator } from "../fixtures/emulator.ts";
import { loadTransferKey } from "../../src/attestation/transfer_key.ts";
import { unwrapKeyHsm } from "../../src/skr/key_wrap.ts";
import { verifyReleaseJws } from "../../src/skr/release_verify.ts";
import { createPublicKey } from "node:crypto";

Deno.test("official KeyClient and CryptographyClient against the emulator", async (t) => {
  const emu = await startEmulator({ seed: "empty" });
  const dir = await Deno.makeTempDir();
  const credential = new ClientSecretCredential(emu.manifest.tenantId, emu.manifest.admin.clientId, emu.manifest.admin.clientSecret, {
    authorityHost: emu.manifest.authorityHost,
    disableInstanceDiscovery: true,
  });
  const options = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
  const keys = new KeyClient(emu.manifest.vaults["kv-demo"], credential, options);
  try {
    await t.step("createRsaKey with exportable and a release policy, then releaseKey with an attestation token", async () => {
      const policy = {
        version: "1.0.0",
        anyOf: [{ authority: emu.manifest.attestationEndpoint, allOf: [{ claim: "x-ms-compliance-status", equals: "azure-compliant-cvm" }] }],
      };
      const key = await keys.createRsaKey("sdk-release", {
        hsm: true,
        keySize: 2048,
        exportable: true,
        releasePolicy: { encodedPolicy: new TextEncoder().encode(JSON.stringify(policy)) },
      });
      assert.equal(key.keyType, "RSA-HSM");
      assert.equal(key.properties.exportable, true);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(key.properties.releasePolicy!.encodedPolicy)), policy);
      const attest = await emu.kvmi(["attest", "--save-transfer-key", `${dir}/tk.pem`]);
      assert.equal(attest.code, 0, attest.stderr);
      const released = await keys.releaseKey("sdk-release", attest.stdout.trim(), { algorithm: "RSA_AES_KEY_WRAP_256", nonce: "sdk-nonce" });
      const payload = await verifyReleaseJws(released.value, new URL(emu.manifest.vaults["kv-demo"]).hostname, [
        await Deno.readTextFile(emu.manifest.caCertFile),
      ]);
      assert.equal(payload.request.nonce, "sdk-nonce");
      assert.equal(payload.request.enc, "RSA_AES_KEY_WRAP_256");
      const { privateKey } = unwrapKeyHsm(payload.response.key.key.key_hsm!, await loadTransferKey(`${dir}/tk.pem`), "RSA_AES_KEY_WRAP_256");
      assert.equal((createPublicKey(privateKey).export({ format: "jwk" }) as { n: string }).n, Buffer.from(key.key!.n!).toString("base64url"));
    });
    await t.step("releaseKey refuses a non-exportable key", async () => {
      await keys.createRsaKey("sdk-plain", { hsm: true });
      const token = (await emu.kvmi(["attest"])).stdout.trim();
      await assert.rejects(keys.releaseKey("sdk-plain", token), (e: { statusCode?: number }) => e.statusCode === 403);
    });
    await t.step("createRsaKey refuses exportable without a policy (AKV.SKR.1004)", async () => {
      await assert.rejects(keys.createRsaKey("sdk-bad", { hsm: true, exportable: true }), /AKV\.SKR\.1004/);
    });
    await t.step("CryptographyClient sign/verify (RS256) and wrapKey/unwrapKey (RSA-OAEP-256)", async () => {
      const key = await keys.createRsaKey("sdk-crypto", { keySize: 2048 });
      const crypto = new CryptographyClient(key.id!, credential, options);
      const digest = createHash("sha256").update("hello kvmi").digest();
      const signed = await crypto.sign("RS256", digest);
      assert.equal(signed.result.length, 256);
      assert.equal((await crypto.verify("RS256", digest, signed.result)).result, true);
      assert.equal((await crypto.verify("RS256", createHash("sha256").update("other").digest(), signed.result)).result, false);
      const wrapped = await crypto.wrapKey("RSA-OAEP-256", new Uint8Array(32).fill(7));
      const unwrapped = await crypto.unwrapKey("RSA-OAEP-256", wrapped.result);
      assert.deepEqual([...unwrapped.result], [...new Uint8Array(32).fill(7)]);
      const encrypted = await crypto.encrypt({ algorithm: "RSA-OAEP", plaintext: new TextEncoder().encode("secret") });
      assert.equal(new TextDecoder().decode((await crypto.decrypt({ algorithm: "RSA-OAEP", ciphertext: encrypted.result })).result), "secret");
    });
    await t.step("importKey with a private JWK, then beginDeleteKey, getDeletedKey, purge", async () => {
      const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
      const toBytes = (v: string) => new Uint8Array(Buffer.from(v, "base64url"));
      const imported = await keys.importKey("sdk-imported", {
        kty: "RSA",
        n: toBytes(jwk.n),
        e: toBytes(jwk.e),
        d: toBytes(jwk.d),
        p: toBytes(jwk.p),
        q: toBytes(jwk.q),
        dp: toBytes(jwk.dp),
        dq: toBytes(jwk.dq),
        qi: toBytes(jwk.qi),
      });
      assert.equal(Buffer.from(imported.key!.n!).toString("base64url"), jwk.n);
      assert.equal(imported.key!.d, undefined, "private members never come back");
      const poller = await keys.beginDeleteKey("sdk-imported", { intervalInMs: 100 });
      const deleted = await poller.pollUntilDone();
      assert.equal(deleted.name, "sdk-imported");
      assert.equal((await keys.getDeletedKey("sdk-imported")).name, "sdk-imported");
      await keys.purgeDeletedKey("sdk-imported");
      await assert.rejects(keys.getKey("sdk-imported"), (e: { statusCode?: number }) => e.statusCode === 404);
    });
    await t.step("list and get through the SDK", async () => {
      const names = [];
      for await (const p of keys.listPropertiesOfKeys()) names.push(p.name);
      assert.deepEqual(names.sort(), ["sdk-crypto", "sdk-plain", "sdk-release"]);
      const got = await keys.getKey("sdk-crypto");
      assert.equal(got.keyType, "RSA");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});
