/**
 * Retrying transient failures with exponential backoff, honouring `Retry-After`.
 * Two policies: the one Microsoft documents for IMDS, and the Azure SDK's for Key Vault and ARM.
 * @module
 */
import type { HttpResponse } from "./http_client.ts";
import { isNetworkError } from "./http_client.ts";
import { verbose } from "../core/verbose.ts";
import { remainingMs } from "../core/deadline.ts";
import { RETRY_AFTER_MAX_MS } from "../core/limits.ts";

/** What one attempt produced. */
export type Attempt = { response: HttpResponse } | { error: unknown };

/** Decides whether and when to try again. */
export interface RetryPolicy {
  /**
   * Returns the delay before the next attempt in milliseconds, or undefined to stop.
   * `attempt` counts from 1; `elapsedMs` is the time since the first attempt started.
   */
  nextDelay(attempt: number, outcome: Attempt, elapsedMs: number): number | undefined;
}

/**
 * Multiplier for every retry delay, from `KVMI_RETRY_DELAY_SCALE` (default 1). The test suite
 * sets it to make the 70-second IMDS window take seconds; behaviour is otherwise unchanged.
 */
export function retryDelayScale(): number {
  const value = Number(Deno.env.get("KVMI_RETRY_DELAY_SCALE") ?? "1");
  return Number.isFinite(value) && value >= 0 ? value : 1;
}

/** Parses `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or HTTP date). */
export function retryAfterMs(headers: Headers): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = Number(headers.get(name));
    if (headers.has(name) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get("retry-after");
  if (retryAfter === null) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Runs `send` until it succeeds or the policy gives up; returns the last response or throws the
 * last error. A wait is capped at {@link RETRY_AFTER_MAX_MS}, and a wait that would pass the
 * command's deadline ends the retries with the last outcome.
 */
export async function sendWithRetry(send: () => Promise<HttpResponse>, policy: RetryPolicy): Promise<HttpResponse> {
  const started = Date.now();
  for (let attempt = 1;; attempt++) {
    let outcome: Attempt;
    try {
      outcome = { response: await send() };
    } catch (error) {
      outcome = { error };
    }
    const delay = policy.nextDelay(attempt, outcome, Date.now() - started);
    const scaled = delay === undefined ? undefined : Math.round(Math.min(delay, RETRY_AFTER_MAX_MS) * retryDelayScale());
    if (scaled === undefined || scaled >= remainingMs()) {
      if (scaled !== undefined) verbose(`attempt ${attempt}: the next retry would pass the command's deadline; giving up`);
      if ("error" in outcome) throw outcome.error;
      return outcome.response;
    }
    verbose(`attempt ${attempt} ${"response" in outcome ? `got ${outcome.response.status}` : "failed"}; retrying in ${scaled} ms`);
    await new Promise((resolve) => setTimeout(resolve, scaled));
  }
}

const IMDS_BACKOFF_MS = [1000, 2000, 6000, 14000, 30000];
const IMDS_410_WINDOW_MS = 70_000;

/**
 * IMDS: retry 404, 429 (with or without Retry-After) and 5xx with the documented
 * exponential backoff (5 retries, up to 30 s apart), keep retrying 410 for 70 seconds,
 * and retry a network failure once.
 */
export const imdsRetryPolicy: RetryPolicy = {
  nextDelay(attempt, outcome, elapsedMs) {
    if ("error" in outcome) return isNetworkError(outcome.error) && attempt < 2 ? 1000 : undefined;
    const { status, headers } = outcome.response;
    const hinted = retryAfterMs(headers);
    if (status === 410) {
      if (elapsedMs >= IMDS_410_WINDOW_MS * retryDelayScale()) return undefined;
      return hinted ?? 5000;
    }
    if (status === 404 || status === 429 || status >= 500) {
      if (attempt > IMDS_BACKOFF_MS.length) return undefined;
      return Math.max(hinted ?? 0, IMDS_BACKOFF_MS[attempt - 1]);
    }
    return undefined;
  },
};

/**
 * Key Vault and ARM: retry 408, 429 and 5xx (not 501/505) and network failures, 3 times,
 * exponentially from 1 s, or after `Retry-After` when the service sends one.
 */
export const serviceRetryPolicy: RetryPolicy = {
  nextDelay(attempt, outcome) {
    if (attempt > 3) return undefined;
    if ("error" in outcome) return isNetworkError(outcome.error) ? 1000 * 2 ** (attempt - 1) : undefined;
    const { status, headers } = outcome.response;
    const transient = status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
    if (!transient) return undefined;
    return retryAfterMs(headers) ?? 1000 * 2 ** (attempt - 1);
  },
};
