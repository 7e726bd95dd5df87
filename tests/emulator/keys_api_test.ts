/**
 * The rest of the keys API on the emulator's wire: sign and verify over a digest for every
 * algorithm (checked with an independent implementation: node:crypto/WebCrypto over the message,
 * openssl for ES256K), digest-length and key/algorithm errors, rotation policy defaults and
 * validation, rotate, `/rng` on a vault, and backup blobs (opaque, version ids kept, refused in a
 * name in use, in another geography and in another subscription).
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { adminToken, call, type EmulatorHandle, startEmulator, vmToken } from "../fixtures/emulator.ts";

const API = "api-version=2025-07-01";
const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512", "256K": "sha256" };

type Kv = (method: string, path: string, body?: unknown) => Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;

async function vaultCaller(emu: EmulatorHandle, vault = "kv-demo"): Promise<Kv> {
  const token = await adminToken(emu, "https://vault.azure.net");
  const base = emu.manifest.vaults[vault] ?? vault;
  return (method, path, body) => call(emu, method, `${base}${path}${path.includes("?") ? "&" : "?"}${API}`, token, body);
}

function b64u(data: Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

function message(error: unknown): string {
  return (error as { error: { message: string } }).error.message;
}

/** The public key of a KeyBundle's JWK as node:crypto reads it. */
function publicKey(jwk: Record<string, string>) {
  const { kid: _k, key_ops: _o, ...rest } = jwk as Record<string, unknown>;
  return createPublicKey({ key: { ...rest, kty: String(jwk.kty).replace(/-HSM$/, ""), ...(jwk.crv === "P-256K" ? { crv: "secp256k1" } : {}) }, format: "jwk" });
}

/** DER ECDSA-Sig-Value of a raw r‖s signature (for openssl). */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (x: Uint8Array) => {
    let i = 0;
    while (i < x.length - 1 && x[i] === 0) i++;
    const v = x[i] & 0x80 ? [0, ...x.slice(i)] : [...x.slice(i)];
    return [2, v.length, ...v];
  };
  const body = [...int(raw.slice(0, raw.length / 2)), ...int(raw.slice(raw.length / 2))];
  return Uint8Array.from([0x30, body.length, ...body]);
}

