/**
 * Runs one fresh process and measures it: wall time around the spawn (so it includes process
 * creation), CPU time (user + sys) and peak RSS. CPU comes from bash's `time` keyword, which reads
 * `getrusage` of the command alone (not of bash) and prints it to the millisecond; peak RSS from
 * GNU time (`/usr/bin/time -f %M`), the largest process of the tree, which is the command. Without
 * bash, CPU falls back to GNU time's centiseconds; without GNU time only the wall time is recorded,
 * and the reason is kept.
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
  /** user + sys in ms (1 ms resolution through bash's `time`, 10 ms through GNU time alone); null without GNU time. */
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
const BASH = "/bin/bash";
/**
 * bash measures "$@" with its `time` keyword into the file named by $1; the command's own stderr
 * stays stderr, it inherits no extra descriptor, and of bash's variables only `_` reaches it.
 */
const BASH_TIME_SCRIPT = 'f=$1; shift; unset PWD OLDPWD SHLVL; TIMEFORMAT="%3R %3U %3S"; { time "$@" 2>&4 4>&-; } 4>&2 2>"$f"';
let tools: { gnuTime: boolean; bash: boolean } | undefined;

async function works(cmd: string, args: string[], output: RegExp): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    return out.success && output.test(new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}

async function measuringTools(): Promise<{ gnuTime: boolean; bash: boolean }> {
  tools ??= {
    gnuTime: await works(GNU_TIME, ["-f", "%M", "/bin/true"], /^\d+\s*$/),
    bash: await works(BASH, ["-c", 'TIMEFORMAT="%3U"; time /bin/true'], /^\d+\.\d{3}\s*$/),
  };
  return tools;
}

/** Whether GNU time is available (checked once). */
export async function hasGnuTime(): Promise<boolean> {
  return (await measuringTools()).gnuTime;
}

/** Where CPU and RSS come from, for reports. */
export async function resourceSource(): Promise<string> {
  const { gnuTime, bash } = await measuringTools();
  if (!gnuTime) return "GNU time not found at /usr/bin/time: wall time only";
  return bash
    ? "CPU from getrusage of the command via bash's time keyword (1 ms steps); peak RSS via GNU time (/usr/bin/time -f %M)"
    : "getrusage of the child via GNU time (/usr/bin/time -f '%e %U %S %M'); CPU in 10 ms steps (no /bin/bash)";
}

let scratch: string | undefined;

/** Runs `spec` once in a fresh process and measures it. */
export async function measure(spec: ProcessSpec): Promise<ProcessRun> {
  const { gnuTime, bash } = await measuringTools();
  scratch ??= await Deno.makeTempDir({ prefix: "kvmi-bench-" });
  const id = crypto.randomUUID();
  const timeFile = `${scratch}/time-${id}`;
  const cpuFile = `${scratch}/cpu-${id}`;
  const target = bash && gnuTime ? [BASH, "-c", BASH_TIME_SCRIPT, "bash", cpuFile, spec.cmd, ...spec.args] : [spec.cmd, ...spec.args];
  const cmd = gnuTime ? GNU_TIME : spec.cmd;
  const args = gnuTime ? ["-f", "%e %U %S %M", "-o", timeFile, ...target] : spec.args;
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
  if (gnuTime) {
    // GNU time writes "Command exited with non-zero status N" first when the child fails; the figures are the last line.
    const fields = lastLineNumbers(await takeFile(timeFile));
    // bash's `time` line is "real user sys" in seconds with three decimals.
    const precise = bash ? lastLineNumbers(await takeFile(cpuFile)) : [];
    if (fields.length === 4) {
      const [user, sys] = precise.length === 3 ? [precise[1], precise[2]] : [fields[1], fields[2]];
      run.userMs = user * 1000;
      run.sysMs = sys * 1000;
      run.cpuMs = run.userMs + run.sysMs;
      run.maxRssKiB = fields[3];
    }
  }
  return run;
}

async function takeFile(path: string): Promise<string> {
  const text = await Deno.readTextFile(path).catch(() => "");
  await Deno.remove(path).catch(() => {});
  return text;
}

function lastLineNumbers(text: string): number[] {
  const fields = text.trim().split("\n").at(-1)?.trim().split(/\s+/).map(Number) ?? [];
  return fields.every((f) => Number.isFinite(f)) ? fields : [];
}

/** Removes the scratch directory used for GNU time's output files. */
export async function cleanupMeasure(): Promise<void> {
  if (scratch) await Deno.remove(scratch, { recursive: true }).catch(() => {});
  scratch = undefined;
}
