/**
 * The portable Windows launcher (`src/launcher/windows/Launcher.cs`) hands deno.exe the tail of its
 * own command line verbatim. Its tail logic runs here on the build machine's .NET (a small harness
 * in `launcher_tail/`), against command lines as Windows builds them: quoted and unquoted program
 * paths, tabs, and arguments full of `cmd.exe` metacharacters, quotes and non-ASCII, which must come
 * through unchanged. The launcher itself (the process start on Windows) runs only on the release runner.
 * @module
 */
import assert from "node:assert/strict";

const HERE = new URL("./launcher_tail/", import.meta.url).pathname;

const CASES: [string, string][] = [
  ['"C:\\Program Files\\kvmi\\kvmi.exe" secret get --vault kv', "secret get --vault kv"],
  ["C:\\kvmi\\kvmi.exe --version", "--version"],
  ["kvmi.exe", ""],
  ['"kvmi.exe"', ""],
  ['"C:\\Program Files\\kvmi\\kvmi.exe"   ', ""],
  ["kvmi.exe\\t\\t-o raw", "-o raw"],
  ['kvmi secret set --tag "k=a&b|c^d%PATH%\\"q\\"" --name x', 'secret set --tag "k=a&b|c^d%PATH%\\"q\\"" --name x'],
  ['kvmi token --resource "https://vault.azure.net"  --verbose ', 'token --resource "https://vault.azure.net"  --verbose '],
  ['kvmi secret get --name \u00e9\u65e5\u2603 ""', 'secret get --name \u00e9\u65e5\u2603 ""'],
];

Deno.test("the Windows launcher passes its command-line tail to deno.exe verbatim", async () => {
  const artifacts = await Deno.makeTempDir({ prefix: "kvmi-launcher-tail-" });
  try {
    const child = new Deno.Command("dotnet", {
      args: ["run", "--project", HERE, "--artifacts-path", artifacts, "-v", "quiet"],
      env: { DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(CASES.map(([line]) => line).join("\n") + "\n"));
    await writer.close();
    const out = await child.output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout));
    const tails = new TextDecoder().decode(out.stdout).split("\n").slice(0, CASES.length);
    assert.deepEqual(tails, CASES.map(([, tail]) => tail));
  } finally {
    await Deno.remove(artifacts, { recursive: true });
  }
});
