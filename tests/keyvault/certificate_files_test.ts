/**
 * The certificate files kvmi reads and writes, without a vault: PFX and PEM import checks (password,
 * key match, PKCS#1 converted to PKCS#8), and download rendering from Key Vault's secret shapes,
 * cross-checked with OpenSSL where it is installed.
 * @module
 */
import assert from "node:assert/strict";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey } from "node:crypto";
import { Buffer } from "node:buffer";
import { decodeBase64, encodeBase64, hex } from "../../src/keyvault/base64.ts";
import { CertificateFileError, prepareImport } from "../../src/keyvault/certificate_import.ts";
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE } from "../../src/keyvault/certificate_client.ts";
import { certificateOnly, materialFromSecret, renderPem, renderPfx } from "../../src/keyvault/certificate_export.ts";
import { pemBlocks, toPem } from "../../src/keyvault/pem.ts";
import { readPkcs12, writePkcs12 } from "../../src/keyvault/pkcs12.ts";

interface TestCertificate {
  der: Uint8Array;
  pkcs8: Uint8Array;
}

async function selfSigned(subject: string): Promise<TestCertificate> {
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: subject,
    keys,
    signingAlgorithm: alg,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 86_400_000),
  });
  return { der: new Uint8Array(cert.rawData), pkcs8: new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}

const web = await selfSigned("CN=web.contoso.com");
const other = await selfSigned("CN=other");

Deno.test("a PFX round-trips through node-forge: key and leaf certificate come back, and the password is checked", () => {
  const pfx = writePkcs12({ keyPkcs8: web.pkcs8, certificates: [web.der] }, "p@ss wörd");
  const read = readPkcs12(pfx, "p@ss wörd");
  assert.deepEqual(read.certificates, [web.der]);
  assert.deepEqual(read.keyPkcs8, web.pkcs8);
  assert.throws(() => readPkcs12(pfx, "wrong"), /password is wrong/);
  assert.throws(() => readPkcs12(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), ""), /not a PKCS#12/);
});

Deno.test("import: a PFX is sent as it is with its password; a wrong password, a foreign key or no key is refused", () => {
  const pfx = writePkcs12({ keyPkcs8: web.pkcs8, certificates: [web.der] }, "secret");
  const input = prepareImport(pfx, "secret");
  assert.equal(input.contentType, PKCS12_CONTENT_TYPE);
  assert.equal(input.password, "secret");
  assert.deepEqual(decodeBase64(input.value), pfx);
  assert.throws(() => prepareImport(pfx, "nope"), (e) => e instanceof CertificateFileError && /password/.test(e.message));
  const mixed = writePkcs12({ keyPkcs8: other.pkcs8, certificates: [web.der] }, "");
  assert.throws(() => prepareImport(mixed, ""), /does not belong/);
  assert.throws(() => prepareImport(writePkcs12({ certificates: [web.der] }, ""), ""), /no private key/);
  assert.throws(() => prepareImport(new TextEncoder().encode("hello"), ""), /neither a PFX/);
});

Deno.test("import: a PEM becomes PKCS#8 key first, then the leaf, \\n line ends; PKCS#1 and encrypted keys are converted", () => {
  const pkcs1 = createPrivateKey({ key: Buffer.from(web.pkcs8), format: "der", type: "pkcs8" }).export({ type: "pkcs1", format: "pem" }) as string;
  const crlf = (toPem("CERTIFICATE", other.der) + toPem("CERTIFICATE", web.der) + pkcs1).replaceAll("\n", "\r\n");
  const input = prepareImport(new TextEncoder().encode(crlf), "");
  assert.equal(input.contentType, PEM_CONTENT_TYPE);
  assert.equal(input.password, undefined);
  assert.ok(!input.value.includes("\r"));
  assert.deepEqual(pemBlocks(input.value).map((b) => b.label), ["PRIVATE KEY", "CERTIFICATE", "CERTIFICATE"]);
  assert.deepEqual(pemBlocks(input.value)[1].der, web.der, "the leaf comes right after the key");

  const encrypted = createPrivateKey({ key: Buffer.from(web.pkcs8), format: "der", type: "pkcs8" })
    .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
  const pem = new TextEncoder().encode(encrypted + toPem("CERTIFICATE", web.der));
  assert.deepEqual(pemBlocks(prepareImport(pem, "pw").value)[0].der, web.pkcs8);
  assert.throws(() => prepareImport(pem, "bad"), /encrypted/);
  assert.throws(() => prepareImport(new TextEncoder().encode(toPem("CERTIFICATE", web.der)), ""), /0 private keys/);

  // OpenSSL's traditional encrypted key (`openssl genrsa -aes256`): Proc-Type and DEK-Info headers.
  const traditional = createPrivateKey({ key: Buffer.from(web.pkcs8), format: "der", type: "pkcs8" })
    .export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
  assert.match(traditional, /Proc-Type: 4,ENCRYPTED/);
  const legacy = new TextEncoder().encode(traditional + toPem("CERTIFICATE", web.der));
  assert.deepEqual(pemBlocks(prepareImport(legacy, "pw").value)[0].der, web.pkcs8);
  assert.throws(() => prepareImport(legacy, "bad"), /encrypted/);
});

