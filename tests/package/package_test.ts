/**
 * The offline package as an admin gets it: the zips `deno task package` writes (built once by
 * tests/run.ts into KVMI_TEST_PACKAGE_DIR), rebuilt here to show they are reproducible, listed,
 * and the Linux one unpacked into an empty folder and run with no node, npx or deno on PATH:
 * `kvmi --version`, `kvmi secret get` against the emulator, arguments and stdin through the
 * launcher byte for byte, and the packaged KvMi module's `Get-KvSecret` with no KVMI_PATH.
 * @module
 */
import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { VERSION } from "../../src/main.ts";
import { startEmulator } from "../fixtures/emulator.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PACKAGE_DIR = Deno.env.get("KVMI_TEST_PACKAGE_DIR");

/** The prepared package folder; tests/run.ts builds it before the suites. */
function packageDir(): string {
  if (!PACKAGE_DIR) throw new Error("KVMI_TEST_PACKAGE_DIR is not set: run the suites with 'deno task test', which builds the package first.");
  return PACKAGE_DIR;
}

async function run(cmd: string, args: string[], options: { env?: Record<string, string>; cwd?: string; stdin?: string } = {}) {
  const child = new Deno.Command(cmd, {
    args,
    env: options.env,
    clearEnv: options.env !== undefined,
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  if (options.stdin !== undefined) await writer.write(new TextEncoder().encode(options.stdin));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("the release zips: names, checksums, one version everywhere, reproducible", async () => {
  const dir = packageDir();
  const sums = (await Deno.readTextFile(`${dir}/SHA256SUMS`)).trim().split("\n");
  assert.deepEqual(sums.map((l) => l.split("  ")[1]).sort(), [`kvmi-${VERSION}-linux-x64.zip`, `kvmi-${VERSION}-windows-x64.zip`]);
  for (const line of sums) {
    const [hash, name] = line.split("  ");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(`${dir}/${name}`)));
    assert.equal([...digest].map((b) => b.toString(16).padStart(2, "0")).join(""), hash, name);
  }
  const manifest = await Deno.readTextFile(`${ROOT}ps/KvMi/KvMi.psd1`);
  assert.match(manifest, new RegExp(`ModuleVersion\\s*=\\s*'${VERSION.replaceAll(".", "\\.")}'`), "KvMi.psd1 ModuleVersion is kvmi's VERSION");
  const version = await run(Deno.execPath(), ["run", "--allow-all", "--quiet", `${ROOT}src/main.ts`, "--version"]);
  assert.equal(version.stdout, `kvmi ${VERSION}\n`);

  const again = await Deno.makeTempDir({ prefix: "kvmi-repro-" });
  try {
    const built = await run(Deno.execPath(), ["run", "--allow-all", `${ROOT}build.ts`, "package", "--platform", "linux-x64", "--out", again], { cwd: ROOT });
    assert.equal(built.code, 0, built.stderr);
    const first = await Deno.readFile(`${dir}/kvmi-${VERSION}-linux-x64.zip`);
    const second = await Deno.readFile(`${again}/kvmi-${VERSION}-linux-x64.zip`);
    assert.ok(first.length === second.length && first.every((b, i) => b === second[i]), "two builds of the same commit give byte-identical zips");
  } finally {
    await Deno.remove(again, { recursive: true });
  }
});

Deno.test("the Windows zip holds kvmi.exe, its runtime and code, the wired module, the installer, README and licences", async () => {
  const files = unzipSync(await Deno.readFile(`${packageDir()}/kvmi-${VERSION}-windows-x64.zip`));
  const names = Object.keys(files);
  for (
    const name of [
      "kvmi.exe",
      "runtime/deno.exe",
      "lib/main.js",
      "Install-KvMi.ps1",
      "README.txt",
      "SHA256SUMS",
      "LICENSES/deno.txt",
      "LICENSES/jose-6.2.17.txt",
    ]
  ) {
    assert.ok(names.includes(name), `${name} is in the Windows zip`);
  }
  assert.equal(String.fromCharCode(files["kvmi.exe"][0], files["kvmi.exe"][1]), "MZ", "kvmi.exe is a Windows executable");
  assert.equal(String.fromCharCode(files["runtime/deno.exe"][0], files["runtime/deno.exe"][1]), "MZ");
  assert.equal(new TextDecoder().decode(files["KvMi/kvmi.path"]).trim(), "..\\kvmi.exe");
  const psd1 = new TextDecoder().decode(files["KvMi/KvMi.psd1"]);
  assert.match(psd1, new RegExp(`ModuleVersion\\s*=\\s*'${VERSION.replaceAll(".", "\\.")}'`));
  assert.ok(!names.some((n) => n.startsWith("KvMi/Tests/") || n.startsWith("KvMi/bin/")), "no tests or development bin folder");
  assert.equal(new TextDecoder().decode(files["README.txt"]).trim().split(/\r\n/).length, 3, "README.txt is three lines");
  const listed = new TextDecoder().decode(files["SHA256SUMS"]).trim().split("\n").map((l) => l.split("  ")[1]);
  assert.deepEqual(listed.sort(), names.filter((n) => n !== "SHA256SUMS").sort(), "SHA256SUMS lists every other file");
  for (const [name, data] of Object.entries(files)) {
    if (!name.startsWith("lib/")) continue;
    assert.doesNotMatch(new TextDecoder().decode(data), /registry\.npmjs\.org|\/root\/|\/home\//, `${name} names no build-machine path`);
  }
});

/** The modules `file` in the zip's lib/ imports statically, transitively (`import()` not followed). */
function staticClosure(files: Record<string, Uint8Array>, file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (!file.startsWith("lib/")) return seen;
  const text = new TextDecoder().decode(files[file]);
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?:[^"';]*?\s+from\s+)?"([^"]+)";/gm)) {
    const spec = m[1];
    const resolved = spec.startsWith(".") ? new URL(spec, `file:///${file}`).pathname.slice(1) : spec;
    staticClosure(files, resolved, seen);
  }
  return seen;
}

Deno.test("the packaged main.js and secret command load no Node built-in (no node:module, no node:crypto) before a command needs one", async () => {
  const files = unzipSync(await Deno.readFile(`${packageDir()}/kvmi-${VERSION}-linux-x64.zip`));
  for (const entry of ["lib/main.js", "lib/commands/secret.js"]) {
    assert.ok(files[entry], `${entry} is in the zip`);
    const closure = [...staticClosure(files, entry)];
    assert.deepEqual(closure.filter((m) => m.startsWith("node:")), [], `${entry} loads ${closure.filter((m) => m.startsWith("node:")).join(", ")}`);
    assert.ok(closure.length > 1, `${entry} imports its chunks`);
  }
  const all = Object.entries(files).filter(([n]) => n.startsWith("lib/")).map(([, d]) => new TextDecoder().decode(d));
  assert.ok(!all.some((t) => t.includes('from "node:module"')), "no chunk imports node:module (the bundler's createRequire)");
});

Deno.test("the Linux zip, unpacked, runs kvmi and the KvMi module with no node, npx or deno on PATH", async (t) => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-unpacked-" });
  const bin = await Deno.makeTempDir({ prefix: "kvmi-path-" });
  try {
    const unzip = await run("unzip", ["-q", `${packageDir()}/kvmi-${VERSION}-linux-x64.zip`, "-d", dir]);
    assert.equal(unzip.code, 0, unzip.stderr);
    // PATH holds dotnet only (the pwsh tool's host needs it): no node, npx or deno anywhere.
    await Deno.symlink(await Deno.realPath((await run("sh", ["-c", "command -v dotnet"])).stdout.trim()), `${bin}/dotnet`);
    const env: Record<string, string> = { ...emu.env, PATH: bin, HOME: dir };
    const kvmi = `${dir}/kvmi`;

    await t.step("kvmi --version", async () => {
      const r = await run(kvmi, ["--version"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `kvmi ${VERSION}\n`);
    });

    await t.step("kvmi secret get against the emulator", async () => {
      const r = await run(kvmi, ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "this-is-test-secret");
    });

    await t.step("arguments and stdin reach kvmi byte for byte through the launcher", async () => {
      const admin = {
        ...env,
        AZURE_CLIENT_ID: emu.manifest.admin.clientId,
        AZURE_TENANT_ID: emu.manifest.tenantId,
        AZURE_CLIENT_SECRET: emu.manifest.admin.clientSecret,
      };
      const tag = 'a&b|c^d%PATH%"q" $HOME `x` \u00e9\u65e5';
      const value = "line1\r\nline2\t\u2603 ";
      const set = await run(kvmi, ["secret", "set", "--vault", "kv-demo", "--name", "launcher-args", "--tag", `k=${tag}`, "-o", "json"], {
        env: admin,
        stdin: value,
      });
      assert.equal(set.code, 0, set.stderr);
      const got = await run(kvmi, ["secret", "get", "--vault", "kv-demo", "--name", "launcher-args", "-o", "json"], { env: admin });
      const bundle = JSON.parse(got.stdout);
      assert.equal(bundle.tags.k, tag);
      assert.equal(bundle.value, value);
    });

    await t.step("kvmi through a symbolic link on PATH", async () => {
      await Deno.symlink(kvmi, `${bin}/kvmi`);
      const r = await run("kvmi", ["--version"], { env });
      assert.equal(r.stdout, `kvmi ${VERSION}\n`);
    });

    await t.step("Import-Module of the packaged KvMi and Get-KvSecret, with no KVMI_PATH", async () => {
      const pwsh = `${ROOT}.tools/pwsh/pwsh`;
      const script = `Import-Module '${dir}/KvMi/KvMi.psd1'; if ($env:KVMI_PATH) { throw 'KVMI_PATH is set' }; ` +
        `Get-KvSecret -VaultName kv-demo -Name secret-for-vm -AsPlainText`;
      const r = await run(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script], {
        env: { ...env, DOTNET_ROLL_FORWARD: "Major", POWERSHELL_TELEMETRY_OPTOUT: "1", POWERSHELL_UPDATECHECK: "Off" },
      });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.equal(r.stdout.trim(), "this-is-test-secret");
    });
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(bin, { recursive: true });
  }
});
