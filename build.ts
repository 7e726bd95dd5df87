/**
 * Builds kvmi for release.
 *
 * - `deno task build` (`build.ts compile`): the `kvmi` executable with `deno compile` for x86_64
 *   Windows and Linux. `deno compile` needs the Deno runtime base (`denort`) of the same Deno
 *   version for each target: from `DENORT_BIN` (one extracted denort; pass the matching
 *   `--target`), from Deno's cache, or downloaded from the Deno download host. When none is
 *   available it fails and says what to provide, rather than producing something that is not a
 *   kvmi executable.
 * - `deno task package` (`build.ts package`): the offline install zips, see `build/package.ts`.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task package            # dist/kvmi-<version>-{windows,linux}-x64.zip, dist/SHA256SUMS
 * npx --yes deno@2.9.5 task build --target x86_64-unknown-linux-gnu
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { packageRelease } from "./build/package.ts";

if (Deno.args[0] === "package") {
  await packageRelease(new URL(".", import.meta.url).pathname, Deno.args.slice(1));
  Deno.exit(0);
}
const TARGETS = ["x86_64-pc-windows-msvc", "x86_64-unknown-linux-gnu"] as const;
type Target = typeof TARGETS[number];

const { values } = parseArgs({
  args: Deno.args.slice(Deno.args[0] === "compile" ? 1 : 0),
  options: { target: { type: "string", multiple: true }, help: { type: "boolean", short: "h" } },
});
if (values.help) {
  console.log(
    "Usage: deno task build [--target TARGET ...]\nTargets: " + TARGETS.join(", ") + "\nSet DENORT_BIN to an extracted denort of Deno " + Deno.version.deno +
      " to build offline.",
  );
  Deno.exit(0);
}
const targets = (values.target ?? (Deno.env.get("DENORT_BIN") ? [hostTarget()] : [...TARGETS])) as Target[];
for (const t of targets) {
  if (!TARGETS.includes(t)) fail(`Unknown target '${t}'. Use ${TARGETS.join(" or ")}.`);
}

const root = new URL(".", import.meta.url).pathname;
const version = Deno.version.deno;
const denortBin = Deno.env.get("DENORT_BIN");
if (denortBin) {
  try {
    Deno.statSync(denortBin);
  } catch {
    fail(`DENORT_BIN points at '${denortBin}', which does not exist.`);
  }
  if (targets.length !== 1) fail("DENORT_BIN holds one runtime for one target: pass exactly one --target that matches it.");
} else {
  for (const target of targets) {
    if (await cachedBase(target)) continue;
    if (!(await downloadHostReachable(target))) {
      fail(
        `The Deno runtime base for ${target} (denort ${version}) is not available: it is not in Deno's cache and ` +
          `https://dl.deno.land cannot be reached from this machine.\n` +
          `Provide it in one of two ways and run the build again:\n` +
          `  - set DENORT_BIN to an extracted denort${
            target.includes("windows") ? ".exe" : ""
          } of Deno ${version} for ${target} and pass --target ${target}, or\n` +
          `  - copy denort-${target}.zip of Deno ${version} (from the Deno release assets) to ${denoDir()}/dl/release/v${version}/.`,
      );
    }
  }
}

await Deno.mkdir(`${root}dist`, { recursive: true });
for (const target of targets) {
  const output = `${root}dist/${target}/kvmi${target.includes("windows") ? ".exe" : ""}`;
  console.log(`Compiling kvmi for ${target} -> ${output}`);
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "--allow-sys",
      "--allow-run",
      "--target",
      target,
      "--output",
      output,
      `${root}src/main.ts`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!result.success) fail(`deno compile failed for ${target}.`);
}
console.log("Build complete.");

function hostTarget(): Target {
  return Deno.build.os === "windows" ? "x86_64-pc-windows-msvc" : "x86_64-unknown-linux-gnu";
}

function denoDir(): string {
  return Deno.env.get("DENO_DIR") ??
    (Deno.build.os === "windows" ? `${Deno.env.get("LOCALAPPDATA")}\\deno` : `${Deno.env.get("HOME")}/.cache/deno`);
}

async function cachedBase(target: Target): Promise<boolean> {
  try {
    await Deno.stat(`${denoDir()}/dl/release/v${version}/denort-${target}.zip`);
    return true;
  } catch {
    return false;
  }
}

async function downloadHostReachable(target: Target): Promise<boolean> {
  try {
    const res = await fetch(`https://dl.deno.land/release/v${version}/denort-${target}.zip`, { method: "HEAD", signal: AbortSignal.timeout(8000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

function fail(message: string): never {
  console.error(`build: ${message}`);
  Deno.exit(1);
}
