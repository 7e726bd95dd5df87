/**
 * Builds kvmi for release: `deno task build` compiles the executable (`build/compile.ts`),
 * `deno task package` writes the offline install zips (`build/package.ts`).
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task package            # dist/kvmi-<version>-{windows,linux}-x64.zip, dist/SHA256SUMS
 * npx --yes deno@2.9.5 task build --target x86_64-unknown-linux-gnu
 * ```
 * @module
 */
import { compileRelease } from "./build/compile.ts";
import { packageRelease } from "./build/package.ts";

const root = new URL(".", import.meta.url).pathname;
const [mode, ...args] = Deno.args;
try {
  if (mode === "package") await packageRelease(root, args);
  else if (mode === "compile") await compileRelease(root, args);
  else throw new Error(`Usage: deno run -A build.ts compile|package [options] (got '${mode ?? ""}').`);
} catch (error) {
  console.error(`build: ${(error as Error).message}`);
  Deno.exit(1);
}
