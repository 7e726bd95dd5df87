/**
 * Process exit codes, a public contract (README, `--help`, the PowerShell module): scripts
 * branch on them, so they never change meaning. Errors carry kinds; this table turns a kind
 * into its exit code, and `main.ts` is the one place that uses it.
 * @module
 */
import type { ErrorKind } from "../core/errors.ts";

/** Process exit codes, documented in `kvmi --help` and the README. */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  Usage: 2,
  Authentication: 3,
  Forbidden: 4,
  NotFound: 5,
  Unavailable: 6,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

const EXIT_CODE_FOR_KIND: Record<ErrorKind, ExitCodeValue> = {
  other: ExitCode.Error,
  usage: ExitCode.Usage,
  authentication: ExitCode.Authentication,
  forbidden: ExitCode.Forbidden,
  notFound: ExitCode.NotFound,
  unavailable: ExitCode.Unavailable,
};

/** The exit code for an error of `kind`. */
export function exitCodeFor(kind: ErrorKind): ExitCodeValue {
  return EXIT_CODE_FOR_KIND[kind];
}
