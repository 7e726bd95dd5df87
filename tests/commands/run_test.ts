import assert from "node:assert/strict";
import { adminEnv, startEmulator } from "../fixtures/emulator.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;
const DENO = Deno.execPath();
const SEEDED = "this-is-test-secret";
const MULTI = "pässwörd ☃\nline two\r\n\ttabbed 'q' \"qq\" $HOME `x`\n";

/** A child that prints its environment and its own command line as JSON. */
const PRINT_ENV = [DENO, "eval", "console.log(JSON.stringify({ env: Deno.env.toObject(), cmdline: Deno.readTextFileSync('/proc/self/cmdline') }))"];

Deno.test("kvmi run: values arrive in the child's environment only, nothing else changes, no secret on any command line", async () => {
  const emu = await startEmulator();
  try {
    const set = await emu.kvmi(["secret", "set", "--vault", "kv-demo", "--name", "multi"], { env: adminEnv(emu), stdin: MULTI });
    assert.equal(set.code, 0, set.stderr);
    const version = JSON.parse(set.stdout).id.split("/").pop();
    const envFile = await Deno.makeTempFile({ suffix: ".env" });
    await Deno.writeTextFile(
      envFile,
      `# app settings\n\nexport FROM_FILE=kv://kv-demo/secret-for-vm\nAPP_SVC="@Microsoft.KeyVault(VaultName=kv-demo;SecretName=multi)"\n`,
    );
    const secretUri = `@Microsoft.KeyVault(SecretUri=${emu.manifest.vaults["kv-demo"].replace(/\/$/, "")}/secrets/multi/${version})`;
    await emu.resetFaults();
    const run = await emu.kvmi([
      "run",
      "--env",
      "SEEDED=kv://kv-demo/secret-for-vm",
      "--env",
      `PINNED=kv://kv-demo/multi/${version}`,
      "--env",
      `BY_URI=${secretUri}`,
      "--env-file",
      envFile,
      "--",
      ...PRINT_ENV,
    ]);
    await Deno.remove(envFile);
    assert.equal(run.code, 0, run.stderr);
    const child = JSON.parse(run.stdout) as { env: Record<string, string>; cmdline: string };
    const added = { SEEDED: SEEDED, PINNED: MULTI, BY_URI: MULTI, FROM_FILE: SEEDED, APP_SVC: MULTI };
    assert.deepEqual(child.env, { ...emu.env, ...added }, "the child's environment is kvmi's plus the references' values, nothing else");
    assert.ok(!child.cmdline.includes(SEEDED) && !child.cmdline.includes("line two"), "no value on the child's command line");
    assert.equal(run.stderr, "");
    const counts = await emu.requests();
    assert.equal(counts["imds-token"], 1, "the five secrets of one vault share one token");
    assert.equal(counts.keyvault, 5);
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi run: exit codes 0, 3 and 42 pass through; a missing secret or a bad reference starts nothing", async () => {
  const emu = await startEmulator();
  const marker = `${await Deno.makeTempDir()}/started`;
  const exitWith = (code: number) => [DENO, "eval", `Deno.writeTextFileSync(${JSON.stringify(marker)}, "x"); Deno.exit(${code})`];
  try {
    for (const code of [0, 3, 42]) {
      const run = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm", "--", ...exitWith(code)]);
      assert.equal(run.code, code, run.stderr);
    }
    await Deno.remove(marker);

    const missing = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm", "--env", "GONE=kv://kv-demo/no-such-secret", "--", ...exitWith(0)]);
    assert.equal(missing.code, 5, "the exit code of secret get for a missing secret");
    assert.match(missing.stderr, /GONE \(kv:\/\/kv-demo\/no-such-secret\)/);
    assert.match(missing.stderr, /SecretNotFound|not found/i);
    assert.ok(!missing.stderr.includes(SEEDED));
    await assert.rejects(Deno.stat(marker), "nothing started");

    await emu.resetFaults();
    const bad = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm", "--env", "T=kv://kv-demo/bad_name!", "--", ...exitWith(0)]);
    assert.equal(bad.code, 2);
    assert.equal((await emu.requests())["imds-token"] ?? 0, 0, "a malformed reference is found before any request");
    assert.match(bad.stderr, /not a valid secret reference/);
    const value = await emu.kvmi(["run", "--env", "S=hunter2-plain-value", "--", ...exitWith(0)]);
    assert.equal(value.code, 2);
    assert.match(value.stderr, /value of S is not a secret reference/);
    assert.ok(!value.stderr.includes("hunter2"), "a value given by mistake is not echoed");
    const noProgram = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm"]);
    assert.equal(noProgram.code, 2);
    const noDashes = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm", ...exitWith(0)]);
    assert.equal(noDashes.code, 2);
    assert.match(noDashes.stderr, /before '--'/);
    const notFound = await emu.kvmi(["run", "--env", "S=kv://kv-demo/secret-for-vm", "--", "/no/such/program"]);
    assert.equal(notFound.code, 2);
    assert.match(notFound.stderr, /Cannot start '\/no\/such\/program'/);
    await assert.rejects(Deno.stat(marker), "nothing started");

    const help = await emu.kvmi(["run", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi run: SIGTERM and SIGINT sent to kvmi reach the program, whose exit code comes back", { ignore: Deno.build.os === "windows" }, async () => {
  const emu = await startEmulator();
  try {
    for (const [signal, code] of [["SIGTERM", 42], ["SIGINT", 43]] as const) {
      const program =
        `Deno.addSignalListener("${signal}", () => { console.log("got ${signal}"); Deno.exit(${code}); }); console.log("ready"); setTimeout(() => {}, 30000);`;
      const child = new Deno.Command(DENO, {
        args: ["run", "--allow-all", "--quiet", MAIN, "run", "--env", "S=kv://kv-demo/secret-for-vm", "--", DENO, "eval", program],
        env: emu.env,
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let out = "";
      while (!out.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      child.kill(signal);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        out += value;
      }
      const status = await child.status;
      await child.stderr.cancel();
      assert.match(out, new RegExp(`got ${signal}`));
      assert.equal(status.code, code, `${signal}: the program's exit code, not kvmi's death by signal`);
    }
  } finally {
    await emu.stop();
  }
});
