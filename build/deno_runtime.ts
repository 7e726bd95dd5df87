/**
 * The Deno runtime the portable package ships, from the npm registry's platform packages
 * (`@deno/win32-x64`, `@deno/linux-x64-glibc`), fetched with the ordinary `npm pack` client and
 * cached in `.tools/npm`, so packaging works offline once they are there.
 *
 * @example
 * ```ts
 * const exe = await denoRuntime("/repo/", "linux-x64"); // bytes of the `deno` executable
 * ```
 * @module
 */

/** The platforms kvmi is packaged for. */
export type Platform = "windows-x64" | "linux-x64";

const PACKAGES: Record<Platform, { name: string; file: string }> = {
  "windows-x64": { name: "@deno/win32-x64", file: "deno.exe" },
  "linux-x64": { name: "@deno/linux-x64-glibc", file: "deno" },
};

/** Returns the Deno executable (the version that runs this build) for `platform`. */
export function denoRuntime(root: string, platform: Platform): Promise<Uint8Array> {
  const { name, file } = PACKAGES[platform];
  return fileFromNpmPackage(root, name, file);
}

/** Returns Deno's licence text, from the `deno` npm package of the same version. */
export async function denoLicence(root: string): Promise<string> {
  return new TextDecoder().decode(await fileFromNpmPackage(root, "deno", "LICENSE"));
}

async function fileFromNpmPackage(root: string, name: string, file: string): Promise<Uint8Array> {
  const version = Deno.version.deno;
  const cache = `${root}.tools/npm`;
  const tarball = `${cache}/${name.replace("@", "").replace("/", "-")}-${version}.tgz`;
  await Deno.mkdir(cache, { recursive: true });
  if (!(await exists(tarball))) {
    await run("npm", ["pack", "--silent", `${name}@${version}`], cache, `download ${name}@${version} from the npm registry`);
  }
  const out = await Deno.makeTempDir({ prefix: "kvmi-runtime-" });
  try {
    await run("tar", ["-xzf", tarball, "-C", out, `package/${file}`], root, `unpack ${tarball}`);
    return await Deno.readFile(`${out}/package/${file}`);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

async function run(command: string, args: string[], cwd: string, what: string): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    throw new Error(`Could not ${what}: '${command}' could not be started (${(error as Error).message}).`);
  }
  if (!out.success) throw new Error(`Could not ${what}: ${command} exited with ${out.code}: ${new TextDecoder().decode(out.stderr).trim()}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
