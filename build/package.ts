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
import { VERSION } from "../src/main.ts";
import { bundleKvmi } from "./bundle.ts";
import { compileKvmi, denortCached, type Target } from "./compile.ts";
import { denoLicence, denoRuntime, type Platform } from "./deno_runtime.ts";
import { licenceNotices } from "./licences.ts";
import { windowsLauncher } from "./windows_launcher.ts";
import { reproducibleZip, type ZipEntry } from "./zip.ts";

const PLATFORMS: Platform[] = ["windows-x64", "linux-x64"];
const TARGET: Record<Platform, Target> = { "windows-x64": "x86_64-pc-windows-msvc", "linux-x64": "x86_64-unknown-linux-gnu" };
const PROGRAMS = ["auto", "portable", "compiled"] as const;

const USAGE = `Usage: deno task package [--platform ${PLATFORMS.join("|")} ...] [--out DIR] [--program auto|portable|compiled] [--sign-script FILE]
  --program auto      the deno compile executable where Deno's runtime base (denort) is in Deno's cache
                      (after 'deno task build' on a connected machine), else the portable form (default)
  --sign-script FILE  a PowerShell script run as 'pwsh -File FILE -Path STAGING' to sign the staged
                      executables and scripts before checksums and zips are made`;

/** Builds the zips; see USAGE for `args`. */
export async function packageRelease(root: string, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      platform: { type: "string", multiple: true },
      out: { type: "string" },
      program: { type: "string", default: "auto" },
      "sign-script": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const platforms = (values.platform ?? PLATFORMS) as Platform[];
  for (const p of platforms) if (!PLATFORMS.includes(p)) throw new Error(`Unknown platform '${p}'. Use ${PLATFORMS.join(" or ")}.`);
  const program = values.program as typeof PROGRAMS[number];
  if (!PROGRAMS.includes(program)) throw new Error(`Unknown --program '${program}'. Use ${PROGRAMS.join(", ")}.`);
  const out = values.out ?? `${root}dist`;

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
    const compiled = program === "compiled" || (program === "auto" && (await denortCached(TARGET[platform])));
    const files = new Map(compiled ? [...shared].filter(([path]) => !path.startsWith("lib/")) : shared);
    const exe = windows ? "kvmi.exe" : "kvmi";
    if (compiled) files.set(exe, await compiledKvmi(root, TARGET[platform]));
    else {
      files.set(exe, windows ? await windowsLauncher(root, VERSION) : await Deno.readFile(`${root}src/launcher/kvmi.sh`));
      files.set(windows ? "runtime/deno.exe" : "runtime/deno", await denoRuntime(root, platform));
    }
    files.set("KvMi/kvmi.path", new TextEncoder().encode(windows ? "..\\kvmi.exe\r\n" : "../kvmi\n"));
    files.set("README.txt", new TextEncoder().encode(readme(VERSION, windows)));
    if (values["sign-script"]) await sign(values["sign-script"], files);
    files.set("SHA256SUMS", new TextEncoder().encode(await checksums(files)));
    console.log(`${platform}: ${compiled ? "deno compile executable" : "portable form (Deno runtime from npm, bundled code, launcher)"}`);
    const executable = new Set(windows ? [] : ["kvmi", "runtime/deno"]);
    const entries: ZipEntry[] = [...files].map(([path, data]) => ({ path, data, executable: executable.has(path) }));
    const name = `kvmi-${VERSION}-${platform}.zip`;
    const zip = reproducibleZip(entries);
    await Deno.writeFile(`${out}/${name}`, zip);
    sums.push(`${await sha256(zip)}  ${name}`);
    console.log(`${out}/${name}: ${entries.length} files, ${(zip.length / 1048576).toFixed(1)} MiB`);
  }
  await Deno.writeTextFile(`${out}/SHA256SUMS`, sums.join("\n") + "\n");
  console.log(`${out}/SHA256SUMS`);
}

/** kvmi compiled for `target` with `deno compile`. */
async function compiledKvmi(root: string, target: Target): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "kvmi-compiled-" });
  try {
    const output = `${dir}/kvmi${target.includes("windows") ? ".exe" : ""}`;
    await compileKvmi(root, target, output);
    return await Deno.readFile(output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Stages `files`, runs the signing script over them, and reads back what it changed. */
async function sign(script: string, files: Map<string, Uint8Array>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kvmi-sign-" });
  try {
    for (const [path, data] of files) {
      await Deno.mkdir(`${dir}/${path}`.replace(/\/[^/]*$/, ""), { recursive: true });
      await Deno.writeFile(`${dir}/${path}`, data);
    }
    const out = await new Deno.Command("pwsh", {
      args: ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", script, "-Path", dir],
      stdout: "inherit",
      stderr: "inherit",
    })
      .output();
    if (!out.success) throw new Error(`The signing script ${script} failed (exit ${out.code}); no zip was written.`);
    for (const path of files.keys()) files.set(path, await Deno.readFile(`${dir}/${path}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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
