/**
 * How kvmi starts another kvmi process (the demo starts the emulator and runs commands): the
 * compiled executable itself, or `deno run` of the same entry point during development.
 * @module
 */

/** The argv prefix that runs kvmi. */
export function selfCommand(): string[] {
  if (Deno.build.standalone) return [Deno.execPath()];
  const main = new URL("../main.ts", import.meta.url);
  const path = Deno.build.os === "windows" ? decodeURIComponent(main.pathname).replace(/^\//, "") : decodeURIComponent(main.pathname);
  return [Deno.execPath(), "run", "--allow-all", "--quiet", path];
}
