/**
 * Runs one fresh process and measures it: wall time around the spawn (so it includes process
 * creation), CPU time (user + sys) and peak RSS of the process and everything it waited for,
 * taken from `getrusage` through GNU time (`/usr/bin/time -f '%e %U %S %M'`). Where GNU time
 * is missing only the wall time is recorded and the reason is kept.
 *
 * @example
 * ```ts
 * import { measure } from "./process.ts";
 * const run = await measure({ name: "true", cmd: "/bin/true", args: [], env: {} });
 * console.log(run.wallMs, run.cpuMs, run.maxRssKiB);
 * ```
 * @module
 */

/** What to run. */
export interface ProcessSpec {
  /** Short label for reports. */
  name: string;
  cmd: string;
  args: string[];
  /** The whole environment of the child (it does not inherit ours). */
  env: Record<string, string>;
  cwd?: string;
}

/** One measured run. */
export interface ProcessRun {
  /** Wall time from before the spawn to the exit, in ms. */
  wallMs: number;
  /** user + sys in ms (10 ms resolution: GNU time prints centiseconds); null without GNU time. */
  cpuMs: number | null;
  userMs: number | null;
  sysMs: number | null;
  /** Peak resident set size in KiB of the largest process in the tree; null without GNU time. */
  maxRssKiB: number | null;
  code: number;
  stdout: string;
  stderr: string;
}

const GNU_TIME = "/usr/bin/time";
let timeTool: boolean | undefined;

/** Whether GNU time is available (checked once). */
export async function hasGnuTime(): Promise<boolean> {
  if (timeTool !== undefined) return timeTool;
  try {
    const out = await new Deno.Command(GNU_TIME, { args: ["-f", "%M", "/bin/true"], stdout: "null", stderr: "piped" }).output();
    timeTool = out.success && /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
  } catch {
    timeTool = false;
  }
  return timeTool;
}

/** Why CPU and RSS may be missing, for reports. */
export async function resourceSource(): Promise<string> {
  return (await hasGnuTime())
    ? "getrusage of the child via GNU time (/usr/bin/time -f '%e %U %S %M'); CPU in 10 ms steps"
    : "GNU time not found at /usr/bin/time: wall time only";
}

let scratch: string | undefined;

/** Runs `spec` once in a fresh process and measures it. */
export async function measure(spec: ProcessSpec): Promise<ProcessRun> {
  const withTime = await hasGnuTime();
  scratch ??= await Deno.makeTempDir({ prefix: "kvmi-bench-" });
  const timeFile = `${scratch}/time-${crypto.randomUUID()}`;
  const cmd = withTime ? GNU_TIME : spec.cmd;
  const args = withTime ? ["-f", "%e %U %S %M", "-o", timeFile, spec.cmd, ...spec.args] : spec.args;
  const started = performance.now();
  const out = await new Deno.Command(cmd, { args, env: spec.env, clearEnv: true, cwd: spec.cwd, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  const wallMs = performance.now() - started;
  const run: ProcessRun = {
    wallMs,
    cpuMs: null,
    userMs: null,
    sysMs: null,
    maxRssKiB: null,
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (withTime) {
    const text = await Deno.readTextFile(timeFile).catch(() => "");
    await Deno.remove(timeFile).catch(() => {});
    // GNU time writes "Command exited with non-zero status N" first when the child fails; the figures are the last line.
    const fields = text.trim().split("\n").at(-1)?.split(" ").map(Number) ?? [];
    if (fields.length === 4 && fields.every((f) => Number.isFinite(f))) {
      run.userMs = fields[1] * 1000;
      run.sysMs = fields[2] * 1000;
      run.cpuMs = run.userMs + run.sysMs;
      run.maxRssKiB = fields[3];
    }
  }
  return run;
}

/** Removes the scratch directory used for GNU time's output files. */
export async function cleanupMeasure(): Promise<void> {
  if (scratch) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  scratch = undefined;
}
