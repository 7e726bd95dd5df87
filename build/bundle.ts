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

/** The bundle: file name to JavaScript, plus the npm packages it contains (`name@version`). */
export interface Bundle {
  files: Map<string, Uint8Array>;
  npmPackages: string[];
}

/** A path into Deno's npm cache, as the bundler writes it in comments and CommonJS wrapper keys. */
const NPM_PATH = /[^\s"'`(]*\/npm\/registry\.npmjs\.org\/((?:@[^/\s"'`]+\/)?[^/\s"'`]+)\/([0-9][^/\s"'`]*)\//g;

/** Bundles `src/main.ts`; throws with deno's output on failure. */
export async function bundleKvmi(root: string): Promise<Bundle> {
  const outdir = await Deno.makeTempDir({ prefix: "kvmi-bundle-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--code-splitting", "--platform", "deno", "--outdir", outdir, `${root}src/main.ts`],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(`deno bundle failed: ${new TextDecoder().decode(out.stderr)}`);
    const files = new Map<string, Uint8Array>();
    const packages = new Set<string>();
    for await (const entry of Deno.readDir(outdir)) {
      if (!entry.isFile) continue;
      const text = (await Deno.readTextFile(`${outdir}/${entry.name}`)).replace(NPM_PATH, (_all, name: string, version: string) => {
        packages.add(`${name}@${version}`);
        return `npm:${name}@${version}/`;
      });
      if (/registry\.npmjs\.org|\/root\/|\/home\//.test(text)) throw new Error(`${entry.name} still names a path of the build machine`);
      files.set(entry.name, new TextEncoder().encode(text));
    }
    if (!files.has("main.js")) throw new Error("deno bundle wrote no main.js");
    return { files, npmPackages: [...packages].sort() };
  } finally {
    await Deno.remove(outdir, { recursive: true });
  }
}
