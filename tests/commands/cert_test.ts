/**
 * `kvmi cert` against the emulator: create and wait, show in every format, list, versions,
 * download with and without the key (PEM, PFX, owner-only file, stdout), import of PFX and PEM
 * with the password from a file or stdin, soft delete, recover, purge, and the 403 explanations.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, verify as nodeVerify, X509Certificate } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { adminEnv, type EmulatorHandle, removeRoleAssignments, startEmulator, vaultScope } from "../fixtures/emulator.ts";
import { decodeBase64, hex } from "../../src/keyvault/base64.ts";
import { pemBlocks, toPem } from "../../src/keyvault/pem.ts";
import { readPkcs12, writePkcs12 } from "../../src/keyvault/pkcs12.ts";

const sha1Hex = async (der: Uint8Array) => hex(new Uint8Array(await crypto.subtle.digest("SHA-1", new Uint8Array(der))));

/** Whether a PKCS#8 key is the private half of a certificate's public key. */
function keyMatches(pkcs8: Uint8Array, certificateDer: Uint8Array): boolean {
  const spki = createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
  const cert = new x509.X509Certificate(new Uint8Array(certificateDer));
  return Buffer.from(cert.publicKey.rawData).equals(spki);
}

async function localCertificate(subject: string): Promise<{ der: Uint8Array; pkcs8: Uint8Array }> {
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a",
    name: subject,
    keys,
    signingAlgorithm: alg,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 30 * 86_400_000),
  });
  return { der: new Uint8Array(cert.rawData), pkcs8: new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey)) };
}

async function roleAssign(emu: EmulatorHandle, role: string): Promise<void> {
  const r = await emu.kvmi(["role", "assign", "--assignee", emu.manifest.vm.principalId, "--role", role, "--scope", vaultScope(emu)], { env: adminEnv(emu) });
  assert.equal(r.code, 0, r.stderr);
}

