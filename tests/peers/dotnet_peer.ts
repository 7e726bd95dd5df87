/**
 * Where the .NET peer (tests/peers/dotnet) is built and how it runs: `ensureDotnetPeer` restores
 * and builds it into `tests/.out/dotnet-peer/` outside the network sandbox, skipping the build
 * when a hash of its sources matches the last successful one; inside the sandbox the test runs
 * the built dll with the environment below, so `dotnet` never tries the network.
 *
 * @example
 * ```ts
 * await ensureDotnetPeer("/repo/");   // throws with the build's own output if it fails
 * ```
 * @module
 */
import { DOTNET_ENV } from "../powershell/tools.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SOURCE_DIR = `${ROOT}tests/peers/dotnet`;
const OUT_DIR = `${ROOT}tests/.out/dotnet-peer`;

/** The built app. */
export const DOTNET_PEER_DLL = `${OUT_DIR}/bin/KvmiDotnetPeer.dll`;

/** The environment `dotnet KvmiDotnetPeer.dll` runs with: no telemetry, no first-run work, no logo. */
export const DOTNET_RUN_ENV: Record<string, string> = {
  ...DOTNET_ENV,
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1",
  DOTNET_GENERATE_ASPNET_CERTIFICATE: "false",
};

/** Restores and builds the peer unless its sources' hash matches the last build; throws with the build's output. */
export async function ensureDotnetPeer(): Promise<void> {
  const hash = await sourceHash();
  const stamp = `${OUT_DIR}/source.sha256`;
  const built = await Deno.readTextFile(stamp).catch(() => "");
  if (built === hash && (await Deno.stat(DOTNET_PEER_DLL).then(() => true, () => false))) return;
  await Deno.remove(stamp).catch(() => {});
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("dotnet", {
      args: ["build", `${SOURCE_DIR}/KvmiDotnetPeer.csproj`, "-c", "Release", "-o", `${OUT_DIR}/bin`, "-nologo"],
      cwd: ROOT,
      env: DOTNET_RUN_ENV,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new Error(`the .NET peer cannot be built: 'dotnet' could not be started (${(error as Error).message}). Install the .NET SDK.`);
  }
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`the .NET peer could not be built: 'dotnet build' exited with ${out.code}:\n${text.trim()}`);
  }
  await Deno.writeTextFile(stamp, hash);
  console.log("Built the .NET peer into tests/.out/dotnet-peer");
}

/** SHA-256 over the peer's project and source files, by name, in a stable order. */
async function sourceHash(): Promise<string> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(SOURCE_DIR)) if (entry.isFile) names.push(entry.name);
  names.sort();
  const parts: Uint8Array[] = [];
  for (const name of names) {
    parts.push(new TextEncoder().encode(`${name}\0`), await Deno.readFile(`${SOURCE_DIR}/${name}`), new Uint8Array([0]));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", all)), (b) => b.toString(16).padStart(2, "0")).join("");
}
