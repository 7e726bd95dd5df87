/**
 * Starting a program with a few extra environment variables, its stdin, stdout and stderr
 * inherited, and returning its exit code; SIGTERM and SIGHUP that kvmi receives while it runs are
 * passed on to it, and SIGINT too unless stdin is a terminal (then Ctrl+C already reaches the
 * program, which shares kvmi's foreground process group, and a second SIGINT would be one too many).
 * kvmi itself does not die of these signals while the program runs: it waits for the exit code. The program is started directly (`execve` on POSIX, `CreateProcessW` on
 * Windows, never through a shell or `cmd.exe`), so its arguments are not re-parsed and nothing is
 * added to its command line.
 *
 * @example
 * ```ts
 * import { runProgram } from "./child_process.ts";
 * const code = await runProgram("printenv", ["DB_PASSWORD"], { DB_PASSWORD: "..." });
 * ```
 * @module
 */
import { KvmiError } from "./errors.ts";

/** Signals passed on to the program, with the numbers POSIX shells add to 128 for a program they ended. */
const FORWARDED: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
const SIGNAL_NUMBERS: Record<string, number> = { ...FORWARDED, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGUSR1: 10, SIGUSR2: 12 };

/**
 * The program's environment: `parent` plus `extra`, without the variables in `remove` (those kvmi
 * set for itself only) unless `extra` sets them.
 */
export function childEnvironment(parent: Record<string, string>, extra: Record<string, string>, remove: readonly string[]): Record<string, string> {
  const env = { ...parent };
  for (const name of remove) delete env[name];
  return { ...env, ...extra };
}

/**
 * Runs `program` with `args` and the current environment plus `extraEnv` (minus `ownVariables`,
 * which kvmi set for itself), and returns its exit code (128 + the signal number when a signal
 * ended it). A program that cannot be started is a usage error.
 */
export async function runProgram(program: string, args: string[], extraEnv: Record<string, string>, ownVariables: readonly string[] = []): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    const options = ownVariables.length === 0 ? { env: extraEnv } : { env: childEnvironment(Deno.env.toObject(), extraEnv, ownVariables), clearEnv: true };
    child = new Deno.Command(program, { args, ...options, stdin: "inherit", stdout: "inherit", stderr: "inherit" }).spawn();
  } catch (error) {
    const notFound = error instanceof Deno.errors.NotFound;
    throw new KvmiError(`Cannot start '${program}': ${notFound ? "no such program" : (error as Error).message}.`, {
      code: notFound ? "ProgramNotFound" : "ProgramNotStarted",
      kind: "usage",
      hint: notFound ? "Give the program's full path, or check PATH." : undefined,
    });
  }
  const listeners = forwardSignals(child);
  try {
    const status = await child.status;
    return status.signal ? 128 + (SIGNAL_NUMBERS[status.signal] ?? 0) : status.code;
  } finally {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  }
}

function forwardSignals(child: Deno.ChildProcess): [Deno.Signal, () => void][] {
  const listeners: [Deno.Signal, () => void][] = [];
  const fromTerminal = Deno.stdin.isTerminal();
  for (const signal of Object.keys(FORWARDED) as Deno.Signal[]) {
    const listener = () => {
      if (signal === "SIGINT" && fromTerminal) return;
      try {
        child.kill(signal);
      } catch {
        // The program has already exited.
      }
    };
    try {
      Deno.addSignalListener(signal, listener);
      listeners.push([signal, listener]);
    } catch {
      // Windows supports only SIGINT (and SIGBREAK) listeners; Ctrl+C reaches the whole console group there anyway.
    }
  }
  return listeners;
}
