/**
 * `kvmi key rotate | rotation-policy show|set | backup | restore`, and sign/verify with the PS
 * and ES algorithms, against the emulator as the admin.
 */
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify as nodeVerify } from "node:crypto";
import { adminEnv, adminToken, startEmulator } from "../fixtures/emulator.ts";

Deno.test("kvmi key rotate, rotation-policy show and set, backup (0600, no overwrite) and restore", async (t) => {
  const emu = await startEmulator({ seed: "empty" });
  const env = adminEnv(emu);
  const dir = await Deno.makeTempDir();
  const kvmi = (args: string[]) => emu.kvmi(["key", ...args, "--vault", "kv-demo"], { env });
  try {
    const created = await kvmi(["create", "--name", "cli-key", "--kty", "EC", "--curve", "P-256K"]);
    assert.equal(created.code, 0, created.stderr);
    const first = JSON.parse(created.stdout);
    await t.step("rotation-policy show: the default; set from a file; show again as a table", async () => {
      const shown = await kvmi(["rotation-policy", "show", "--name", "cli-key"]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(JSON.parse(shown.stdout).lifetimeActions, [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }]);
      await Deno.writeTextFile(
        `${dir}/policy.json`,
        JSON.stringify({ lifetimeActions: [{ trigger: { timeAfterCreate: "P60D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P1Y" } }),
      );
      const set = await kvmi(["rotation-policy", "set", "--name", "cli-key", "--file", `${dir}/policy.json`]);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(JSON.parse(set.stdout).attributes.expiryTime, "P1Y");
      const table = await kvmi(["rotation-policy", "show", "--name", "cli-key", "--output", "table"]);
      assert.match(table.stdout, /Rotate P60D after create; Notify P30D before expiry/);
      await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ attributes: { expiryTime: "P1D" } }));
      const bad = await kvmi(["rotation-policy", "set", "--name", "cli-key", "--file", `${dir}/bad.json`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /28 days/);
      assert.equal(bad.stderr.trim().split("\n").length, 1, "one line");
      assert.equal((await kvmi(["rotation-policy", "delete", "--name", "cli-key"])).code, 2);
    });
    await t.step("rotate: a new current version, exp from the policy", async () => {
      const rotated = await kvmi(["rotate", "--name", "cli-key"]);
      assert.equal(rotated.code, 0, rotated.stderr);
      const bundle = JSON.parse(rotated.stdout);
      assert.notEqual(bundle.key.kid, first.key.kid);
      assert.equal(bundle.key.crv, "P-256K");
      assert.ok(bundle.attributes.exp > Date.now() / 1000 + 360 * 86_400);
      const versions = JSON.parse((await kvmi(["versions", "--name", "cli-key"])).stdout);
      assert.equal(versions.length, 2);
    });
    await t.step("sign and verify with ES256K and PS256 over --data-file", async () => {
      await Deno.writeTextFile(`${dir}/payload.bin`, "pay me");
      const signed = await kvmi(["sign", "--name", "cli-key", "--alg", "ES256K", "--data-file", `${dir}/payload.bin`]);
      assert.equal(signed.code, 0, signed.stderr);
      const signature = JSON.parse(signed.stdout).value;
      assert.equal(Buffer.from(signature, "base64url").length, 64);
      const verified = await kvmi(["verify", "--name", "cli-key", "--alg", "ES256K", "--data-file", `${dir}/payload.bin`, "--signature", signature]);
      assert.deepEqual(JSON.parse(verified.stdout), { value: true });
      assert.equal((await kvmi(["create", "--name", "cli-rsa"])).code, 0);
      const ps = await kvmi(["sign", "--name", "cli-rsa", "--alg", "PS256", "--data-file", `${dir}/payload.bin`]);
      assert.equal(ps.code, 0, ps.stderr);
      const jwk = JSON.parse((await kvmi(["get", "--name", "cli-rsa"])).stdout).key;
      const pub = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
      const ok = nodeVerify(
        "sha256",
        new TextEncoder().encode("pay me"),
        { key: pub, padding: 6, saltLength: 32 },
        Buffer.from(JSON.parse(ps.stdout).value, "base64url"),
      );
      assert.equal(ok, true, "PS256 from kvmi verifies with node:crypto (PSS, salt 32)");
      const digest = createHash("sha256").update("x").digest("base64url");
      const short = await kvmi(["sign", "--name", "cli-rsa", "--alg", "PS384", "--digest", digest]);
      assert.notEqual(short.code, 0);
      assert.match(short.stderr, /PS384 requires 48 bytes/);
    });
    await t.step("backup writes an owner-only file, never over an existing one without --force", async () => {
      const out = `${dir}/cli-key.keybackup`;
      const r = await kvmi(["backup", "--name", "cli-key", "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).out, out);
      assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
      const blob = await Deno.readFile(out);
      assert.ok(new TextDecoder().decode(blob).startsWith("&AzureKeyVaultKeyBackupV1.microsoft.com"));
      const again = await kvmi(["backup", "--name", "cli-key", "--out", out]);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /already exists/);
      assert.equal((await kvmi(["backup", "--name", "cli-key", "--out", out, "--force"])).code, 0);
      await Deno.symlink(out, `${dir}/link`);
      const link = await kvmi(["backup", "--name", "cli-key", "--out", `${dir}/link`, "--force"]);
      assert.equal(link.code, 2);
      assert.match(link.stderr, /symbolic link/);
      assert.equal((await kvmi(["backup", "--name", "cli-key", "--out", "-"])).code, 2);
    });
    await t.step("restore: refused while the name is in use, restored after purge with its versions", async () => {
      const file = `${dir}/cli-key.keybackup`;
      const inUse = await kvmi(["restore", "--file", file]);
      assert.notEqual(inUse.code, 0);
      assert.match(inUse.stderr, /conflict restoring the key/);
      assert.equal((await kvmi(["restore", "--file", file, "--name", "cli-key"])).code, 2, "restore takes no --name");
      const auth = { Authorization: `Bearer ${await adminToken(emu, "https://vault.azure.net")}` };
      const vault = emu.manifest.vaults["kv-demo"];
      for (const [method, path] of [["DELETE", "/keys/cli-key"], ["DELETE", "/deletedkeys/cli-key"]]) {
        const res = await fetch(`${vault}${path}?api-version=7.5`, { method, headers: auth, client: emu.http });
        await res.body?.cancel();
        assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
      }
      const restored = await kvmi(["restore", "--file", file, "--output", "table"]);
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /cli-key/);
      assert.equal(JSON.parse((await kvmi(["versions", "--name", "cli-key"])).stdout).length, 2);
      await Deno.writeFile(`${dir}/empty`, new Uint8Array());
      assert.equal((await kvmi(["restore", "--file", `${dir}/empty`])).code, 2);
      await Deno.writeTextFile(`${dir}/garbage`, "garbage");
      const garbage = await kvmi(["restore", "--file", `${dir}/garbage`]);
      assert.notEqual(garbage.code, 0);
      assert.match(garbage.stderr, /invalid or corrupt/);
    });
    await t.step("--help shows every new subcommand with an example", async () => {
      const help = await emu.kvmi(["key", "rotate", "--help"]);
      assert.equal(help.code, 0);
      for (
        const example of ["kvmi key rotate", "kvmi key rotation-policy show", "kvmi key rotation-policy set", "kvmi key backup", "kvmi key restore", "ES256K"]
      ) {
        assert.ok(help.stdout.includes(example), example);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});
