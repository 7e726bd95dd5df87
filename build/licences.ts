/**
 * The licence notices of what the package ships: Deno itself, and every npm package the bundle
 * inlines, read from Deno's npm cache (LICENSE, LICENCE, COPYING and NOTICE files). A package
 * whose licence text cannot be found fails the build: nothing ships without its notice.
 *
 * @example
 * ```ts
 * const notices = await licenceNotices(["jose@6.2.17"], mitText); // "LICENSES/jose-6.2.17.txt" → text
 * ```
 * @module
 */

/** Returns the notice files, keyed by their path in the package; `denoLicence` is Deno's own. */
export async function licenceNotices(npmPackages: string[], denoLicence: string): Promise<Map<string, Uint8Array>> {
  const notices = new Map<string, Uint8Array>();
  notices.set("LICENSES/deno.txt", new TextEncoder().encode(`Deno ${Deno.version.deno} (runtime/)\n\n${denoLicence}`));
  for (const spec of npmPackages) {
    const at = spec.lastIndexOf("@");
    const name = spec.slice(0, at);
    const version = spec.slice(at + 1);
    const dir = `${npmCache()}/${name}/${version}`;
    const texts: string[] = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /^(licen[cs]e|copying|notice|copyrightnotice)/i.test(entry.name)) {
        texts.push(`---- ${entry.name} ----\n${await Deno.readTextFile(`${dir}/${entry.name}`)}`);
      }
    }
    if (texts.length === 0) throw new Error(`No licence file found for ${spec} in ${dir}.`);
    texts.sort();
    notices.set(`LICENSES/${name.replace("/", "__")}-${version}.txt`, new TextEncoder().encode(`${spec}\n\n${texts.join("\n")}`));
  }
  return notices;
}

function npmCache(): string {
  const home = Deno.env.get("DENO_DIR") ??
    (Deno.build.os === "windows" ? `${Deno.env.get("LOCALAPPDATA")}\\deno` : `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`);
  return `${home}/npm/registry.npmjs.org`;
}
