/**
 * The emulated certificates data plane over raw HTTP: the give-aways of the reference (202 +
 * Location + Retry-After, a pending certificate that already GETs, x5t, casing, defaults
 * omitted rather than null, the backing secret's PFX/PEM, disabled certificates, delete
 * cascading to key and secret) and authorization (Certificate User, access policies).
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
// @deno-types="npm:@types/node-forge@^1.3.14"
import forge from "node-forge";
import { adminToken, assignRole, call, startEmulator, vaultScope, vmToken } from "../fixtures/emulator.ts";

const API = "api-version=7.5";

type Json = Record<string, unknown>;

/** Every null anywhere in a JSON value, as paths. */
function nullPaths(value: unknown, path = "$"): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === "object") return Object.entries(value as Json).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}

function spki(pem: string | Uint8Array): string {
  const key = typeof pem === "string" ? createPublicKey(pem) : createPublicKey({ key: Buffer.from(pem), format: "der", type: "spki" });
  return key.export({ format: "der", type: "spki" }).toString("base64");
}

function certSpki(cerBase64: string): string {
  return spki(new Uint8Array(new x509.X509Certificate(Buffer.from(cerBase64, "base64")).publicKey.rawData));
}

Deno.test("Key Vault certificates over raw HTTP: create, pending, backing key and secret, delete, authorization", async (t) => {
  const emu = await startEmulator();
  const vault = emu.manifest.vaults["kv-demo"];
  const token = await adminToken(emu, "https://vault.azure.net");
  const kv = (method: string, path: string, body?: unknown, at = vault) => call(emu, method, `${at}${path}`, token, body);
  const pendingTwice = async (name: string) => {
    await kv("GET", `/certificates/${name}/pending?${API}`);
    return await kv("GET", `/certificates/${name}/pending?${API}`);
  };
  try {
    let created: Json = {};
    await t.step("create answers 202 with the operation, Location and Retry-After", async () => {
      const r = await kv("POST", `/certificates/raw1/create?${API}`, {
        policy: { key_props: {}, secret_props: {}, x509_props: { subject: "cn=MyCert", sans: {} }, issuer: { name: "Self" }, attributes: {} },
        attributes: {},
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      created = r.body;
      assert.match(r.headers.get("location")!, new RegExp(`^${vault}/certificates/raw1/pending\\?api-version=7\\.5&request_id=[0-9a-f]{32}$`));
      assert.equal(r.headers.get("retry-after"), "10");
      assert.equal(r.body.id, `${vault}/certificates/raw1/pending`);
      assert.deepEqual(r.body.issuer, { name: "Self" });
      assert.equal(r.body.status, "inProgress");
      assert.equal(r.body.cancellation_requested, false);
      assert.match(String(r.body.status_details), /^Pending certificate created\. Certificate request is in progress\./);
      assert.match(String(r.body.request_id), /^[0-9a-f]{32}$/);
      assert.equal(r.headers.get("location")!.endsWith(String(r.body.request_id)), true);
      assert.match(String(r.body.csr), /^[A-Za-z0-9+/]+=*$/, "csr is standard base64");
      const csr = new x509.Pkcs10CertificateRequest(Buffer.from(String(r.body.csr), "base64"));
      assert.equal(csr.subject, "CN=MyCert");
      assert.equal("preserveCertOrder" in r.body, false, "7.5 has no preserveCertOrder");
    });
    await t.step("while pending the certificate GETs 200: versioned id, disabled, full policy with defaults, no cer/kid/sid/x5t", async () => {
      const r = await kv("GET", `/certificates/raw1/?${API}`);
      assert.equal(r.status, 200);
      assert.match(String(r.body.id), new RegExp(`^${vault}/certificates/raw1/[0-9a-f]{32}$`));
      for (const k of ["cer", "kid", "sid", "x5t"]) assert.equal(k in r.body, false, k);
      assert.equal((r.body.attributes as Json).enabled, false);
      assert.deepEqual(r.body.pending, { id: `${vault}/certificates/raw1/pending` });
      const policy = r.body.policy as Json;
      assert.equal(policy.id, `${vault}/certificates/raw1/policy`);
      assert.deepEqual(policy.key_props, { exportable: true, kty: "RSA", key_size: 2048, reuse_key: false });
      assert.deepEqual(policy.secret_props, { contentType: "application/x-pkcs12" });
      assert.deepEqual(policy.x509_props, {
        subject: "cn=MyCert",
        sans: {},
        ekus: ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
        key_usage: ["digitalSignature", "keyEncipherment"],
        validity_months: 12,
        basic_constraints: { ca: false },
      });
      assert.deepEqual(policy.lifetime_actions, [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "AutoRenew" } }]);
      assert.deepEqual(policy.issuer, { name: "Self" });
      assert.deepEqual(nullPaths(r.body), []);
    });
    await t.step("/pending: inProgress with Retry-After, then completed with target and no status_details", async () => {
      const first = await kv("GET", `/certificates/raw1/pending?${API}`);
      assert.equal(first.status, 200);
      assert.equal(first.body.status, "inProgress");
      assert.equal(first.headers.get("retry-after"), "10");
      assert.equal(first.body.request_id, created.request_id);
      const second = await kv("GET", `/certificates/raw1/pending?${API}`);
      assert.equal(second.body.status, "completed");
      assert.equal(second.body.target, `${vault}/certificates/raw1`);
      assert.equal("status_details" in second.body, false);
      assert.equal(second.headers.get("retry-after"), null);
    });
    let cer = "";
    let version = "";
    await t.step("the issued certificate: x5t = base64url SHA-1 of cer (27 chars), kid/sid with the same version, nbf = created − 600", async () => {
      const r = await kv("GET", `/certificates/raw1?${API}`);
      assert.equal(r.status, 200);
      version = String(r.body.id).split("/").pop()!;
      cer = String(r.body.cer);
      assert.match(cer, /^[A-Za-z0-9+/]+=*$/);
      const x5t = String(r.body.x5t);
      assert.equal(x5t.length, 27);
      assert.equal(x5t, createHash("sha1").update(Buffer.from(cer, "base64")).digest("base64url"));
      assert.equal(r.body.kid, `${vault}/keys/raw1/${version}`);
      assert.equal(r.body.sid, `${vault}/secrets/raw1/${version}`);
      const attrs = r.body.attributes as Json;
      assert.equal(attrs.enabled, true);
      assert.equal(attrs.nbf, (attrs.created as number) - 600);
      assert.ok((attrs.exp as number) - (attrs.created as number) >= 31_536_000 - 86_400);
      assert.deepEqual(r.body.pending, { id: `${vault}/certificates/raw1/pending` });
      assert.equal(new x509.X509Certificate(Buffer.from(cer, "base64")).subject, "CN=MyCert");
    });
    await t.step("GET /secrets/{name}: a PFX with an empty password whose key matches the certificate; the key is managed", async () => {
      const r = await kv("GET", `/secrets/raw1?${API}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.id, `${vault}/secrets/raw1/${version}`);
      assert.equal(r.body.contentType, "application/x-pkcs12");
      assert.equal(r.body.managed, true);
      assert.equal(r.body.kid, `${vault}/keys/raw1/${version}`);
      const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(String(r.body.value), "base64").toString("binary")), "");
      const keyBag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]![0];
      const keyPem = forge.pki.privateKeyToPem(keyBag.key!);
      assert.equal(spki(keyPem), certSpki(cer));
      const certBag = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag]![0];
      assert.equal(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certBag.cert!)).getBytes(), "binary").toString("base64"), cer);
      const key = await kv("GET", `/keys/raw1/${version}?${API}`);
      assert.equal(key.status, 200);
      assert.equal(key.body.managed, true);
      assert.equal((key.body.key as Json).kid, `${vault}/keys/raw1/${version}`);
      assert.equal(
        spki(createPublicKey({ key: key.body.key as Record<string, string> as never, format: "jwk" }).export({ format: "pem", type: "spki" }) as string),
        certSpki(cer),
      );
    });
    await t.step("GET secret with outContentType (2025-07-01) converts the PFX to PEM", async () => {
      const r = await kv("GET", `/secrets/raw1?api-version=2025-07-01&outContentType=application/x-pem-file`);
      assert.equal(r.status, 200);
      assert.equal(r.body.contentType, "application/x-pem-file");
      const value = String(r.body.value);
      assert.match(value, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(spki(value.slice(0, value.indexOf("-----BEGIN CERTIFICATE"))), certSpki(cer));
      assert.equal((await kv("GET", `/secrets/raw1?api-version=2025-07-01&outContentType=text/plain`)).status, 400);
    });
    await t.step("import takes base64url of PEM bytes (.NET) and derives the policy from the certificate", async () => {
      const pemSecret = await kv("GET", `/secrets/raw1?api-version=2025-07-01&outContentType=application/x-pem-file`);
      const value = Buffer.from(String(pemSecret.body.value)).toString("base64url");
      const r = await kv("POST", `/certificates/raw-imported/import?${API}`, { value });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.cer, cer);
      const policy = r.body.policy as Json;
      assert.equal((policy.x509_props as Json).subject, "CN=MyCert");
      assert.deepEqual(policy.issuer, { name: "Unknown", cert_transparency: false });
      assert.equal((policy.secret_props as Json).contentType, "application/x-pem-file");
      assert.equal("pending" in r.body, false);
      const keyOnly = await kv("POST", `/certificates/raw-bad/import?${API}`, { value: cer });
      assert.equal(keyOnly.status, 400);
    });
    await t.step("import opens a PFX made with no password at all (.NET's Export(Pfx)), not only the empty one", async () => {
      const pem = String((await kv("GET", `/secrets/raw1?api-version=2025-07-01&outContentType=application/x-pem-file`)).body.value);
      const key = forge.pki.privateKeyFromPem(pem.slice(0, pem.indexOf("-----BEGIN CERTIFICATE")));
      const certificate = forge.pki.certificateFromPem(pem.slice(pem.indexOf("-----BEGIN CERTIFICATE")));
      const noPassword = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, certificate, null, { algorithm: "3des" })).getBytes();
      const r = await kv("POST", `/certificates/raw-nopw/import?${API}`, { value: Buffer.from(noPassword, "binary").toString("base64url") });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.cer, cer);
      const withPassword = forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, certificate, "secret", { algorithm: "3des" })).getBytes();
      const refused = await kv("POST", `/certificates/raw-nopw/import?${API}`, { value: Buffer.from(withPassword, "binary").toString("base64") });
      assert.equal(refused.status, 400, "a PFX with a password still needs it");
      assert.match(String((refused.body.error as Json).message), /PKCS#12 X\.509 certificate content can not be read/);
    });
    await t.step("the backing key signs (RS256) and the signature verifies with the certificate", async () => {
      const digest = createHash("sha256").update("kvmi").digest();
      const r = await kv("POST", `/keys/raw1/${version}/sign?${API}`, { alg: "RS256", value: digest.toString("base64url") });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const pub = createPublicKey({ key: Buffer.from(new x509.X509Certificate(Buffer.from(cer, "base64")).publicKey.rawData), format: "der", type: "spki" });
      const { verify } = await import("node:crypto");
      assert.equal(verify("sha256", Buffer.from("kvmi"), pub, Buffer.from(String(r.body.value), "base64url")), true);
    });
    await t.step("a new version with reuse_key keeps the key; without it the key changes", async () => {
      const create = (reuse: boolean) =>
        kv("POST", `/certificates/raw-reuse/create?${API}`, {
          policy: { key_props: { reuse_key: reuse }, x509_props: { subject: "CN=r" }, issuer: { name: "Self" } },
        });
      const issued = async () => {
        await pendingTwice("raw-reuse");
        return certSpki(String((await kv("GET", `/certificates/raw-reuse?${API}`)).body.cer));
      };
      await create(false);
      const first = await issued();
      assert.equal((await create(true)).status, 202);
      assert.equal(await issued(), first, "reuse_key: same public key");
      await create(false);
      assert.notEqual(await issued(), first, "a fresh key otherwise");
      const versions = await kv("GET", `/certificates/raw-reuse/versions?${API}`);
      assert.equal((versions.body.value as Json[]).length, 3);
    });
    await t.step("the backing secret refuses PUT and DELETE (SecretManagedByKeyVault)", async () => {
      const put = await kv("PUT", `/secrets/raw1?${API}`, { value: "x" });
      assert.equal(put.status, 403);
      assert.deepEqual(put.body, {
        error: {
          code: "Forbidden",
          message: `Operation "set" is not allowed as this object's lifetime is managed by Key Vault.`,
          innererror: { code: "SecretManagedByKeyVault" },
        },
      });
      assert.equal((await kv("DELETE", `/secrets/raw1?${API}`)).status, 403);
    });
    await t.step("PEM content type: unencrypted PKCS#8 key first, then the certificate", async () => {
      const r = await kv("POST", `/certificates/raw-pem/create?${API}`, {
        policy: { secret_props: { contentType: "application/x-pem-file" }, x509_props: { subject: "CN=pem" }, issuer: { name: "Self" } },
      });
      assert.equal(r.status, 202);
      assert.equal((await pendingTwice("raw-pem")).body.status, "completed");
      const secret = await kv("GET", `/secrets/raw-pem?${API}`);
      assert.equal(secret.body.contentType, "application/x-pem-file");
      const value = String(secret.body.value);
      assert.match(
        value,
        /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/,
      );
      assert.ok(value.split("\n").every((line) => line.length <= 64));
      const cert = await kv("GET", `/certificates/raw-pem?${API}`);
      assert.equal(spki(value.slice(0, value.indexOf("-----BEGIN CERTIFICATE"))), certSpki(String(cert.body.cer)));
    });
    await t.step("a non-exportable certificate's secret holds no key and links no kid", async () => {
      await kv("POST", `/certificates/raw-nx/create?${API}`, {
        policy: {
          key_props: { exportable: false },
          secret_props: { contentType: "application/x-pem-file" },
          x509_props: { subject: "CN=nx" },
          issuer: { name: "Self" },
        },
      });
      await pendingTwice("raw-nx");
      const secret = await kv("GET", `/secrets/raw-nx?${API}`);
      assert.doesNotMatch(String(secret.body.value), /PRIVATE KEY/);
      assert.equal("kid" in secret.body, false);
    });
    await t.step("a disabled certificate still GETs 200; its secret is disabled with it", async () => {
      const patch = await kv("PATCH", `/certificates/raw1/?${API}`, { attributes: { enabled: false }, tags: { env: "test" } });
      assert.equal(patch.status, 200);
      assert.deepEqual(patch.body.tags, { env: "test" });
      const get = await kv("GET", `/certificates/raw1?${API}`);
      assert.equal(get.status, 200);
      assert.equal((get.body.attributes as Json).enabled, false);
      const secret = await kv("GET", `/secrets/raw1?${API}`);
      assert.equal(secret.status, 403);
      await kv("PATCH", `/certificates/raw1/?${API}`, { attributes: { enabled: true } });
    });
    await t.step("list items have unversioned ids, x5t, no recoveryLevel; versions are versioned", async () => {
      const list = await kv("GET", `/certificates?maxresults=1&${API}`);
      assert.equal((list.body.value as Json[]).length, 1);
      assert.match(String(list.body.nextLink), /(%24|\$)skiptoken=/);
      const all = await kv("GET", `/certificates?${API}`);
      const item = (all.body.value as Json[]).find((i) => i.id === `${vault}/certificates/raw1`)!;
      assert.ok(item, "raw1 listed without a version");
      assert.equal(String(item.x5t).length, 27);
      assert.equal("recoveryLevel" in (item.attributes as Json), false);
      const versions = await kv("GET", `/certificates/raw1/versions?${API}`);
      assert.deepEqual((versions.body.value as Json[]).map((v) => v.id), [`${vault}/certificates/raw1/${version}`]);
    });
    await t.step("delete cascades: key and secret go, stay out of the deleted lists, come back on recover", async () => {
      const del = await kv("DELETE", `/certificates/raw1?${API}`);
      assert.equal(del.status, 200);
      assert.equal(del.body.recoveryId, `${vault}/deletedcertificates/raw1`);
      assert.equal(del.body.cer, cer);
      assert.ok(del.body.policy);
      assert.equal(typeof del.body.scheduledPurgeDate, "number");
      assert.equal((await kv("GET", `/keys/raw1?${API}`)).status, 404);
      assert.equal((await kv("GET", `/secrets/raw1?${API}`)).status, 404);
      assert.equal((await kv("GET", `/certificates/raw1?${API}`)).status, 404);
      assert.equal((await kv("GET", `/deletedsecrets/raw1?${API}`)).status, 200);
      assert.equal((await kv("GET", `/deletedkeys/raw1?${API}`)).status, 200);
      const deletedSecrets = await kv("GET", `/deletedsecrets?${API}`);
      assert.equal((deletedSecrets.body.value as Json[]).some((s) => String(s.id).includes("/raw1")), false);
      const deletedKeys = await kv("GET", `/deletedkeys?${API}`);
      assert.equal((deletedKeys.body.value as Json[]).some((s) => String(s.kid).includes("/raw1")), false);
      const deletedCerts = await kv("GET", `/deletedcertificates?${API}`);
      assert.deepEqual((deletedCerts.body.value as Json[]).map((c) => c.id), [`${vault}/certificates/raw1`]);
      const recover = await kv("POST", `/deletedcertificates/raw1/recover?${API}`);
      assert.equal(recover.status, 200);
      assert.equal((await kv("GET", `/secrets/raw1?${API}`)).status, 200);
      assert.equal((await kv("GET", `/keys/raw1?${API}`)).status, 200);
    });
    await t.step("errors: missing certificate, missing operation, bad subject, empty name", async () => {
      const missing = await kv("GET", `/certificates/nope?${API}`);
      assert.equal(missing.status, 404);
      assert.equal((missing.body.error as Json).code, "CertificateNotFound");
      assert.match(String((missing.body.error as Json).message), /^A certificate with \(name\/id\) nope was not found in this key vault\./);
      const noOp = await kv("GET", `/certificates/web-cert/pending?${API}`);
      assert.deepEqual(noOp.body, { error: { code: "PendingCertificateNotFound", message: "Pending certificate not found: web-cert" } });
      const badSubject = await kv("POST", `/certificates/bad/create?${API}`, { policy: { x509_props: { subject: "not a name" }, issuer: { name: "Self" } } });
      assert.equal(badSubject.status, 400);
      assert.equal((badSubject.body.error as Json).message, "The subject name provided is not a valid X500 name.");
      const empty = await kv("POST", `/certificates//create?${API}`, { policy: {} });
      assert.deepEqual(empty.body, { error: { code: "MethodNotAllowed", message: "HTTP POST not allowed" } });
      assert.equal(empty.status, 405);
    });
    await t.step("api-versions: 2026-04-01 is accepted; 7.6 echoes preserveCertOrder", async () => {
      assert.equal((await kv("GET", `/certificates/web-cert?api-version=2026-04-01`)).status, 200);
      const r = await kv("POST", `/certificates/raw-order/create?api-version=7.6`, {
        policy: { x509_props: { subject: "CN=o" }, issuer: { name: "Unknown" } },
        preserveCertOrder: true,
      });
      assert.equal(r.body.preserveCertOrder, true);
      assert.deepEqual(r.body.issuer, { name: "Unknown", cert_transparency: false });
      assert.equal(r.body.status_details, "Pending certificate created. Please Perform Merge to complete the request.");
      assert.equal((await pendingTwice("raw-order")).body.status, "inProgress", "Unknown waits for a merge");
      const ids = async (query: string) => ((await kv("GET", `/certificates?${API}${query}`)).body.value as Json[]).map((i) => i.id);
      assert.equal((await ids("")).includes(`${vault}/certificates/raw-order`), false, "never issued: left out by default");
      assert.equal((await ids("&includePending=true")).includes(`${vault}/certificates/raw-order`), true);
    });
    await t.step("the demo seed has web-cert (CN=web.contoso.internal) whose PFX the VM identity reads as Secrets User", async () => {
      const cert = await kv("GET", `/certificates/web-cert?${API}`);
      assert.equal(new x509.X509Certificate(Buffer.from(String(cert.body.cer), "base64")).subject, "CN=web.contoso.internal");
      const vm = await vmToken(emu, "https://vault.azure.net");
      const secret = await call(emu, "GET", `${vault}/secrets/web-cert?${API}`, vm);
      assert.equal(secret.status, 200);
      assert.equal(secret.body.contentType, "application/x-pkcs12");
    });
    await t.step("Certificate User reads certificates but gets ForbiddenByRbac naming the create data action", async () => {
      const put = await assignRole(emu, emu.manifest.vm.principalId, "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba", vaultScope(emu));
      assert.equal(put.status, 201, JSON.stringify(put.body));
      const vm = await vmToken(emu, "https://vault.azure.net");
      assert.equal((await call(emu, "GET", `${vault}/certificates/web-cert?${API}`, vm)).status, 200);
      const create = await call(emu, "POST", `${vault}/certificates/vm-cert/create?${API}`, vm, {
        policy: { x509_props: { subject: "CN=x" }, issuer: { name: "Self" } },
      });
      assert.equal(create.status, 403);
      const error = create.body.error as Json;
      assert.equal(error.code, "Forbidden");
      assert.deepEqual(error.innererror, { code: "ForbiddenByRbac" });
      assert.match(String(error.message), /Action: 'Microsoft\.KeyVault\/vaults\/certificates\/create\/action'/);
    });
    await t.step("access-policy vault: certificates permissions decide (admin has all, the VM has none)", async () => {
      const policyVault = emu.manifest.vaults["kv-demo-policy"];
      const created = await kv(
        "POST",
        `/certificates/ap-cert/create?${API}`,
        { policy: { x509_props: { subject: "CN=ap" }, issuer: { name: "Self" } } },
        policyVault,
      );
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const vm = await vmToken(emu, "https://vault.azure.net");
      const denied = await call(emu, "GET", `${policyVault}/certificates/ap-cert?${API}`, vm);
      assert.equal(denied.status, 403);
      assert.match(String((denied.body.error as Json).message), /does not have certificates get permission on key vault 'kv-demo-policy;location=japaneast'/);
    });
  } finally {
    await emu.stop();
  }
});
