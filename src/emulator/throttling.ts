/**
 * Service throttling, on by default as in Azure (`kvmi emulator start --throttling off`):
 * Key Vault's documented per-vault limits, counted in a sliding 10-second window per operation
 * class (secret CREATE 300, key CREATE 20, every other transaction 4,000), and ARM's
 * per-subscription token buckets (reads 250 refilled at 25/s; writes and deletes 200 at 10/s).
 * Pure bookkeeping with an explicit clock; the servers answer 429 with their own bodies.
 * @module
 */

/** A sliding-window limit: at most `limit` admissions in any `windowMs`. */
export class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #admitted: number[] = [];

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Admits (undefined) or refuses with the whole seconds until a slot frees. */
  admit(nowMs: number): number | undefined {
    this.#admitted = this.#admitted.filter((t) => nowMs - t < this.#windowMs);
    if (this.#admitted.length >= this.#limit) return Math.max(1, Math.ceil((this.#admitted[0] + this.#windowMs - nowMs) / 1000));
    this.#admitted.push(nowMs);
    return undefined;
  }
}

/** A token bucket: `capacity` tokens, refilled at `perSecond`. */
export class TokenBucket {
  readonly #capacity: number;
  readonly #perSecond: number;
  #tokens: number;
  #lastMs: number | undefined;

  constructor(capacity: number, perSecond: number) {
    this.#capacity = capacity;
    this.#perSecond = perSecond;
    this.#tokens = capacity;
  }

  /** Takes a token (undefined) or refuses with the whole seconds until one is back. */
  take(nowMs: number): number | undefined {
    if (this.#lastMs !== undefined) this.#tokens = Math.min(this.#capacity, this.#tokens + ((nowMs - this.#lastMs) / 1000) * this.#perSecond);
    this.#lastMs = nowMs;
    if (this.#tokens < 1) return Math.max(1, Math.ceil((1 - this.#tokens) / this.#perSecond));
    this.#tokens -= 1;
    return undefined;
  }

  /** Tokens left (for ARM's `x-ms-ratelimit-remaining-*` headers). */
  get remaining(): number {
    return Math.floor(this.#tokens);
  }
}

/** Key Vault's operation classes with their own limits. */
export type VaultOperationClass = "secretCreate" | "keyCreate" | "other";

/** Key Vault's documented limits per vault per 10 seconds (software keys, RSA 2048 / EC). */
export const KEYVAULT_LIMITS: Record<VaultOperationClass, number> = { secretCreate: 300, keyCreate: 20, other: 4000 };

/** The class of a Key Vault request. */
export function vaultOperationClass(method: string, path: string): VaultOperationClass {
  if (method === "PUT" && /^\/secrets\/[^/]+\/?$/i.test(path)) return "secretCreate";
  if ((method === "POST" && /^\/keys\/[^/]+\/create\/?$/i.test(path)) || (method === "PUT" && /^\/keys\/[^/]+\/?$/i.test(path))) return "keyCreate";
  return "other";
}

/** One vault's throttle. */
export class VaultThrottle {
  readonly #windows: Record<VaultOperationClass, SlidingWindow>;

  constructor(limits: Record<VaultOperationClass, number> = KEYVAULT_LIMITS) {
    this.#windows = {
      secretCreate: new SlidingWindow(limits.secretCreate, 10_000),
      keyCreate: new SlidingWindow(limits.keyCreate, 10_000),
      other: new SlidingWindow(limits.other, 10_000),
    };
  }

  /** Admits a request (undefined) or returns the seconds to wait. */
  admit(method: string, path: string, nowMs: number = Date.now()): number | undefined {
    return this.#windows[vaultOperationClass(method, path)].admit(nowMs);
  }
}

/** ARM's operation kinds, each with its own bucket. */
export type ArmOperationKind = "reads" | "writes" | "deletes";

/** The kind of an ARM request by method. */
export function armOperationKind(method: string): ArmOperationKind {
  return method === "GET" || method === "HEAD" ? "reads" : method === "DELETE" ? "deletes" : "writes";
}

/** One subscription's ARM throttle. */
export class ArmThrottle {
  readonly buckets: Record<ArmOperationKind, TokenBucket> = {
    reads: new TokenBucket(250, 25),
    writes: new TokenBucket(200, 10),
    deletes: new TokenBucket(200, 10),
  };

  /** Takes a token for the request's kind (undefined) or returns the seconds to wait. */
  admit(method: string, nowMs: number = Date.now()): number | undefined {
    return this.buckets[armOperationKind(method)].take(nowMs);
  }
}
