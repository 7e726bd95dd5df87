/**
 * kvmi as one executable with `deno compile`, for x86_64 Windows and Linux (`deno task build`).
 *
 * `deno compile` needs the Deno runtime base (`denort`) of the same Deno version for each target:
 * from `DENORT_BIN` (one extracted denort; pass the matching `--target`), from Deno's cache, or
 * downloaded from the Deno download host. When none is available the build fails and says what to
 * provide, rather than producing something that is not a kvmi executable. The offline package
 * (`build/package.ts`) uses {@link compileKvmi} when the runtime base is already in the cache.
 *
 * @example
 * ```ts
 * if (await denortCached("x86_64-unknown-linux-gnu")) await compileKvmi("/repo/", "x86_64-unknown-linux-gnu", "/tmp/kvmi");
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { LAZY_MODULES } from "../src/main.ts";

/** The targets kvmi is compiled for. */
export const TARGETS = ["x86_64-pc-windows-msvc", "x86_64-unknown-linux-gnu"] as const;
/** One of {@link TARGETS}. */
export type Target = typeof TARGETS[number];

const version = Deno.version.deno;

/** `deno task build`: compiles into `dist/<target>/kvmi(.exe)`; exits 1 with the reason when it cannot. */
export async function compileRelease(root: string, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { target: { type: "string", multiple: true }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    console.log(
      `Usage: deno task build [--target TARGET ...]\nTargets: ${
        TARGETS.join(", ")
      }\nSet DENORT_BIN to an extracted denort of Deno ${version} to build offline.`,
    );
    return;
  }
  const targets = (values.target ?? (Deno.env.get("DENORT_BIN") ? [hostTarget()] : [...TARGETS])) as Target[];
  for (const t of targets) {
    if (!TARGETS.includes(t)) fail(`Unknown target '${t}'. Use ${TARGETS.join(" or ")}.`);
  }
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
      if (await denortCached(target)) continue;
      if (!(await downloadHostReachable(target))) {
        fail(
          `The Deno runtime base for ${target} (denort ${version}) is not available: it is not in Deno's cache and ` +
            `https://dl.deno.land cannot be reached from this machine.\n` +
            `Provide it in one of two ways and run the build again:\n` +
            `  - set DENORT_BIN to an extracted denort${
              target.includes("windows") ? ".exe" : ""
            } of Deno ${version} for ${target} and pass --target ${target}, or\n` +
            `  - copy denort-${target}.zip of Deno ${version} (from the Deno release assets) to ${denoDir()}/dl/release/v${version}/.\n` +
            `Without it, 'deno task package' ships the portable form instead (Deno's runtime from the npm registry).`,
        );
      }
    }
  }
  for (const target of targets) {
    const output = `${root}dist/${target}/kvmi${target.includes("windows") ? ".exe" : ""}`;
    console.log(`Compiling kvmi for ${target} -> ${output}`);
    await compileKvmi(root, target, output);
  }
  console.log("Build complete.");
}

/** Compiles kvmi for `target` into `output`; throws when deno compile fails. */
export async function compileKvmi(root: string, target: Target, output: string): Promise<void> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: [
      "compile",
      "--allow-all",
      "--no-prompt",
      // main.ts imports each command's module (and the --query module) by name, so compile cannot see them: include them.
      ...LAZY_MODULES.flatMap((m) => ["--include", `${root}src/${m.slice(2)}`]),
      "--target",
      target,
      "--output",
      output,
      `${root}src/main.ts`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error(`deno compile failed for ${target}.`);
}

/** True when Deno's cache already holds the runtime base for `target` (no download needed). */
export async function denortCached(target: Target): Promise<boolean> {
  try {
    await Deno.stat(`${denoDir()}/dl/release/v${version}/denort-${target}.zip`);
    return true;
  } catch {
    return false;
  }
}

function hostTarget(): Target {
  return Deno.build.os === "windows" ? "x86_64-pc-windows-msvc" : "x86_64-unknown-linux-gnu";
}

function denoDir(): string {
  return Deno.env.get("DENO_DIR") ??
    (Deno.build.os === "windows" ? `${Deno.env.get("LOCALAPPDATA")}\\deno` : `${Deno.env.get("HOME")}/.cache/deno`);
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
