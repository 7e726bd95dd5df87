/**
 * The certificate pieces without HTTP: policy defaults, validation and PATCH merge as the
 * service does them; PFX/PEM content the service writes and reads; the certificate permissions
 * of access policies and the roles a 403 suggests.
 */
import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
// @deno-types="npm:@types/node-forge@^1.3.14"
import forge from "node-forge";
import { keyOpsFor, PolicyProblem, readPolicy } from "../../src/emulator/keyvault/certificate_policy.ts";
import { ContentProblem, convertSecretValue, pemValue, pkcs12Value, readImportValue } from "../../src/emulator/keyvault/certificate_content.ts";
import { generateKeyPair, selfSigned } from "../../src/emulator/keyvault/certificate_issuing.ts";
import { permissionFor, policiesGrant } from "../../src/emulator/keyvault/access_policies.ts";
import { roleForDataAction } from "../../src/keyvault/data_action_roles.ts";
import { BUILTIN_ROLES } from "../../src/emulator/rbac/role_definitions.ts";
import type { AccessPolicy } from "../../src/emulator/world.ts";

const OPTIONS = { now: 1_700_000_000, sanUrisAndIps: true };

Deno.test("readPolicy fills the service's defaults and keeps the subject as sent", () => {
  const p = readPolicy({ key_props: {}, secret_props: {}, x509_props: { subject: "cn=MyCert", sans: {} }, issuer: { name: "Self" }, attributes: {} }, OPTIONS);
  assert.deepEqual(p.key_props, { exportable: true, kty: "RSA", key_size: 2048, reuse_key: false });
  assert.equal(p.x509_props.subject, "cn=MyCert");
  assert.equal(p.x509_props.validity_months, 12);
  assert.deepEqual(p.lifetime_actions, [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "AutoRenew" } }]);
  const unknown = readPolicy({ x509_props: { subject: "CN=u" }, issuer: { name: "unknown" } }, OPTIONS);
  assert.deepEqual(unknown.issuer, { name: "Unknown", cert_transparency: false });
  assert.equal(unknown.lifetime_actions[0].action.action_type, "EmailContacts");
  const ec = readPolicy({ key_props: { kty: "EC-HSM", exportable: false }, x509_props: { subject: "CN=e" }, issuer: { name: "Self" } }, OPTIONS);
  assert.deepEqual(ec.key_props, { exportable: false, kty: "EC-HSM", reuse_key: false, crv: "P-256" });
});

Deno.test("readPolicy refuses what the service refuses", () => {
  const bad = (policy: unknown, message: RegExp) =>
    assert.throws(() => readPolicy(policy, OPTIONS), (e: Error) => e instanceof PolicyProblem && message.test(e.message));
  bad({ x509_props: { subject: "not a name" }, issuer: { name: "Self" } }, /^The subject name provided is not a valid X500 name\.$/);
  bad({ key_props: { kty: "RSA-HSM", exportable: true }, x509_props: { subject: "CN=x" }, issuer: { name: "Self" } }, /cannot be exportable/);
  bad({ key_props: { key_size: 1024 }, x509_props: { subject: "CN=x" }, issuer: { name: "Self" } }, /key_size/);
  bad({ secret_props: { contentType: "text/plain" }, x509_props: { subject: "CN=x" }, issuer: { name: "Self" } }, /contentType/);
  bad({
    x509_props: { subject: "CN=x", validity_months: 12 },
    issuer: { name: "Self" },
    lifetime_actions: [{ trigger: { days_before_expiry: 400 }, action: { action_type: "AutoRenew" } }],
  }, /days_before_expiry/);
  bad({ x509_props: { subject: "CN=x" } }, /issuer\.name is required/);
  assert.doesNotThrow(() => readPolicy({ x509_props: { subject: "", sans: { dns_names: ["a.example"] } }, issuer: { name: "Self" } }, OPTIONS));
});

Deno.test("readPolicy with a base merges: only what is sent changes; older api-versions ignore sans.uris", () => {
  const base = readPolicy({ key_props: { key_size: 4096 }, x509_props: { subject: "CN=old", validity_months: 6 }, issuer: { name: "Self" } }, OPTIONS);
  const merged = readPolicy({ key_props: {}, secret_props: {}, x509_props: { subject: "CN=new" } }, { ...OPTIONS, now: OPTIONS.now + 10, base });
  assert.equal(merged.x509_props.subject, "CN=new");
  assert.equal(merged.key_props.key_size, 4096);
  assert.equal(merged.x509_props.validity_months, 6);
  assert.equal(merged.attributes.created, OPTIONS.now);
  assert.equal(merged.attributes.updated, OPTIONS.now + 10);
  const old = readPolicy({ x509_props: { subject: "CN=x", sans: { dns_names: ["a"], uris: ["https://a"] } }, issuer: { name: "Self" } }, {
    ...OPTIONS,
    sanUrisAndIps: false,
  });
  assert.deepEqual(old.x509_props.sans, { dns_names: ["a"] });
});

Deno.test("keyOpsFor follows key_usage", () => {
  assert.deepEqual(keyOpsFor(["digitalSignature", "keyEncipherment"], "RSA"), ["sign", "verify", "wrapKey", "unwrapKey"]);
  assert.deepEqual(keyOpsFor(["digitalSignature", "keyEncipherment"], "EC"), ["sign", "verify"]);
  assert.deepEqual(keyOpsFor(["dataEncipherment"], "RSA"), ["encrypt", "decrypt"]);
});

