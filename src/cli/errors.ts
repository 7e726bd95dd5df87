/**
 * The error type every kvmi layer throws, and the exit codes it maps to.
 *
 * Exit codes are part of the public contract (README, `--help`, the PowerShell module):
 * scripts branch on them, so they never change meaning.
 * @module
 */

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

/** What a {@link KvmiError} carries besides its message. */
export interface KvmiErrorDetails {
  /** A stable, machine-readable code such as `ForbiddenByRbac` or `ImdsUnreachable`. */
  code: string;
  /** The process exit code this error ends with. */
  exitCode: ExitCodeValue;
  /** The HTTP status behind the error, when there was one. */
  status?: number;
  /** What the user can do next. */
  hint?: string;
}

/**
 * An error meant for the user: its message says what happened, its hint what to do next.
 * It never carries a token or a secret value.
 */
export class KvmiError extends Error {
  /** Machine-readable code. */
  readonly code: string;
  /** Exit code for the process. */
  readonly exitCode: ExitCodeValue;
  /** HTTP status, if any. */
  readonly status?: number;
  /** Next step for the user, if any. */
  readonly hint?: string;

  constructor(message: string, details: KvmiErrorDetails) {
    super(message);
    this.name = "KvmiError";
    this.code = details.code;
    this.exitCode = details.exitCode;
    this.status = details.status;
    this.hint = details.hint;
  }
}

/** A command-line usage error (exit code 2). */
export function usageError(message: string, hint?: string): KvmiError {
  return new KvmiError(message, { code: "UsageError", exitCode: ExitCode.Usage, hint });
}

/** Maps an HTTP status to the exit code kvmi uses for it. */
export function exitCodeForStatus(status: number): ExitCodeValue {
  if (status === 401) return ExitCode.Authentication;
  if (status === 403) return ExitCode.Forbidden;
  if (status === 404) return ExitCode.NotFound;
  if (status === 429 || status >= 500) return ExitCode.Unavailable;
  return ExitCode.Error;
}
