/**
 * The error type every kvmi layer throws. An error carries a *kind* (what went wrong, in terms a
 * script can branch on), never a process exit code: only `main.ts` turns kinds into exit codes.
 *
 * @example
 * ```ts
 * import { KvmiError } from "./errors.ts";
 * throw new KvmiError("Key Vault: SecretNotFound: no such secret.", { code: "SecretNotFound", kind: "notFound", status: 404 });
 * ```
 * @module
 */

/**
 * What kind of failure an error is. Each kind maps to one documented exit code in `main.ts`:
 * `other` 1, `usage` 2, `authentication` 3, `forbidden` 4, `notFound` 5, `unavailable` 6.
 */
export type ErrorKind = "other" | "usage" | "authentication" | "forbidden" | "notFound" | "unavailable";

/** What a {@link KvmiError} carries besides its message. */
export interface KvmiErrorDetails {
  /** A stable, machine-readable code such as `ForbiddenByRbac` or `ImdsUnreachable`. */
  code: string;
  /** The kind of failure, which decides the process exit code. */
  kind: ErrorKind;
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
  /** Kind of failure. */
  readonly kind: ErrorKind;
  /** HTTP status, if any. */
  readonly status?: number;
  /** Next step for the user, if any. */
  readonly hint?: string;

  /** Creates an error with a user-facing message and its details. */
  constructor(message: string, details: KvmiErrorDetails) {
    super(message);
    this.name = "KvmiError";
    this.code = details.code;
    this.kind = details.kind;
    this.status = details.status;
    this.hint = details.hint;
  }
}

/** A command-line usage error (kind `usage`). */
export function usageError(message: string, hint?: string): KvmiError {
  return new KvmiError(message, { code: "UsageError", kind: "usage", hint });
}

/** The kind of failure an HTTP error status stands for. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return "authentication";
  if (status === 403) return "forbidden";
  if (status === 404) return "notFound";
  if (isTransientStatus(status)) return "unavailable";
  return "other";
}

/** Whether a status is transient (throttled or a server failure). */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
