/**
 * The command's total deadline: one per process, set when a command builds its context
 * (`--timeout`, default in `limits.ts`). Every attempt's timeout and every retry wait is cut to
 * what is left, so no command waits past it whatever a server sends.
 *
 * @example
 * ```ts
 * import { remainingMs, setDeadline } from "./deadline.ts";
 * setDeadline(5_000);
 * console.log(remainingMs() <= 5_000);
 * ```
 * @module
 */
import { COMMAND_DEADLINE_MS } from "./limits.ts";
import { KvmiError } from "./errors.ts";

const started = Date.now();
let budgetMs = COMMAND_DEADLINE_MS;
let deadline = started + budgetMs;

/** Sets the deadline to `ms` after the command started (so setting it twice changes nothing). */
export function setDeadline(ms: number): void {
  budgetMs = ms;
  deadline = started + ms;
}

/** Milliseconds left before the deadline (0 once it has passed). */
export function remainingMs(): number {
  return Math.max(0, deadline - Date.now());
}

/** The error for a command that ran out of time (exit 6). */
export function deadlineExceeded(what: string): KvmiError {
  return new KvmiError(`${what}: the command's deadline of ${Math.round(budgetMs / 1000)} s has passed.`, {
    code: "DeadlineExceeded",
    kind: "unavailable",
    hint: "The service did not answer in time; try again later, or allow more time with --timeout SECONDS.",
  });
}
