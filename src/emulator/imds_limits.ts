/**
 * IMDS's documented limits for the managed-identity category: 20 requests per second and 5
 * concurrent requests per VM; anything over is answered 429 before any work is done. On by
 * default, as in Azure; `kvmi emulator start --imds-limits off` switches them off.
 * @module
 */

/** The limits of one VM's identity endpoint. */
export interface ImdsLimits {
  /** Requests admitted in any sliding second. */
  requestsPerSecond: number;
  /** Requests being answered at once. */
  concurrent: number;
}

/** Azure's documented limits (IMDS doc, "Rate limiting": Managed Identity category). */
export const AZURE_IMDS_LIMITS: ImdsLimits = { requestsPerSecond: 20, concurrent: 5 };

/** The body IMDS answers a request over the limits with. */
export const THROTTLED_BODY = {
  error: "too_many_requests",
  error_description: "Too many requests. The identity endpoint allows 20 requests per second per VM.",
} as const;

/** Admits or refuses requests of one VM against {@link ImdsLimits}. */
export class ImdsLimiter {
  readonly #limits: ImdsLimits;
  #admitted: number[] = [];
  #inFlight = 0;

  /** A limiter enforcing `limits`. */
  constructor(limits: ImdsLimits) {
    this.#limits = limits;
  }

  /** Admits a request (true; call {@link leave} when answered) or refuses it (false). */
  enter(nowMs: number = Date.now()): boolean {
    this.#admitted = this.#admitted.filter((t) => nowMs - t < 1000);
    if (this.#admitted.length >= this.#limits.requestsPerSecond || this.#inFlight >= this.#limits.concurrent) return false;
    this.#admitted.push(nowMs);
    this.#inFlight++;
    return true;
  }

  /** Marks an admitted request as answered. */
  leave(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }
}
