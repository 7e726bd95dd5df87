/**
 * @azure/keyvault-certificates as a peer: the official CertificateClient runs every operation of
 * the emulated certificates data plane (create and poll, get, versions, list paging, policy,
 * properties, import PFX/PEM, Unknown issuer + merge with a CA made here, cancel, delete /
 * recover / purge, backup / restore, contacts, issuers), SecretClient downloads the PFX, and a
 * Certificate User identity reads but may not create. If the SDK disagrees, the emulator is wrong.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
// @deno-types="npm:@types/node-forge@^1.3.14"
import forge from "node-forge";
import { ClientSecretCredential } from "@azure/identity";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { CertificateClient, type CertificatePolicy } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import { assignRole, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const SELF: CertificatePolicy = { issuerName: "Self", subject: "CN=sdk.contoso.internal" };
const CA_ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

function spkiOfCert(der: Uint8Array): string {
  return createPublicKey({ key: Buffer.from(new x509.X509Certificate(new Uint8Array(der)).publicKey.rawData), format: "der", type: "spki" })
    .export({ format: "der", type: "spki" }).toString("base64");
}

function spkiOfKey(key: KeyObject | string): string {
  return createPublicKey(key).export({ format: "der", type: "spki" }).toString("base64");
}

/** A self-signed RSA certificate and its key, made locally (what a user would import). */
async function localCertificate(subject: string): Promise<{ der: Uint8Array; privateKey: KeyObject }> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const signingKey = await crypto.subtle.importKey("pkcs8", pkcs8, alg, true, ["sign"]);
  const publicKey = await crypto.subtle.importKey("spki", createPublicKey(privateKey).export({ format: "der", type: "spki" }), alg, true, ["verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: alg,
    keys: { privateKey: signingKey, publicKey },
  });
  return { der: new Uint8Array(cert.rawData), privateKey };
}

/** A PFX of a key and certificate with `password`, made with node-forge. */
function pfx(der: Uint8Array, privateKey: KeyObject, password: string): Uint8Array {
  const key = forge.pki.privateKeyFromPem(privateKey.export({ format: "pem", type: "pkcs1" }) as string);
  const cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(Buffer.from(der).toString("binary")));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, cert, password, { algorithm: "3des" });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"));
}

