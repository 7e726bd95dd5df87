/**
 * kvmi's code as plain JavaScript for the portable package: `deno bundle` with code splitting, so
 * each command loads only its own chunks (the emulator, @peculiar and `node:crypto` stay out of
 * a `secret get`). npm packages are inlined; the bundler's paths into the build machine's Deno
 * cache (in comments and CommonJS wrapper keys) are rewritten to `npm:<name>@<version>/<file>` so the output is the same
 * on every machine, and the packages found are returned for the licence notices.
 *
 * @example
 * ```ts
 * const { files, npmPackages } = await bundleKvmi("/repo/");
 * ```
 * @module
 */
import { LAZY_MODULES } from "../src/main.ts";
import { rewriteBundleRequire } from "./bundle_require.ts";

/** Every file under `dir`, as paths relative to it with forward slashes. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    if (entry.isDirectory) names.push(...(await listFiles(dir, `${prefix}${entry.name}/`)));
    else if (entry.isFile) names.push(`${prefix}${entry.name}`);
  }
  return names.sort();
}

/** The bundle: file name to JavaScript, plus the npm packages it contains (`name@version`). */
export interface Bundle {
  files: Map<string, Uint8Array>;
  npmPackages: string[];
}

/** A path into Deno's npm cache, as the bundler writes it in comments and CommonJS wrapper keys. */
const NPM_PATH = /[^\s"'`(]*\/npm\/registry\.npmjs\.org\/((?:@[^/\s"'`]+\/)?[^/\s"'`]+)\/([0-9][^/\s"'`]*)\//g;

/**
 * Bundles `src/main.ts` and, as entry points of their own, the command modules it imports by name
 * (`LAZY_MODULES`: the commands and the --query module), whose names in `main.js` are renamed `.js`; throws with deno's output on failure.
 */
export async function bundleKvmi(root: string): Promise<Bundle> {
  const outdir = await Deno.makeTempDir({ prefix: "kvmi-bundle-" });
  const modules = LAZY_MODULES;
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--code-splitting",
        "--platform",
        "deno",
        "--outdir",
        outdir,
        `${root}src/main.ts`,
        ...modules.map((m) => `${root}src/${m.slice(2)}`),
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno bundle failed: ${new TextDecoder().decode(out.stderr)}`);
    const texts = new Map<string, string>();
    const packages = new Set<string>();
    for (const name of await listFiles(outdir)) {
      let text = (await Deno.readTextFile(`${outdir}/${name}`)).replace(NPM_PATH, (_all, pkg: string, version: string) => {
        packages.add(`${pkg}@${version}`);
        return `npm:${pkg}@${version}/`;
      });
      if (name === "main.js") {
        for (const m of modules) {
          if (!text.includes(`"${m}"`)) throw new Error(`main.js does not name the command module ${m}`);
          text = text.replaceAll(`"${m}"`, `"${m.replace(/\.ts$/, ".js")}"`);
        }
      }
      if (/registry\.npmjs\.org|\/root\/|\/home\//.test(text)) throw new Error(`${name} still names a path of the build machine`);
      texts.set(name, text);
    }
    const files = new Map([...rewriteBundleRequire(texts)].map(([name, text]) => [name, new TextEncoder().encode(text)]));
    if (!files.has("main.js")) throw new Error("deno bundle wrote no main.js");
    for (const m of modules) if (!files.has(m.slice(2).replace(/\.ts$/, ".js"))) throw new Error(`deno bundle wrote no ${m}`);
    return { files, npmPackages: [...packages].sort() };
  } finally {
    await Deno.remove(outdir, { recursive: true });
  }
}
