/**
 * kvmi's certificate commands beside the official @azure/keyvault-certificates and
 * @azure/keyvault-secrets clients on one emulated vault: what kvmi creates and imports, the SDKs
 * read back the same (certificate, thumbprint, policy, private key), and what the SDK creates,
 * kvmi downloads with the same key. A user mixing kvmi with SDK-based tools sees one vault.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { ClientSecretCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import { adminEnv, startEmulator } from "../fixtures/emulator.ts";
import { decodeBase64, hex } from "../../src/keyvault/base64.ts";
import { pemBlocks } from "../../src/keyvault/pem.ts";
import { readPkcs12, writePkcs12 } from "../../src/keyvault/pkcs12.ts";

function spkiOfKey(pkcs8: Uint8Array): string {
  return createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" }).toString(
    "base64",
  );
}

function spkiOfCert(der: Uint8Array): string {
  return Buffer.from(new x509.X509Certificate(new Uint8Array(der)).publicKey.rawData).toString("base64");
}

Deno.test("kvmi cert and the official SDK clients see the same certificates and keys", async () => {
  const emu = await startEmulator({ seed: "empty" });
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cert-peer-" });
  const vaultUrl = emu.manifest.vaults["kv-demo"];
  const credential = new ClientSecretCredential(emu.manifest.tenantId, emu.manifest.admin.clientId, emu.manifest.admin.clientSecret, {
    authorityHost: emu.manifest.authorityHost,
    disableInstanceDiscovery: true,
  });
  const options = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
  const certs = new CertificateClient(vaultUrl, credential, options);
  const secrets = new SecretClient(vaultUrl, credential, options);
  const kv = (args: string[], stdin?: string) => emu.kvmi(["cert", ...args, "--vault", "kv-demo"], { env: adminEnv(emu), stdin });
  try {
    // kvmi create → the SDK reads the policy kvmi sent and the certificate Key Vault made.
    const created = await kv(["create", "--name", "from-kvmi", "--subject", "CN=kvmi.contoso.com", "--validity-months", "3"]);
    assert.equal(created.code, 0, created.stderr);
    const bundle = JSON.parse(created.stdout);
    const sdkCert = await certs.getCertificate("from-kvmi");
    assert.deepEqual([...sdkCert.cer!], [...decodeBase64(bundle.cer)]);
    assert.equal(hex(new Uint8Array(sdkCert.properties.x509Thumbprint!)), hex(decodeBase64(bundle.x5t)));
    assert.equal(sdkCert.policy?.subject, "CN=kvmi.contoso.com");
    assert.equal(sdkCert.policy?.validityInMonths, 3);
    assert.equal(sdkCert.policy?.exportable, true);
    assert.equal(sdkCert.policy?.issuerName, "Self");

    // kvmi import (PFX with a password) → the SDK's secret holds the same key.
    const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
    const local = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: "01", name: "CN=imported.peer", keys, signingAlgorithm: alg });
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
    await Deno.writeFile(`${dir}/in.pfx`, writePkcs12({ keyPkcs8: pkcs8, certificates: [new Uint8Array(local.rawData)] }, "peer-pw"));
    const imported = await kv(["import", "--name", "imported", "--file", `${dir}/in.pfx`], "peer-pw");
    assert.equal(imported.code, 0, imported.stderr);
    const secret = await secrets.getSecret("imported");
    assert.equal(secret.properties.contentType, "application/x-pkcs12");
    const fromSdk = readPkcs12(Buffer.from(secret.value!, "base64"), "");
    assert.equal(spkiOfKey(fromSdk.keyPkcs8!), spkiOfCert(new Uint8Array(local.rawData)));
    assert.deepEqual([...(await certs.getCertificate("imported")).cer!], [...new Uint8Array(local.rawData)]);

    // SDK create (PEM secret) → kvmi downloads the key the SDK's secret holds, as PEM and as PFX.
    const poller = await certs.beginCreateCertificate("from-sdk", { issuerName: "Self", subject: "CN=sdk.peer", contentType: "application/x-pem-file" }, {
      intervalInMs: 100,
    });
    const sdkCreated = await poller.pollUntilDone();
    const sdkPem = (await secrets.getSecret("from-sdk")).value!;
    const download = await kv(["download", "--name", "from-sdk", "--with-key", "--out", "-"]);
    assert.equal(download.code, 0, download.stderr);
    const blocks = pemBlocks(download.stdout);
    assert.deepEqual(blocks[0].der, pemBlocks(sdkPem).find((b) => b.label === "PRIVATE KEY")!.der);
    assert.deepEqual([...blocks[1].der], [...sdkCreated.cer!]);
    const pfx = await kv(["download", "--name", "from-sdk", "--format", "pfx", "--with-key", "--out", "-"]);
    assert.equal(pfx.code, 0, pfx.stderr);
    assert.equal(spkiOfKey(readPkcs12(decodeBase64(pfx.stdout.trim()), "").keyPkcs8!), spkiOfCert(sdkCreated.cer!));
    const listed = JSON.parse((await kv(["list"])).stdout) as { id: string }[];
    assert.deepEqual(listed.map((c) => c.id.split("/").pop()).sort(), ["from-kvmi", "from-sdk", "imported"]);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