async function opensslVerify(pubPem: string, digest: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/pub.pem`, pubPem);
    await Deno.writeFile(`${dir}/digest.bin`, digest);
    await Deno.writeFile(`${dir}/sig.der`, derSignature(signature));
    const out = await new Deno.Command("openssl", {
      args: ["pkeyutl", "-verify", "-pubin", "-inkey", `${dir}/pub.pem`, "-in", `${dir}/digest.bin`, "-sigfile", `${dir}/sig.der`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    return out.success;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("keys: sign and verify a digest for every algorithm, checked independently; digest length and key type enforced", async (t) => {
  const emu = await startEmulator({ seed: "empty" });
  const kv = await vaultCaller(emu);
  const data = new TextEncoder().encode("kvmi signs what it is given");
  try {
    const keys: Record<string, Record<string, string>> = {};
    for (
      const [name, body] of [["rsa", { kty: "RSA", key_size: 2048 }], ["p256", { kty: "EC", crv: "P-256" }], ["p256k", { kty: "EC-HSM", crv: "P-256K" }], [
        "p384",
        { kty: "EC", crv: "P-384" },
      ], ["p521", { kty: "EC", crv: "P-521" }]] as const
    ) {
      const r = await kv("POST", `/keys/sig-${name}/create`, body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      keys[name] = r.body.key as Record<string, string>;
    }
    assert.equal(keys.p256k.crv, "P-256K");
    assert.deepEqual(keys.p256k.key_ops, ["sign", "verify"]);

    const cases: [string, string, number][] = [
      ["RS256", "rsa", 256],
      ["RS384", "rsa", 256],
      ["RS512", "rsa", 256],
      ["PS256", "rsa", 256],
      ["PS384", "rsa", 256],
      ["PS512", "rsa", 256],
      ["ES256", "p256", 64],
      ["ES256K", "p256k", 64],
      ["ES384", "p384", 96],
      ["ES512", "p521", 132],
    ];
    for (const [alg, key, length] of cases) {
      await t.step(`${alg}: ${length}-byte signature, service verify, independent verify`, async () => {
        const hash = HASH[alg.slice(2)];
        const digest = new Uint8Array(createHash(hash).update(data).digest());
        const signed = await kv("POST", `/keys/sig-${key}/sign`, { alg, value: b64u(digest) });
        assert.equal(signed.status, 200, JSON.stringify(signed.body));
        assert.equal(signed.body.kid, keys[key].kid);
        const signature = new Uint8Array(Buffer.from(String(signed.body.value), "base64url"));
        assert.equal(signature.length, length);
        assert.deepEqual((await kv("POST", `/keys/sig-${key}/verify`, { alg, digest: b64u(digest), value: signed.body.value })).body, { value: true });
        const other = new Uint8Array(createHash(hash).update("something else").digest());
        assert.deepEqual((await kv("POST", `/keys/sig-${key}/verify`, { alg, digest: b64u(other), value: signed.body.value })).body, { value: false });
        const pub = publicKey(keys[key]);
        let independent: boolean;
        if (alg === "ES256K") {
          independent = await opensslVerify(pub.export({ format: "pem", type: "spki" }) as string, digest, signature);
        } else if (alg.startsWith("ES")) {
          independent = nodeVerify(hash, data, { key: pub, dsaEncoding: "ieee-p1363" }, signature);
        } else if (alg.startsWith("PS")) {
          const cryptoKey = await crypto.subtle.importKey("jwk", pub.export({ format: "jwk" }), { name: "RSA-PSS", hash: `SHA-${alg.slice(2)}` }, false, [
            "verify",
          ]);
          independent = await crypto.subtle.verify({ name: "RSA-PSS", saltLength: digest.length }, cryptoKey, signature, data);
        } else {
          independent = nodeVerify(hash, data, pub, signature);
        }
        assert.equal(independent, true, `${alg} verifies outside the emulator`);
        if (!alg.startsWith("RS")) {
          const again = await kv("POST", `/keys/sig-${key}/sign`, { alg, value: b64u(digest) });
          assert.notEqual(again.body.value, signed.body.value, `${alg} signatures are randomised`);
        }
      });
    }
    await t.step("an imported P-256K JWK keeps its curve name and signs ES256K", async () => {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
      const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
      const imported = await kv("PUT", "/keys/sig-imported-k1", { key: { ...jwk, crv: "P-256K", key_ops: ["sign", "verify"] } });
      assert.equal(imported.status, 200, JSON.stringify(imported.body));
      const key = imported.body.key as Record<string, string>;
      assert.equal(key.crv, "P-256K");
      assert.equal(key.x, jwk.x);
      assert.equal(key.d, undefined);
      const digest = new Uint8Array(createHash("sha256").update(data).digest());
      const signed = await kv("POST", "/keys/sig-imported-k1/sign", { alg: "ES256K", value: b64u(digest) });
      const signature = new Uint8Array(Buffer.from(String(signed.body.value), "base64url"));
      assert.equal(await opensslVerify(createPublicKey(privateKey).export({ format: "pem", type: "spki" }) as string, digest, signature), true);
    });
    await t.step("a digest of the wrong length is refused with the service's message", async () => {
      const short = await kv("POST", "/keys/sig-rsa/sign", { alg: "RS256", value: b64u(new Uint8Array(10)) });
      assert.equal(short.status, 400);
      assert.equal(message(short.body), "Invalid length of 'value': 10 bytes. RS256 requires 32 bytes, encoded with base64url.");
      const es = await kv("POST", "/keys/sig-p384/sign", { alg: "ES384", value: b64u(new Uint8Array(32)) });
      assert.equal(message(es.body), "Invalid length of 'value': 32 bytes. ES384 requires 48 bytes, encoded with base64url.");
      const v = await kv("POST", "/keys/sig-p256/verify", { alg: "ES256", digest: b64u(new Uint8Array(31)), value: b64u(new Uint8Array(64)) });
      assert.equal(v.status, 400);
      assert.match(message(v.body), /Invalid length of 'digest': 31 bytes/);
    });
    await t.step("algorithm and key must match", async () => {
      for (const [key, alg] of [["rsa", "ES256"], ["p256", "PS256"], ["p256", "ES384"], ["p256k", "ES256"], ["rsa", "HS256"]]) {
        const r = await kv("POST", `/keys/sig-${key}/sign`, { alg, value: b64u(new Uint8Array(32)) });
        assert.equal(r.status, 400, `${key} ${alg}`);
        assert.equal((r.body.error as { code: string }).code, "BadParameter");
      }
      const bad = await kv("POST", "/keys/sig-p256/verify", { alg: "ES256", digest: b64u(new Uint8Array(32)), value: b64u(new Uint8Array(3)) });
      assert.deepEqual(bad.body, { value: false }, "a malformed signature does not verify");
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("keys: rotation policy default, validation and storage; rotate makes a new version with the policy's expiry", async (t) => {
  const emu = await startEmulator({ seed: "empty" });
  const kv = await vaultCaller(emu);
  const vault = emu.manifest.vaults["kv-demo"];
  try {
    const created = await kv("POST", "/keys/rot-key/create", { kty: "EC", crv: "P-384", key_ops: ["sign", "verify"], tags: { team: "ops" } });
    assert.equal(created.status, 200);
    await t.step("a key that never had a policy: Notify 30 days before expiry", async () => {
      const r = await kv("GET", "/keys/rot-key/rotationpolicy");
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, {
        id: `${vault}/keys/rot-key/rotationpolicy`,
        lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }],
        attributes: {},
      });
      assert.equal((await kv("GET", "/keys/no-such-key/rotationpolicy")).status, 404);
    });
    await t.step("invalid policies are refused", async () => {
      const bad = [
        { attributes: { expiryTime: "P10D" } },
        { attributes: { expiryTime: "two years" } },
        { lifetimeActions: [{ trigger: { timeAfterCreate: "P1D" }, action: { type: "Rotate" } }] },
        { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Delete" } }] },
        { lifetimeActions: [{ trigger: {}, action: { type: "Rotate" } }] },
        { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D", timeBeforeExpiry: "P30D" }, action: { type: "Rotate" } }] },
        {
          lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }, {
            trigger: { timeAfterCreate: "P60D" },
            action: { type: "rotate" },
          }],
        },
        { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Rotate" } }] },
        { lifetimeActions: [{ trigger: { timeAfterCreate: "P80D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P84D" } },
        { lifetimeActions: "Rotate" },
      ];
      for (const body of bad) {
        const r = await kv("PUT", "/keys/rot-key/rotationpolicy", body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal((r.body.error as { code: string }).code, "BadParameter");
      }
      assert.deepEqual((await kv("GET", "/keys/rot-key/rotationpolicy")).body.attributes, {}, "nothing was stored");
    });
    await t.step("a valid policy: types case-insensitive, returned as Rotate/Notify, Notify added, created/updated set", async () => {
      const r = await kv("PUT", "/keys/rot-key/rotationpolicy", {
        lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "rotate" } }],
        attributes: { expiryTime: "P2Y" },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.lifetimeActions, [
        { trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } },
        { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } },
      ]);
      const attributes = r.body.attributes as { expiryTime: string; created: number; updated: number };
      assert.equal(attributes.expiryTime, "P2Y");
      assert.equal(typeof attributes.created, "number");
      assert.deepEqual((await kv("GET", "/keys/rot-key/rotationpolicy")).body, r.body);
      const reset = await kv("PUT", "/keys/rot-key/rotationpolicy", { lifetimeActions: [], attributes: { expiryTime: "P2Y" } });
      assert.deepEqual(reset.body.lifetimeActions, [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }], "empty resets to the default");
      assert.equal((reset.body.attributes as { created: number }).created, attributes.created, "created is kept");
    });
    await t.step("rotate: a new current version of the same curve, key_ops and tags, exp from expiryTime", async () => {
      const before = Math.floor(Date.now() / 1000);
      const r = await kv("POST", "/keys/rot-key/rotate");
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const key = r.body.key as Record<string, unknown>;
      assert.equal(key.crv, "P-384");
      assert.notEqual(key.x, (created.body.key as Record<string, unknown>).x);
      assert.deepEqual(key.key_ops, ["sign", "verify"]);
      assert.deepEqual(r.body.tags, { team: "ops" });
      const exp = (r.body.attributes as { exp: number }).exp;
      assert.ok(Math.abs(exp - (before + 730 * 86_400)) < 60, `exp ${exp} is now + P2Y`);
      const current = await kv("GET", "/keys/rot-key");
      assert.equal((current.body.key as { kid: string }).kid, key.kid, "the rotated version is current");
      assert.equal(((await kv("GET", "/keys/rot-key/versions")).body.value as unknown[]).length, 2);
      assert.equal((await kv("POST", "/keys/no-such-key/rotate")).status, 404);
      const rsa = await kv("POST", "/keys/rot-rsa/create", { kty: "RSA", key_size: 3072 });
      const rotated = await kv("POST", "/keys/rot-rsa/rotate");
      assert.equal(Buffer.from(String((rotated.body.key as { n: string }).n), "base64url").length, 384, "RSA 3072 stays 3072");
      assert.equal((rotated.body.attributes as { exp?: number }).exp, undefined, "no policy, no expiry");
      assert.notEqual((rotated.body.key as { n: string }).n, (rsa.body.key as { n: string }).n);
    });
    await t.step("before 7.3 there is no rotate", async () => {
      const token = await adminToken(emu, "https://vault.azure.net");
      const old = await call(emu, "POST", `${vault}/keys/rot-key/rotate?api-version=7.2`, token);
      assert.equal(old.status, 404);
    });
  } finally {
    await emu.stop();
  }
});

Deno.test("keys: /rng validates count (1..128) and, on a vault, answers 400 (a Managed HSM operation)", async () => {
  const emu = await startEmulator({ seed: "empty" });
  const kv = await vaultCaller(emu);
  try {
    for (const count of [0, 129, -1, 1.5, "4"]) {
      const r = await kv("POST", "/rng", { count });
      assert.equal(r.status, 400, String(count));
      assert.match(message(r.body), /integer from 1 to 128/);
    }
    assert.match(message((await kv("POST", "/rng", {})).body), /'count' is required/);
    for (const count of [1, 128]) {
      const r = await kv("POST", "/rng", { count });
      assert.equal(r.status, 400);
      assert.match(message(r.body), /Managed HSM/);
    }
  } finally {
    await emu.stop();
  }
});

Deno.test("keys: backup blobs are opaque, keep version ids and policy, and restore only in the same subscription and geography", async (t) => {
  const emu = await startEmulator({ seed: "demo" });
  const other = await startEmulator({ seed: "demo" });
  const kv = await vaultCaller(emu);
  try {
    const first = await kv("POST", "/keys/bk-key/create", { kty: "RSA", key_size: 2048 });
    const second = await kv("POST", "/keys/bk-key/rotate");
    await kv("PUT", "/keys/bk-key/rotationpolicy", {
      lifetimeActions: [{ trigger: { timeAfterCreate: "P60D" }, action: { type: "Rotate" } }],
      attributes: { expiryTime: "P1Y" },
    });
    const backup = await kv("POST", "/keys/bk-key/backup");
    assert.equal(backup.status, 200);
    const blob = String(backup.body.value);
    await t.step("the blob is base64url, starts like the service's, and shows no key material", () => {
      assert.match(blob, /^[A-Za-z0-9_-]+$/);
      const text = Buffer.from(blob, "base64url").toString("latin1");
      assert.ok(text.startsWith("&AzureKeyVaultKeyBackupV1.microsoft.com"), text.slice(0, 60));
      for (const needle of ["PRIVATE KEY", "bk-key", (first.body.key as { n: string }).n.slice(0, 40)]) {
        assert.ok(!text.includes(needle) && !blob.includes(needle), `the blob does not show ${needle}`);
      }
    });
    await t.step("a name in use, live or soft-deleted, is refused; after purge every version comes back", async () => {
      const live = await kv("POST", "/keys/restore", { value: blob });
      assert.equal(live.status, 409);
      assert.match(message(live.body), /conflict restoring the key/);
      assert.equal((await kv("DELETE", "/keys/bk-key")).status, 200);
      assert.equal((await kv("POST", "/keys/restore", { value: blob })).status, 409);
      assert.equal((await kv("DELETE", "/deletedkeys/bk-key")).status, 204);
      const restored = await kv("POST", "/keys/restore", { value: blob });
      assert.equal(restored.status, 200, JSON.stringify(restored.body));
      assert.equal((restored.body.key as { kid: string }).kid, (second.body.key as { kid: string }).kid, "version ids are kept");
      const versions = ((await kv("GET", "/keys/bk-key/versions")).body.value as { kid: string }[]).map((v) => v.kid).sort();
      assert.deepEqual(versions, [(first.body.key as { kid: string }).kid, (second.body.key as { kid: string }).kid].sort());
      const policy = await kv("GET", "/keys/bk-key/rotationpolicy");
      assert.equal((policy.body.attributes as { expiryTime: string }).expiryTime, "P1Y");
      const digest = b64u(new Uint8Array(32).fill(1));
      const signed = await kv("POST", `/keys/bk-key/${String((first.body.key as { kid: string }).kid).split("/").pop()}/sign`, { alg: "RS256", value: digest });
      assert.equal(signed.status, 200, "the restored old version still signs");
    });
    await t.step("another vault in the same geography restores it; another geography and garbage do not", async () => {
      const arm = await adminToken(emu, "https://management.azure.com/");
      const sub = emu.manifest.subscriptionId;
      const vaults: Record<string, string> = {};
      for (const [name, location] of [["kv-west-jp", "japanwest"], ["kv-eu", "westeurope"]]) {
        const url =
          `${emu.manifest.armEndpoint}/subscriptions/${sub}/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/${name}?api-version=2023-07-01`;
        const created = await call(emu, "PUT", url, arm, {
          location,
          properties: {
            sku: { family: "A", name: "standard" },
            tenantId: emu.manifest.tenantId,
            accessPolicies: [{ tenantId: emu.manifest.tenantId, objectId: emu.manifest.admin.principalId, permissions: { keys: ["all"] } }],
          },
        });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        vaults[name] = (created.body.properties as { vaultUri: string }).vaultUri.replace(/\/$/, "");
      }
      const japan = await (await vaultCaller(emu, vaults["kv-west-jp"]))("POST", "/keys/restore", { value: blob });
      assert.equal(japan.status, 200, JSON.stringify(japan.body));
      assert.ok(String((japan.body.key as { kid: string }).kid).startsWith(vaults["kv-west-jp"]), "the restored key has the new vault's id");
      const eu = await (await vaultCaller(emu, vaults["kv-eu"]))("POST", "/keys/restore", { value: blob });
      assert.equal(eu.status, 400);
      assert.match(message(eu.body), /Cannot decrypt backup blob/);
      const garbage = await kv("POST", "/keys/restore", { value: b64u(new TextEncoder().encode("not a backup")) });
      assert.equal(garbage.status, 400);
      assert.equal(message(garbage.body), "Backup blob contains invalid or corrupt version.");
    });
    await t.step("another subscription (another emulator) cannot restore it", async () => {
      const elsewhere = await vaultCaller(other);
      const r = await elsewhere("POST", "/keys/restore", { value: blob });
      assert.equal(r.status, 400);
      assert.match(message(r.body), /Cannot decrypt backup blob/);
    });
  } finally {
    await other.stop();
    await emu.stop();
  }
});

Deno.test("keys: rotate, rotation policies and backup are checked with their own data actions and access-policy permissions", async () => {
  const emu = await startEmulator({ seed: "demo" });
  const kv = await vaultCaller(emu);
  const policyKv = await vaultCaller(emu, "kv-demo-policy");
  const vm = await vmToken(emu, "https://vault.azure.net");
  const asVm = (vault: string, method: string, path: string, body?: unknown) => call(emu, method, `${emu.manifest.vaults[vault]}${path}?${API}`, vm, body);
  try {
    assert.equal((await kv("POST", "/keys/acl-key/create", { kty: "RSA" })).status, 200);
    for (
      const [method, path, action] of [
        ["POST", "/keys/acl-key/rotate", "keys/rotate/action"],
        ["GET", "/keys/acl-key/rotationpolicy", "keyrotationpolicies/read"],
        ["PUT", "/keys/acl-key/rotationpolicy", "keyrotationpolicies/write"],
        ["POST", "/keys/acl-key/backup", "keys/backup/action"],
      ]
    ) {
      const r = await asVm("kv-demo", method, path, method === "PUT" ? { lifetimeActions: [] } : undefined);
      assert.equal(r.status, 403, path);
      assert.match(message(r.body), new RegExp(`Action: 'Microsoft\\.KeyVault/vaults/${action.replaceAll("/", "\\/")}'`), path);
    }
    assert.equal((await policyKv("POST", "/keys/ap-key/create", { kty: "EC" })).status, 200);
    assert.equal((await policyKv("POST", "/keys/ap-key/rotate")).status, 200, "keys: all covers rotate");
    assert.equal((await policyKv("PUT", "/keys/ap-key/rotationpolicy", { lifetimeActions: [] })).status, 200);
    assert.equal((await policyKv("POST", "/keys/ap-key/backup")).status, 200);
    for (const [method, path, permission] of [["POST", "/keys/ap-key/rotate", "rotate"], ["GET", "/keys/ap-key/rotationpolicy", "getrotationpolicy"]]) {
      const r = await asVm("kv-demo-policy", method, path);
      assert.equal(r.status, 403);
      assert.match(message(r.body), new RegExp(`does not have keys ${permission} permission`));
    }
  } finally {
    await emu.stop();
  }
});

Deno.test("keys: a certificate's backing key refuses create, import, rotate and delete; bad names and endless durations are 400s", async () => {
  const emu = await startEmulator();
  const kv = await vaultCaller(emu);
  try {
    // web-cert is the demo certificate: its key is managed by Key Vault.
    const before = await kv("GET", "/keys/web-cert");
    assert.equal(before.status, 200);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
    for (
      const [method, path, body, operation] of [
        ["POST", "/keys/web-cert/create", { kty: "EC", crv: "P-256" }, "create"],
        ["PUT", "/keys/web-cert", { key: { ...rsa, kty: "RSA" } }, "import"],
        ["POST", "/keys/web-cert/rotate", undefined, "rotate"],
        ["DELETE", "/keys/web-cert", undefined, "delete"],
      ] as const
    ) {
      const r = await kv(method, path, body);
      assert.equal(r.status, 403, `${operation}: ${JSON.stringify(r.body)}`);
      assert.match(message(r.body), new RegExp(`Operation "${operation}" is not allowed`));
    }
    assert.equal(
      ((await kv("GET", "/keys/web-cert")).body.key as { kid: string }).kid,
      (before.body.key as { kid: string }).kid,
      "still the certificate's key",
    );

    for (const path of ["/keys/%E0%A4%A/rotate", "/keys/%E0%A4%A/rotationpolicy", "/keys/a_b/rotationpolicy"]) {
      const r = await kv(path.endsWith("rotate") ? "POST" : "GET", path);
      assert.equal(r.status, 400, path);
      assert.match(message(r.body), /invalid name/);
    }
    await kv("POST", "/keys/long-lived/create", { kty: "RSA" });
    const endless = await kv("PUT", "/keys/long-lived/rotationpolicy", {
      lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }],
      attributes: { expiryTime: "P99999999Y" },
    });
    assert.equal(endless.status, 400);
    assert.match(message(endless.body), /expiryTime/);
  } finally {
    await emu.stop();
  }
});