Deno.test("PFX and PEM content: empty-password PFX (key first), PEM order, password imports, conversion, refusals", async () => {
  const policy = readPolicy({ x509_props: { subject: "CN=content" }, issuer: { name: "Self" } }, OPTIONS);
  const pair = await generateKeyPair(policy);
  const der = await selfSigned(policy, pair, OPTIONS.now);
  const spki = createPublicKey(pair.privateKey).export({ format: "der", type: "spki" }).toString("base64");
  const pfx = pkcs12Value(pair.privateKey, [der]);
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(Buffer.from(pfx, "base64").toString("binary")), "");
  const keyBag = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag]![0];
  assert.equal(createPublicKey(forge.pki.privateKeyToPem(keyBag.key!)).export({ format: "der", type: "spki" }).toString("base64"), spki);
  assert.equal(p12.safeContents[0].safeBags[0].type, forge.pki.oids.pkcs8ShroudedKeyBag, "the key bag comes first");
  assert.equal(p12.safeContents[1].encrypted, true, "certificates sit in an encrypted bag");
  const pem = pemValue(pair.privateKey, [der]);
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
  assert.equal(convertSecretValue(pfx, "application/x-pkcs12", "application/x-pem-file").startsWith("-----BEGIN PRIVATE KEY-----"), true);
  assert.doesNotMatch(convertSecretValue(pkcs12Value(undefined, [der]), "application/x-pkcs12", "application/x-pem-file"), /PRIVATE KEY/);

  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ format: "pem", type: "pkcs1" }) as string);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: "commonName", value: "pw" }]);
  cert.setIssuer([{ name: "commonName", value: "pw" }]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const withPassword = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(forgeKey, cert, "s3cret", { algorithm: "aes256" })).getBytes(), "binary");
  const read = readImportValue(withPassword.toString("base64url"), "s3cret", undefined);
  assert.equal(read.contentType, "application/x-pkcs12");
  assert.equal(spkiOf(read.privateKey), spkiOf(privateKey));
  assert.throws(() => readImportValue(withPassword.toString("base64"), "wrong", undefined), ContentProblem);
  assert.throws(() => readImportValue(privateKey.export({ format: "pem", type: "pkcs1" }) as string, undefined, undefined), /unexpected format/);
  assert.throws(() => readImportValue("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", undefined, undefined), /Private key is not specified/);
  assert.throws(() => readImportValue("not base64 at all!", undefined, "application/x-pem-file"), /can not be read/);
});

function spkiOf(key: Parameters<typeof createPublicKey>[0]): string {
  return createPublicKey(key).export({ format: "der", type: "spki" }).toString("base64");
}

Deno.test("access policies: certificate data actions map to certificates permissions; manageissuers grants the issuer ones", () => {
  const perm = (action: string, listing = false) => permissionFor(`Microsoft.KeyVault/vaults/${action}`, listing);
  assert.deepEqual(perm("certificates/read"), { kind: "certificates", permission: "get" });
  assert.deepEqual(perm("certificates/read", true), { kind: "certificates", permission: "list" });
  assert.deepEqual(perm("certificates/create/action"), { kind: "certificates", permission: "create" });
  assert.deepEqual(perm("certificatecontacts/write"), { kind: "certificates", permission: "managecontacts" });
  assert.deepEqual(perm("certificatecas/read", true), { kind: "certificates", permission: "listissuers" });
  const policy = (
    certificates: string[],
  ): AccessPolicy[] => [{ tenantId: "t", objectId: "o", permissions: { keys: [], secrets: [], certificates, storage: [] } }];
  assert.equal(policiesGrant(policy(["manageissuers"]), "o", perm("certificatecas/delete")!), true);
  assert.equal(policiesGrant(policy(["manageissuers"]), "o", perm("certificates/create/action")!), false);
  assert.equal(policiesGrant(policy(["get", "list"]), "o", perm("certificates/read")!), true);
  assert.equal(policiesGrant(policy(["get"]), "o", perm("certificates/import/action")!), false);
});

Deno.test("certificate roles: Officer has no secrets/keys actions, Certificate User reads the PFX; a 403 suggests them", () => {
  const officer = BUILTIN_ROLES.find((r) => r.id === "a4417e6f-fecd-4de8-b567-7b0420556985")!;
  assert.equal(officer.roleName, "Key Vault Certificates Officer");
  assert.equal(officer.permissions.dataActions.some((a) => /secrets|keys/.test(a)), false);
  const user = BUILTIN_ROLES.find((r) => r.id === "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba")!;
  assert.equal(user.roleName, "Key Vault Certificate User");
  assert.ok(user.permissions.dataActions.includes("Microsoft.KeyVault/vaults/secrets/getSecret/action"));
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/certificates/create/action")?.name, "Key Vault Certificates Officer");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/certificatecas/write")?.name, "Key Vault Certificates Officer");
  assert.equal(roleForDataAction("Microsoft.KeyVault/vaults/certificates/read")?.name, "Key Vault Reader");
});
