/**
 * `deno task package`: the offline install zips an admin copies to a server, and their checksums.
 *
 * Writes `dist/kvmi-<version>-windows-x64.zip`, `dist/kvmi-<version>-linux-x64.zip` and
 * `dist/SHA256SUMS`. Each zip holds, at its root: the kvmi program (`kvmi.exe` or `kvmi`, the
 * launcher, with `lib/` (kvmi's bundled code) and `runtime/` (the Deno runtime from the npm
 * registry)), the `KvMi` PowerShell module wired to it (`KvMi/kvmi.path`), `Install-KvMi.ps1`,
 * `README.txt`, `LICENSES/` and `SHA256SUMS` (every file above, checked by the installer). The
 * zips are reproducible: the same commit gives the same bytes.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task package                       # both platforms
 * npx --yes deno@2.9.5 task package --platform linux-x64 --out /tmp/dist
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { bundleKvmi } from "./bundle.ts";
import { denoLicence, denoRuntime, type Platform } from "./deno_runtime.ts";
import { licenceNotices } from "./licences.ts";
import { windowsLauncher } from "./windows_launcher.ts";
import { reproducibleZip, type ZipEntry } from "./zip.ts";

const PLATFORMS: Platform[] = ["windows-x64", "linux-x64"];

/** Builds the zips; `args` are `--platform P` (repeatable) and `--out DIR`. */
export async function packageRelease(root: string, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { platform: { type: "string", multiple: true }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(`Usage: deno task package [--platform ${PLATFORMS.join("|")} ...] [--out DIR]`);
    return;
  }
  const platforms = (values.platform ?? PLATFORMS) as Platform[];
  for (const p of platforms) if (!PLATFORMS.includes(p)) throw new Error(`Unknown platform '${p}'. Use ${PLATFORMS.join(" or ")}.`);
  const out = values.out ?? `${root}dist`;
  const version = (JSON.parse(await Deno.readTextFile(`${root}deno.json`)) as { version: string }).version;

  const bundle = await bundleKvmi(root);
  const shared = new Map<string, Uint8Array>([
    ...[...bundle.files].map(([name, data]): [string, Uint8Array] => [`lib/${name}`, data]),
    ...(await licenceNotices(bundle.npmPackages, await denoLicence(root))),
    ...(await moduleFiles(root)),
    ["Install-KvMi.ps1", await Deno.readFile(`${root}ps/Install-KvMi.ps1`)],
  ]);

  await Deno.mkdir(out, { recursive: true });
  const sums: string[] = [];
  for (const platform of platforms) {
    const windows = platform === "windows-x64";
    const files = new Map(shared);
    const program = windows ? "kvmi.exe" : "kvmi";
    files.set(program, windows ? await windowsLauncher(root, version) : await Deno.readFile(`${root}src/launcher/kvmi.sh`));
    files.set(windows ? "runtime/deno.exe" : "runtime/deno", await denoRuntime(root, platform));
    files.set("KvMi/kvmi.path", new TextEncoder().encode(windows ? "..\\kvmi.exe\r\n" : "../kvmi\n"));
    files.set("README.txt", new TextEncoder().encode(readme(version, windows)));
    files.set("SHA256SUMS", new TextEncoder().encode(await checksums(files)));
    const executable = new Set(windows ? [] : ["kvmi", "runtime/deno"]);
    const entries: ZipEntry[] = [...files].map(([path, data]) => ({ path, data, executable: executable.has(path) }));
    const name = `kvmi-${version}-${platform}.zip`;
    const zip = reproducibleZip(entries);
    await Deno.writeFile(`${out}/${name}`, zip);
    sums.push(`${await sha256(zip)}  ${name}`);
    console.log(`${out}/${name}: ${entries.length} files, ${(zip.length / 1048576).toFixed(1)} MiB`);
  }
  await Deno.writeTextFile(`${out}/SHA256SUMS`, sums.join("\n") + "\n");
  console.log(`${out}/SHA256SUMS`);
}

/** The KvMi module as shipped: everything but its tests and the development bin folder. */
async function moduleFiles(root: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && !(prefix === "" && (entry.name === "Tests" || entry.name === "bin"))) {
        await walk(`${dir}/${entry.name}`, `${prefix}${entry.name}/`);
      } else if (entry.isFile) files.set(`KvMi/${prefix}${entry.name}`, await Deno.readFile(`${dir}/${entry.name}`));
    }
  };
  await walk(`${root}ps/KvMi`, "");
  return files;
}

/** `sha256sum` lines for every file, sorted by path. */
async function checksums(files: Map<string, Uint8Array>): Promise<string> {
  const lines: string[] = [];
  for (const path of [...files.keys()].sort()) lines.push(`${await sha256(files.get(path)!)}  ${path}`);
  return lines.join("\n") + "\n";
}

async function sha256(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function readme(version: string, windows: boolean): string {
  const nl = windows ? "\r\n" : "\n";
  return [
    `kvmi ${version}. Install: run Install-KvMi.ps1 from this folder in an elevated PowerShell (or with -Scope CurrentUser); it checks every file against SHA256SUMS first.`,
    `Verify: compare (Get-FileHash kvmi-${version}-${windows ? "windows" : "linux"}-x64.zip).Hash with the published SHA256SUMS before unpacking.`,
    `First command: ${
      windows ? "kvmi.exe" : "kvmi"
    } secret get --vault <vault> --name <secret>   (or Import-Module KvMi; Get-KvSecret -VaultName <vault> -Name <secret>)`,
  ].join(nl) + nl;
}