Deno.test("cert create waits for the certificate; show, list, versions and download give it back, the key only when asked", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cert-" });
  const kv = (args: string[], stdin?: string) => emu.kvmi(["cert", ...args, "--vault", "kv-demo"], { env: adminEnv(emu), stdin });
  try {
    const created = await kv(["create", "--name", "app-cert", "--subject", "CN=app.contoso.com", "--validity-months", "6"]);
    assert.equal(created.code, 0, created.stderr);
    const bundle = JSON.parse(created.stdout);
    assert.match(bundle.id, /\/certificates\/app-cert\/[0-9a-f]{32}$/);
    assert.match(bundle.x5t, /^[A-Za-z0-9_-]{27}$/, "x5t is base64url without padding");
    const der = decodeBase64(bundle.cer);
    assert.equal(hex(decodeBase64(bundle.x5t)), await sha1Hex(der), "x5t is the SHA-1 of cer");
    const cert = new x509.X509Certificate(new Uint8Array(der));
    assert.equal(cert.subject, "CN=app.contoso.com");
    const months = (cert.notAfter.getTime() - cert.notBefore.getTime()) / (30.4 * 86_400_000);
    assert.ok(months > 5.5 && months < 6.5, `validity of ${months.toFixed(1)} months`);
    assert.equal(bundle.policy.key_props.exportable, true);
    assert.equal(bundle.policy.issuer.name, "Self");
    assert.equal(bundle.attributes.enabled, true);

    const shown = JSON.parse((await kv(["show", "--name", "app-cert"])).stdout);
    assert.equal(shown.id, bundle.id);
    for (const member of ["kid", "sid", "x5t", "cer", "policy", "attributes"]) assert.ok(member in shown, `show -o json has ${member}`);
    const table = await kv(["show", "--name", "app-cert", "-o", "table"]);
    assert.match(table.stdout, /Subject\s+CN=app\.contoso\.com/);
    assert.ok(table.stdout.includes(await sha1Hex(der)), "table shows the thumbprint in hex");
    assert.equal((await kv(["show", "--name", "app-cert", "-o", "raw"])).stdout, toPem("CERTIFICATE", der));
    const withVersion = await kv(["show", "--name", "app-cert", "--version", bundle.id.split("/").pop()]);
    assert.equal(JSON.parse(withVersion.stdout).x5t, bundle.x5t);

    const list = JSON.parse((await kv(["list"])).stdout) as { id: string; x5t: string }[];
    assert.ok(list.some((c) => c.id.endsWith("/certificates/app-cert") && c.x5t === bundle.x5t));
    assert.match((await kv(["list", "-o", "table"])).stdout, /app-cert/);
    const versions = JSON.parse((await kv(["versions", "--name", "app-cert"])).stdout);
    assert.equal(versions.length, 1);
    assert.equal(versions[0].id, bundle.id);

    // PEM with the key: an owner-only file, PKCS#8 key first, the key matches the certificate.
    const pemPath = `${dir}/app.pem`;
    const download = await kv(["download", "--name", "app-cert", "--with-key", "--out", pemPath]);
    assert.equal(download.code, 0, download.stderr);
    const summary = JSON.parse(download.stdout);
    assert.equal(summary.thumbprint, await sha1Hex(der));
    assert.equal(summary.withKey, true);
    assert.ok(!download.stdout.includes("PRIVATE KEY"));
    assert.equal((await Deno.stat(pemPath)).mode! & 0o777, 0o600);
    const blocks = pemBlocks(await Deno.readTextFile(pemPath));
    assert.deepEqual(blocks.map((b) => b.label), ["PRIVATE KEY", "CERTIFICATE"]);
    assert.deepEqual(blocks[1].der, der);
    assert.ok(keyMatches(blocks[0].der, der));

    const again = await kv(["download", "--name", "app-cert", "--with-key", "--out", pemPath]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
    assert.equal((await kv(["download", "--name", "app-cert", "--out", pemPath, "--force"])).code, 0);
    assert.deepEqual(pemBlocks(await Deno.readTextFile(pemPath)).map((b) => b.label), ["CERTIFICATE"], "without --with-key, no key");

    // PFX on stdout (base64, only with --out -), and a PFX file with a password.
    const stdoutPfx = await kv(["download", "--name", "app-cert", "--format", "pfx", "--with-key", "--out", "-"]);
    assert.equal(stdoutPfx.code, 0, stdoutPfx.stderr);
    const pfx = readPkcs12(decodeBase64(stdoutPfx.stdout.trim()), "");
    assert.deepEqual(pfx.certificates[0], der);
    assert.ok(keyMatches(pfx.keyPkcs8!, der));
    await Deno.writeTextFile(`${dir}/pw.txt`, "pfx pässword\n");
    const pfxPath = `${dir}/app.pfx`;
    const pfxFile = await kv(["download", "--name", "app-cert", "--format", "pfx", "--with-key", "--password-file", `${dir}/pw.txt`, "--out", pfxPath]);
    assert.equal(pfxFile.code, 0, pfxFile.stderr);
    assert.ok(readPkcs12(await Deno.readFile(pfxPath), "pfx pässword").keyPkcs8, "the password file's trailing newline is not part of the password");
    assert.throws(() => readPkcs12(Deno.readFileSync(pfxPath), ""));

    // A full policy: an EC P-256 key stored as PEM; its key comes back and matches.
    await Deno.writeTextFile(
      `${dir}/ec-policy.json`,
      JSON.stringify({
        key_props: { exportable: true, kty: "EC", crv: "P-256", reuse_key: false },
        secret_props: { contentType: "application/x-pem-file" },
        x509_props: { subject: "CN=ec.contoso.com", validity_months: 3 },
        issuer: { name: "Self" },
      }),
    );
    const ec = await kv(["create", "--name", "ec-cert", "--policy", `${dir}/ec-policy.json`]);
    assert.equal(ec.code, 0, ec.stderr);
    const ecBundle = JSON.parse(ec.stdout);
    assert.equal(ecBundle.policy.key_props.kty, "EC");
    const ecPem = await kv(["download", "--name", "ec-cert", "--with-key", "--out", "-"]);
    assert.equal(ecPem.code, 0, ecPem.stderr);
    const ecBlocks = pemBlocks(ecPem.stdout);
    assert.deepEqual(ecBlocks[1].der, decodeBase64(ecBundle.cer));
    assert.ok(keyMatches(ecBlocks[0].der, ecBlocks[1].der));
    // The certificate's backing key (same name) signs ES256 in Key Vault; the certificate's public key verifies it.
    await Deno.writeTextFile(`${dir}/payload.bin`, "signed by a certificate's key");
    const ecSign = await emu.kvmi(["key", "sign", "--vault", "kv-demo", "--name", "ec-cert", "--alg", "ES256", "--data-file", `${dir}/payload.bin`], {
      env: adminEnv(emu),
    });
    assert.equal(ecSign.code, 0, ecSign.stderr);
    const ecPublic = new X509Certificate(decodeBase64(ecBundle.cer)).publicKey;
    const ecSignature = Buffer.from(JSON.parse(ecSign.stdout).value, "base64url");
    assert.ok(nodeVerify("sha256", await Deno.readFile(`${dir}/payload.bin`), { key: ecPublic, dsaEncoding: "ieee-p1363" }, ecSignature));
    const ecPfx = await kv(["download", "--name", "ec-cert", "--format", "pfx", "--with-key", "--out", "-"]);
    assert.equal(ecPfx.code, 1, "kvmi writes PFX files for RSA only");
    assert.match(ecPfx.stderr, /UnsupportedKeyType|RSA/);
    assert.equal(ecPfx.stdout, "");

    // A key that is not exportable stays in Key Vault: the certificate downloads, the key does not.
    await Deno.writeTextFile(
      `${dir}/kept.json`,
      JSON.stringify({ key_props: { exportable: false, kty: "RSA", key_size: 2048 }, x509_props: { subject: "CN=kept" }, issuer: { name: "Self" } }),
    );
    assert.equal((await kv(["create", "--name", "kept-cert", "--policy", `${dir}/kept.json`])).code, 0);
    const kept = await kv(["download", "--name", "kept-cert", "--with-key", "--out", `${dir}/kept.pem`]);
    assert.equal(kept.code, 1);
    assert.match(kept.stderr, /KeyNotExportable|no exportable private key/);
    await assert.rejects(Deno.stat(`${dir}/kept.pem`), "nothing is written");
    assert.equal((await kv(["download", "--name", "kept-cert", "--out", `${dir}/kept.pem`])).code, 0);

    // An Unknown issuer: the pending operation (with its CSR) is printed at once.
    await Deno.writeTextFile(`${dir}/unknown.json`, JSON.stringify({ x509_props: { subject: "CN=merge-me" }, issuer: { name: "Unknown" } }));
    const unknown = await kv(["create", "--name", "merge-cert", "--policy", `${dir}/unknown.json`]);
    assert.equal(unknown.code, 0, unknown.stderr);
    assert.equal(JSON.parse(unknown.stdout).status, "inProgress");
    assert.ok(JSON.parse(unknown.stdout).csr);

    const noWait = await kv(["create", "--name", "later-cert", "--subject", "cn=later", "--no-wait"]);
    assert.equal(noWait.code, 0, noWait.stderr);
    const operation = JSON.parse(noWait.stdout);
    assert.match(operation.id, /\/certificates\/later-cert\/pending$/);
    assert.equal(operation.status, "inProgress");
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cert import: a PFX with its password from a file or stdin, a PEM; the key downloads back; delete, recover, purge", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cert-" });
  const kv = (args: string[], stdin?: string) => emu.kvmi(["cert", ...args, "--vault", "kv-demo"], { env: adminEnv(emu), stdin });
  try {
    const local = await localCertificate("CN=imported.contoso.com");
    await Deno.writeFile(`${dir}/in.pfx`, writePkcs12({ keyPkcs8: local.pkcs8, certificates: [local.der] }, "s3cret"));
    await Deno.writeTextFile(`${dir}/pw`, "s3cret");

    const wrong = await kv(["import", "--name", "imported", "--file", `${dir}/in.pfx`], "not-it");
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /password is wrong/);
    assert.ok(!wrong.stderr.includes("not-it"));

    const fromFile = await kv(["import", "--name", "imported", "--file", `${dir}/in.pfx`, "--password-file", `${dir}/pw`]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    const first = JSON.parse(fromFile.stdout);
    assert.equal(hex(decodeBase64(first.x5t)), await sha1Hex(local.der));
    assert.ok(!fromFile.stdout.includes("s3cret"));
    const fromStdin = await kv(["import", "--name", "imported", "--file", `${dir}/in.pfx`], "s3cret\n");
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    assert.notEqual(JSON.parse(fromStdin.stdout).id, first.id, "each import is a new version");
    assert.equal(JSON.parse((await kv(["versions", "--name", "imported"])).stdout).length, 2);

    const back = await kv(["download", "--name", "imported", "--with-key", "--out", "-"]);
    assert.equal(back.code, 0, back.stderr);
    const blocks = pemBlocks(back.stdout);
    assert.deepEqual(blocks[0].der, local.pkcs8, "the imported key comes back");
    assert.deepEqual(blocks[1].der, local.der);

    const pemLocal = await localCertificate("CN=pem.contoso.com");
    const pkcs1 = createPrivateKey({ key: Buffer.from(pemLocal.pkcs8), format: "der", type: "pkcs8" }).export({ type: "pkcs1", format: "pem" }) as string;
    await Deno.writeTextFile(`${dir}/in.pem`, toPem("CERTIFICATE", pemLocal.der) + pkcs1);
    const pem = await kv(["import", "--name", "pem-cert", "--file", `${dir}/in.pem`]);
    assert.equal(pem.code, 0, pem.stderr);
    assert.equal(hex(decodeBase64(JSON.parse(pem.stdout).x5t)), await sha1Hex(pemLocal.der));
    const pemBack = pemBlocks((await kv(["download", "--name", "pem-cert", "--with-key", "--out", "-"])).stdout);
    assert.deepEqual(pemBack[0].der, pemLocal.pkcs8);
    const pemAsPfx = await kv(["download", "--name", "pem-cert", "--format", "pfx", "--with-key", "--out", "-"]);
    assert.equal(pemAsPfx.code, 0, pemAsPfx.stderr);
    assert.deepEqual(readPkcs12(decodeBase64(pemAsPfx.stdout.trim()), "").keyPkcs8, pemLocal.pkcs8);

    const deleted = await kv(["delete", "--name", "imported"]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(JSON.parse(deleted.stdout).recoveryId, /\/deletedcertificates\/imported$/);
    let missing = await kv(["show", "--name", "imported"]);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /CertificateNotFound/);
    const reuse = await waitFor(async () => {
      const r = await kv(["import", "--name", "imported", "--file", `${dir}/in.pfx`, "--password-file", `${dir}/pw`]);
      return r.code === 0 ? { ...r, code: 5 } : r;
    });
    assert.equal(reuse.code, 1, reuse.stderr);
    assert.match(reuse.stderr, /ObjectIsDeletedButRecoverable/);
    assert.match(reuse.stderr, /kvmi cert recover/);
    const recovered = await waitFor(() => kv(["recover", "--name", "imported"]));
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.equal((await waitFor(() => kv(["show", "--name", "imported"]))).code, 0);
    assert.equal((await kv(["delete", "--name", "imported"])).code, 0);
    const purged = await waitFor(() => kv(["purge", "--name", "imported"]));
    assert.equal(purged.code, 0, purged.stderr);
    assert.deepEqual(JSON.parse(purged.stdout), { purged: true, name: "imported" });
    missing = await kv(["recover", "--name", "imported"]);
    assert.equal(missing.code, 5);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Retries a command while the emulator is still finishing a delete or recover (exit 5 or a 409 conflict). */
async function waitFor(run: () => Promise<{ code: number; stdout: string; stderr: string }>) {
  for (let i = 0;; i++) {
    const result = await run();
    if (result.code === 0 || i >= 50 || !(result.code === 5 || /Conflict|being/i.test(result.stderr))) return result;
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test("403s name the data action and the role: Certificate User for the key, Certificates Officer to manage", async () => {
  const emu = await startEmulator();
  const vm = (args: string[]) => emu.kvmi(["cert", ...args, "--vault", "kv-demo"]);
  try {
    // The seed gives the VM Key Vault Secrets User, which reads backing secrets too: start from nothing.
    assert.equal(await removeRoleAssignments(emu, emu.manifest.vm.principalId, vaultScope(emu)), 1);
    const show = await vm(["show", "--name", "web-cert", "--output", "json"]);
    assert.equal(show.code, 4);
    const error = JSON.parse(show.stderr).error;
    assert.equal(error.code, "ForbiddenByRbac");
    assert.match(error.message, /Microsoft\.KeyVault\/vaults\/certificates\/read/);

    const download = await vm(["download", "--name", "web-cert", "--with-key", "--out", "-"]);
    assert.equal(download.code, 4);
    assert.equal(download.stdout, "");
    assert.match(download.stderr, /Key Vault Certificate User/);
    assert.match(download.stderr, /db79e9a7-68ee-4b58-9aeb-b90e7c24fcba/);

    const create = await vm(["create", "--name", "vm-cert", "--subject", "CN=vm"]);
    assert.equal(create.code, 4);
    assert.match(create.stderr, /certificates\/create\/action/);
    assert.match(create.stderr, /Key Vault Certificates Officer/);

    // An access-policy vault names the permission and says role assignments do not apply.
    const policy = await emu.kvmi(["cert", "list", "--vault", "kv-demo-policy"]);
    assert.equal(policy.code, 4, policy.stderr);
    assert.match(policy.stderr, /ForbiddenByPolicy/);
    assert.match(policy.stderr, /'list' permission on certificates/);
    assert.match(policy.stderr, /access policies/);

    // Certificates Officer manages certificates but cannot read a key.
    await roleAssign(emu, "Key Vault Certificates Officer");
    const officer = await waitFor(async () => {
      const r = await vm(["create", "--name", "vm-cert", "--subject", "CN=vm"]);
      return r.code === 4 ? { ...r, code: 5 } : r;
    });
    assert.equal(officer.code, 0, officer.stderr);
    const officerKey = await vm(["download", "--name", "vm-cert", "--with-key", "--out", "-"]);
    assert.ok(officerKey.code === 4, officerKey.stderr);
    assert.match(officerKey.stderr, /Key Vault Certificate User/);
    assert.equal(officerKey.stdout, "");
    assert.equal((await vm(["download", "--name", "vm-cert", "--out", "-"])).code, 0, "the certificate alone needs certificates/read only");

    await roleAssign(emu, "Key Vault Certificate User");
    const user = await waitFor(async () => {
      const r = await vm(["download", "--name", "web-cert", "--with-key", "--out", "-"]);
      return r.code === 4 ? { ...r, code: 5 } : r;
    });
    assert.equal(user.code, 0, user.stderr);
    assert.deepEqual(pemBlocks(user.stdout).map((b) => b.label), ["PRIVATE KEY", "CERTIFICATE"]);
  } finally {
    await emu.stop();
  }
});