function pem(der: Uint8Array, label: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

Deno.test("official CertificateClient against the emulator", async (t) => {
  const emu = await startEmulator({ seed: "empty" });
  const vaultUrl = emu.manifest.vaults["kv-demo"];
  const credential = new ClientSecretCredential(emu.manifest.tenantId, emu.manifest.admin.clientId, emu.manifest.admin.clientSecret, {
    authorityHost: emu.manifest.authorityHost,
    disableInstanceDiscovery: true,
  });
  const options = { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } };
  const certs = new CertificateClient(vaultUrl, credential, options);
  const poll = { intervalInMs: 100 };
  try {
    let firstVersion = "";
    await t.step("beginCreateCertificate (Self) + pollUntilDone, getCertificate, getCertificateVersion", async () => {
      const poller = await certs.beginCreateCertificate("sdk-self", SELF, { ...poll, tags: { app: "sdk" } });
      const created = await poller.pollUntilDone();
      assert.equal(created.name, "sdk-self");
      assert.equal(created.properties.enabled, true);
      assert.match(created.properties.version!, /^[0-9a-f]{32}$/);
      assert.equal(created.policy?.subject, "CN=sdk.contoso.internal");
      assert.equal(created.policy?.issuerName, "Self");
      assert.equal(created.keyId, `${vaultUrl}/keys/sdk-self/${created.properties.version}`);
      assert.equal(created.secretId, `${vaultUrl}/secrets/sdk-self/${created.properties.version}`);
      assert.equal(new x509.X509Certificate(new Uint8Array(created.cer!)).subject, "CN=sdk.contoso.internal");
      assert.equal(Buffer.from(created.properties.x509Thumbprint!).toString("hex"), createHash("sha1").update(created.cer!).digest("hex"));
      firstVersion = created.properties.version!;
      const got = await certs.getCertificate("sdk-self");
      assert.equal(got.properties.version, firstVersion);
      assert.deepEqual(got.properties.tags, { app: "sdk" });
      const byVersion = await certs.getCertificateVersion("sdk-self", firstVersion);
      assert.deepEqual([...byVersion.cer!], [...created.cer!]);
    });
    await t.step("SecretClient.getSecret(certName) returns the PFX with the private key", async () => {
      const secrets = new SecretClient(vaultUrl, credential, options);
      const secret = await secrets.getSecret("sdk-self");
      assert.equal(secret.properties.contentType, "application/x-pkcs12");
      assert.equal(secret.properties.managed, true);
      assert.equal(secret.properties.certificateKeyId, `${vaultUrl}/keys/sdk-self/${firstVersion}`);
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(secret.value!, "base64").toString("binary")), "");
      const bag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]![0];
      const cert = await certs.getCertificate("sdk-self");
      assert.equal(spkiOfKey(forge.pki.privateKeyToPem(bag.key!)), spkiOfCert(cert.cer!));
    });
    await t.step("listPropertiesOfCertificates byPage with a small page size, listPropertiesOfCertificateVersions", async () => {
      await (await certs.beginCreateCertificate("sdk-self", SELF, poll)).pollUntilDone();
      await (await certs.beginCreateCertificate("sdk-other", SELF, poll)).pollUntilDone();
      const pages: string[][] = [];
      // This SDK ignores byPage's maxPageSize; its generated options pass `maxresults` through to the query.
      const small = { maxresults: 1 } as Parameters<typeof certs.listPropertiesOfCertificates>[0];
      for await (const p of certs.listPropertiesOfCertificates(small).byPage()) pages.push(p.map((c) => c.name!));
      assert.deepEqual(pages, [["sdk-other"], ["sdk-self"]]);
      const versions: string[] = [];
      for await (const v of certs.listPropertiesOfCertificateVersions("sdk-self")) versions.push(v.version!);
      assert.equal(versions.length, 2);
      assert.ok(versions.includes(firstVersion));
    });
    await t.step("getCertificatePolicy / updateCertificatePolicy", async () => {
      const policy = await certs.getCertificatePolicy("sdk-self");
      assert.equal(policy.keyType, "RSA");
      assert.equal(policy.keySize, 2048);
      assert.equal(policy.exportable, true);
      assert.equal(policy.validityInMonths, 12);
      assert.equal(policy.contentType, "application/x-pkcs12");
      assert.deepEqual(policy.enhancedKeyUsage, ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
      assert.deepEqual(policy.lifetimeActions, [{ action: "AutoRenew", lifetimePercentage: 80, daysBeforeExpiry: undefined }]);
      // 4.10.3 returns toPublicPolicy(undefined) here (its onResponse hook is never wired), so read the policy back.
      await certs.updateCertificatePolicy("sdk-self", { ...SELF, subject: "CN=changed", validityInMonths: 24 });
      const updated = await certs.getCertificatePolicy("sdk-self");
      assert.equal(updated.subject, "CN=changed");
      assert.equal(updated.validityInMonths, 24);
      assert.equal(updated.keySize, 2048, "the merge keeps what was not sent");
    });
    await t.step("updateCertificateProperties (tags, enabled); a disabled certificate still reads", async () => {
      const updated = await certs.updateCertificateProperties("sdk-self", "", { enabled: false, tags: { stage: "off" } });
      assert.equal(updated.properties.enabled, false);
      assert.deepEqual(updated.properties.tags, { stage: "off" });
      const got = await certs.getCertificate("sdk-self");
      assert.equal(got.properties.enabled, false);
      await certs.updateCertificateProperties("sdk-self", "", { enabled: true });
    });
    await t.step("importCertificate: PFX with a password, PFX without, PEM", async () => {
      const local = await localCertificate("CN=imported");
      const withPassword = await certs.importCertificate("sdk-pfx-pw", pfx(local.der, local.privateKey, "s3cret"), { password: "s3cret" });
      assert.deepEqual([...withPassword.cer!], [...local.der]);
      assert.equal(withPassword.policy?.subject, "CN=imported");
      assert.equal(withPassword.policy?.issuerName, "Unknown");
      const noPassword = await certs.importCertificate("sdk-pfx", pfx(local.der, local.privateKey, ""));
      assert.deepEqual([...noPassword.cer!], [...local.der]);
      const pemText = pem(new Uint8Array(local.privateKey.export({ format: "der", type: "pkcs8" })), "PRIVATE KEY") + pem(local.der, "CERTIFICATE");
      const fromPem = await certs.importCertificate("sdk-pem", new TextEncoder().encode(pemText), {
        policy: { ...SELF, contentType: "application/x-pem-file" },
      });
      assert.deepEqual([...fromPem.cer!], [...local.der]);
      const secret = await new SecretClient(vaultUrl, credential, options).getSecret("sdk-pem");
      assert.equal(secret.properties.contentType, "application/x-pem-file");
      assert.equal(spkiOfKey(secret.value!.slice(0, secret.value!.indexOf("-----BEGIN CERTIFICATE"))), spkiOfKey(local.privateKey));
      await assert.rejects(
        certs.importCertificate("sdk-bad", pfx(local.der, local.privateKey, "right"), { password: "wrong" }),
        (e: { statusCode?: number }) => e.statusCode === 400,
      );
    });
    await t.step("issuer Unknown: getCertificateOperation shows the CSR; mergeCertificate with a CA made here", async () => {
      const poller = await certs.beginCreateCertificate("sdk-merge", { issuerName: "Unknown", subject: "CN=merge.contoso.internal" }, poll);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(poller.isDone(), false);
      const opPoller = await certs.getCertificateOperation("sdk-merge", poll);
      const op = opPoller.getOperationState().certificateOperation!;
      assert.equal(op.status, "inProgress");
      assert.equal(op.statusDetails, "Pending certificate created. Please Perform Merge to complete the request.");
      const csr = new x509.Pkcs10CertificateRequest(new Uint8Array(op.csr!));
      assert.equal(csr.subject, "CN=merge.contoso.internal");
      const caKeys = await crypto.subtle.generateKey(CA_ALG, true, ["sign", "verify"]) as CryptoKeyPair;
      const ca = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: "0a",
        name: "CN=sdk test CA",
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingAlgorithm: CA_ALG,
        keys: caKeys,
        extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
      });
      const signed = await x509.X509CertificateGenerator.create({
        serialNumber: "0b",
        subject: csr.subject,
        issuer: ca.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 30 * 86_400_000),
        signingAlgorithm: CA_ALG,
        publicKey: csr.publicKey,
        signingKey: caKeys.privateKey,
      });
      const merged = await certs.mergeCertificate("sdk-merge", [new Uint8Array(signed.rawData), new Uint8Array(ca.rawData)]);
      assert.deepEqual([...merged.cer!], [...new Uint8Array(signed.rawData)]);
      assert.equal(merged.properties.enabled, true);
      assert.equal(new x509.X509Certificate(new Uint8Array(merged.cer!)).issuer, "CN=sdk test CA");
      const done = await poller.pollUntilDone();
      assert.equal(done.properties.version, merged.properties.version);
      const secret = await new SecretClient(vaultUrl, credential, options).getSecret("sdk-merge");
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(secret.value!, "base64").toString("binary")), "");
      assert.equal((p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? []).length, 2, "leaf and CA in the PFX");
    });
    await t.step("cancel an Unknown-issuer operation, then deleteCertificateOperation", async () => {
      const poller = await certs.beginCreateCertificate("sdk-cancel", { issuerName: "Unknown", subject: "CN=cancel" }, poll);
      await poller.cancelOperation();
      const op = (await certs.getCertificateOperation("sdk-cancel")).getOperationState().certificateOperation!;
      assert.equal(op.cancellationRequested, true);
      assert.equal(op.status, "cancelled");
      const deleted = await certs.deleteCertificateOperation("sdk-cancel");
      assert.equal(deleted.status, "cancelled");
      await assert.rejects(certs.getCertificateOperation("sdk-cancel"), (e: { statusCode?: number }) => e.statusCode === 404);
      assert.equal((await certs.getCertificate("sdk-cancel")).name, "sdk-cancel");
    });
    await t.step("beginDeleteCertificate, listDeletedCertificates, beginRecoverDeletedCertificate, purgeDeletedCertificate", async () => {
      const deleted = await (await certs.beginDeleteCertificate("sdk-other", poll)).pollUntilDone();
      assert.equal(deleted.recoveryId, `${vaultUrl}/deletedcertificates/sdk-other`);
      const names: string[] = [];
      for await (const d of certs.listDeletedCertificates()) names.push(d.name!);
      assert.deepEqual(names, ["sdk-other"]);
      const recovered = await (await certs.beginRecoverDeletedCertificate("sdk-other", poll)).pollUntilDone();
      assert.equal(recovered.name, "sdk-other");
      assert.equal((await new SecretClient(vaultUrl, credential, options).getSecret("sdk-other")).properties.managed, true);
      await (await certs.beginDeleteCertificate("sdk-other", poll)).pollUntilDone();
      assert.equal(await certs.purgeDeletedCertificate("sdk-other"), null);
      await assert.rejects(certs.getDeletedCertificate("sdk-other"), (e: { statusCode?: number }) => e.statusCode === 404);
    });
    await t.step("backupCertificate / restoreCertificateBackup", async () => {
      const backup = await certs.backupCertificate("sdk-pfx");
      assert.ok(backup && backup.length > 100);
      await (await certs.beginDeleteCertificate("sdk-pfx", poll)).pollUntilDone();
      await assert.rejects(certs.restoreCertificateBackup(backup!), (e: { statusCode?: number }) => e.statusCode === 409, "the name is still taken (deleted)");
      await certs.purgeDeletedCertificate("sdk-pfx");
      const restored = await certs.restoreCertificateBackup(backup!);
      assert.equal(restored.name, "sdk-pfx");
      assert.ok((await new SecretClient(vaultUrl, credential, options).getSecret("sdk-pfx")).value);
      await assert.rejects(certs.restoreCertificateBackup(new Uint8Array([1, 2, 3])), (e: { statusCode?: number }) => e.statusCode === 400);
    });
    await t.step("contacts: setContacts, getContacts, deleteContacts", async () => {
      const contacts = [{ email: "admin@contoso.com", name: "Admin", phone: "555-0100" }];
      assert.deepEqual(await certs.setContacts(contacts), contacts);
      assert.deepEqual(await certs.getContacts(), contacts);
      await certs.deleteContacts(); // 4.10.3 drops the response body here (same unwired onResponse hook)
      await assert.rejects(certs.getContacts(), (e: { statusCode?: number }) => e.statusCode === 404);
    });
    await t.step("issuers: createIssuer, getIssuer, updateIssuer, listPropertiesOfIssuers, deleteIssuer", async () => {
      const created = await certs.createIssuer("sdk-issuer", "Test", { accountId: "acct", password: "pw", enabled: true });
      assert.equal(created.provider, "Test");
      assert.equal(created.accountId, "acct");
      assert.equal(created.password, undefined, "the password is never returned");
      const updated = await certs.updateIssuer("sdk-issuer", { accountId: "acct2" });
      assert.equal(updated.accountId, "acct2");
      assert.equal(updated.provider, "Test");
      assert.equal((await certs.getIssuer("sdk-issuer")).accountId, "acct2");
      const listed: string[] = [];
      for await (const i of certs.listPropertiesOfIssuers()) listed.push(`${i.id}:${i.provider}`);
      assert.deepEqual(listed, [`${vaultUrl}/certificates/issuers/sdk-issuer:Test`]);
      // The SDK names an issuer by parsing its id as a certificate id (so `name` reads "issuers", on Azure too); the id is exact.
      assert.equal((await certs.deleteIssuer("sdk-issuer")).id, `${vaultUrl}/certificates/issuers/sdk-issuer`);
      await assert.rejects(certs.getIssuer("sdk-issuer"), (e: { statusCode?: number }) => e.statusCode === 404);
    });
    await t.step("a Certificate User identity reads the certificate and gets a 403 on create", async () => {
      const put = await assignRole(emu, emu.manifest.vm.principalId, "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", vaultScope(emu));
      assert.equal(put.status, 201);
      const vmCredential: TokenCredential = {
        getToken: async (): Promise<AccessToken> => ({ token: await vmToken(emu, "https://vault.azure.net"), expiresOnTimestamp: Date.now() + 3_600_000 }),
      };
      const asUser = new CertificateClient(vaultUrl, vmCredential, options);
      assert.equal((await asUser.getCertificate("sdk-self")).name, "sdk-self");
      assert.ok((await new SecretClient(vaultUrl, vmCredential, options).getSecret("sdk-self")).value, "Certificate User may download the PFX");
      await assert.rejects(
        asUser.beginCreateCertificate("sdk-denied", SELF),
        (e: { statusCode?: number; code?: string; message: string }) =>
          e.statusCode === 403 && e.code === "Forbidden" && e.message.includes("Microsoft.KeyVault/vaults/certificates/create/action"),
      );
    });
  } finally {
    await emu.stop();
  }
});
