import assert from "node:assert/strict";
import { adminEnv, startEmulator } from "../fixtures/emulator.ts";

const SEEDED = "this-is-test-secret";
const MULTI = 'pässwörd ☃ 日本語\nline two {{ kv://kv-demo/secret-for-vm }}\r\n\t$HOME `x` "q"\n';

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

Deno.test("kvmi inject: round-trips a template with non-ASCII and multi-line secrets into an owner-only file", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const set = await emu.kvmi(["secret", "set", "--vault", "kv-demo", "--name", "multi"], { env: adminEnv(emu), stdin: MULTI });
    assert.equal(set.code, 0, set.stderr);
    const version = JSON.parse(set.stdout).id.split("/").pop();
    const template = "\uFEFF# Grüße {{ not-a-reference }} {{name}}\n" +
      "user=app\npassword={{ kv://kv-demo/secret-for-vm }}\n" +
      `multi="{{kv://kv-demo/multi/${version}}}"\n` +
      "same={{ @Microsoft.KeyVault(VaultName=kv-demo;SecretName=multi) }}\n";
    await Deno.writeTextFile(`${dir}/app.tmpl`, template);
    const out = `${dir}/app.conf`;
    const run = await emu.kvmi(["inject", "--in", `${dir}/app.tmpl`, "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.equal(run.stderr, "");
    const expected = `\uFEFF# Grüße {{ not-a-reference }} {{name}}\nuser=app\npassword=${SEEDED}\nmulti="${MULTI}"\nsame=${MULTI}\n`;
    assert.equal(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await Deno.readFile(out)), expected, "byte for byte, the value's own {{ }} left alone");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);
    assert.deepEqual(await listDir(dir), ["app.conf", "app.tmpl"], "no temporary file left");

    // An existing file is refused (exit 1) and left as it was, before any request; --force replaces it (still 0600).
    await Deno.writeTextFile(out, "old");
    await Deno.chmod(out, 0o644);
    const refused = await emu.kvmi(["inject", "--in", `${dir}/app.tmpl`, "--out", out]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exists.*nothing was written/);
    assert.equal(await Deno.readTextFile(out), "old");
    const forced = await emu.kvmi(["inject", "--in", `${dir}/app.tmpl`, "--out", out, "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await Deno.readFile(out)), expected);
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(out)).mode! & 0o777, 0o600);

    // --out - only with --allow-stdout.
    const stdout = await emu.kvmi(["inject", "--in", `${dir}/app.tmpl`, "--out", "-"]);
    assert.equal(stdout.code, 2);
    assert.match(stdout.stderr, /--allow-stdout/);
    const allowed = await emu.kvmi(["inject", "--in", `${dir}/app.tmpl`, "--out", "-", "--allow-stdout"]);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout, expected.slice(1), "(the fixture decodes stdout without its BOM)");
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kvmi inject: a failing or malformed reference writes nothing and says which one", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/t.tmpl`, "a={{ kv://kv-demo/secret-for-vm }}\nb={{ kv://kv-demo/no-such-secret }}\n");
    const missing = await emu.kvmi(["inject", "--in", `${dir}/t.tmpl`, "--out", `${dir}/t.conf`]);
    assert.equal(missing.code, 5);
    assert.match(missing.stderr, /t\.tmpl:2 \(kv:\/\/kv-demo\/no-such-secret\)/);
    assert.ok(!missing.stderr.includes(SEEDED));
    assert.deepEqual(await listDir(dir), ["t.tmpl"]);

    // Existing file + --force + failure: the old file stays.
    await Deno.writeTextFile(`${dir}/t.conf`, "old");
    const forced = await emu.kvmi(["inject", "--in", `${dir}/t.tmpl`, "--out", `${dir}/t.conf`, "--force"]);
    assert.equal(forced.code, 5);
    assert.equal(await Deno.readTextFile(`${dir}/t.conf`), "old");
    assert.deepEqual(await listDir(dir), ["t.conf", "t.tmpl"]);

    await Deno.writeTextFile(`${dir}/bad.tmpl`, "x\n{{ kv://kv-demo }}\n");
    const bad = await emu.kvmi(["inject", "--in", `${dir}/bad.tmpl`, "--out", `${dir}/bad.conf`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.tmpl:2: 'kv:\/\/kv-demo' is not a valid secret reference/);
    await assert.rejects(Deno.stat(`${dir}/bad.conf`));

    // The folder cannot be written: exit 1, nothing left behind.
    if (Deno.build.os !== "windows" && Deno.uid() !== 0) {
      await Deno.writeTextFile(`${dir}/ok.tmpl`, "a={{ kv://kv-demo/secret-for-vm }}\n");
      await Deno.mkdir(`${dir}/ro`, { mode: 0o500 });
      const ro = await emu.kvmi(["inject", "--in", `${dir}/ok.tmpl`, "--out", `${dir}/ro/ok.conf`]);
      assert.equal(ro.code, 1);
      assert.match(ro.stderr, /Cannot write/);
      assert.deepEqual(await listDir(`${dir}/ro`), []);
      await Deno.chmod(`${dir}/ro`, 0o700);
    }

    const help = await emu.kvmi(["inject", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
