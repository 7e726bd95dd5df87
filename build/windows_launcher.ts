/**
 * Builds `kvmi.exe`, the portable Windows package's launcher (`src/launcher/windows`), with the
 * .NET SDK: a deterministic .NET Framework 4.6.2 build in a temporary copy of the project, so no
 * build output lands in the source tree.
 *
 * @example
 * ```ts
 * const exe = await windowsLauncher("/repo/", "0.1.0");
 * ```
 * @module
 */

/** Returns the bytes of kvmi.exe stamped with `version`. */
export async function windowsLauncher(root: string, version: string): Promise<Uint8Array> {
  const work = await Deno.makeTempDir({ prefix: "kvmi-launcher-" });
  try {
    for (const name of ["Launcher.cs", "kvmi-launcher.csproj"]) {
      await Deno.copyFile(`${root}src/launcher/windows/${name}`, `${work}/${name}`);
    }
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("dotnet", {
        args: ["build", `${work}/kvmi-launcher.csproj`, "-c", "Release", "-o", `${work}/out`, `-p:KvmiVersion=${version}`, "-nologo", "-v", "quiet"],
        env: { DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      throw new Error(`kvmi.exe needs the .NET SDK to build: 'dotnet' could not be started (${(error as Error).message}).`);
    }
    if (!out.success) {
      throw new Error(`dotnet build of the Windows launcher failed:\n${new TextDecoder().decode(out.stdout)}${new TextDecoder().decode(out.stderr)}`);
    }
    return await Deno.readFile(`${work}/out/kvmi.exe`);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}