Deno.test("download: a PFX secret (empty password) gives PEM key + certificate, and the same PFX bytes back", () => {
  const kvPfx = writePkcs12({ keyPkcs8: web.pkcs8, certificates: [web.der] }, "");
  const material = materialFromSecret({ id: "https://v/secrets/web/0", attributes: {}, contentType: PKCS12_CONTENT_TYPE, value: encodeBase64(kvPfx) });
  assert.deepEqual(material.keyPkcs8, web.pkcs8);
  assert.deepEqual(renderPfx(material, ""), kvPfx, "Key Vault's own PFX is written unchanged");
  const withPassword = renderPfx(material, "pw");
  assert.deepEqual(readPkcs12(withPassword, "pw").keyPkcs8, web.pkcs8);
  const pem = renderPem(material);
  assert.deepEqual(pemBlocks(pem).map((b) => b.label), ["PRIVATE KEY", "CERTIFICATE"]);
});

Deno.test("download: a PEM secret and a certificate alone", () => {
  const value = toPem("PRIVATE KEY", web.pkcs8) + toPem("CERTIFICATE", web.der);
  const material = materialFromSecret({ id: "https://v/secrets/web/0", attributes: {}, contentType: PEM_CONTENT_TYPE, value });
  assert.equal(renderPem(material), value);
  const pfx = renderPfx(material, "");
  assert.deepEqual(readPkcs12(pfx, "").keyPkcs8, web.pkcs8);
  const alone = certificateOnly({ id: "https://v/certificates/web/0", cer: encodeBase64(web.der) });
  assert.equal(renderPem(alone), toPem("CERTIFICATE", web.der));
  assert.equal(readPkcs12(renderPfx(alone, ""), "").keyPkcs8, undefined);
});

Deno.test("OpenSSL reads the PFX kvmi writes, with and without a password", async () => {
  const openssl = await new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" }).output().catch(() => undefined);
  if (!openssl?.success) return;
  const dir = await Deno.makeTempDir();
  try {
    for (const password of ["", "pw"]) {
      await Deno.writeFile(`${dir}/x.pfx`, writePkcs12({ keyPkcs8: web.pkcs8, certificates: [web.der] }, password));
      const out = await new Deno.Command("openssl", {
        args: ["pkcs12", "-in", `${dir}/x.pfx`, "-nodes", "-passin", `pass:${password}`, ...(await legacy())],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const text = new TextDecoder().decode(out.stdout);
      assert.match(text, /BEGIN PRIVATE KEY/);
      assert.ok(text.includes(toPem("CERTIFICATE", web.der).trim()));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** OpenSSL 3 needs -legacy for 3DES PFX files (the algorithm Key Vault and Windows use). */
async function legacy(): Promise<string[]> {
  const out = await new Deno.Command("openssl", { args: ["version"], stdout: "piped" }).output();
  return /OpenSSL 3/.test(new TextDecoder().decode(out.stdout)) ? ["-legacy"] : [];
}

Deno.test("thumbprints: hex of the base64url x5t is the SHA-1 of the DER", async () => {
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", new Uint8Array(web.der)));
  const x5t = encodeBase64(sha1).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  assert.equal(x5t.length, 27);
  assert.equal(hex(decodeBase64(x5t)), hex(sha1));
  assert.match(hex(sha1), /^[0-9A-F]{40}$/);
});
