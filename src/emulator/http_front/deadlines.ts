/**
 * The time limits of a front's connections, kept as timestamps and checked by one sweep per
 * front rather than a timer set and cleared for every chunk a client sends (which, measured,
 * cost a noticeable share of a small keep-alive request's time). Precision is a quarter of the
 * head timeout, at most 250 ms.
 * @module
 */
import type { FrontLimits } from "./limits.ts";

/** One connection's deadlines: its head (while one is awaited or half-sent) and its idleness. */
export class Deadlines {
  /** When the head being awaited began (the accept, or its first byte); undefined between heads. */
  headSince: number | undefined;
  /** When the client last sent anything. */
  lastActivity: number;
  /** Closes the connection; called once by the sweep when a deadline passes. */
  readonly expire: () => void;

  constructor(now: number, expire: () => void) {
    this.headSince = now;
    this.lastActivity = now;
    this.expire = expire;
  }

  /** Called after each chunk: a head in progress (or none yet) keeps the head deadline running. */
  update(awaitingHead: boolean, now: number = Date.now()): void {
    this.lastActivity = now;
    if (!awaitingHead) this.headSince = undefined;
    else this.headSince ??= now;
  }

  /** Whether a deadline has passed at `now`. */
  expired(limits: Pick<FrontLimits, "headTimeoutMs" | "idleTimeoutMs">, now: number): boolean {
    return (this.headSince !== undefined && now - this.headSince >= limits.headTimeoutMs) || now - this.lastActivity >= limits.idleTimeoutMs;
  }
}

/** Sweeps a front's connections while it has any, expiring those past a deadline. */
export class DeadlineClock {
  readonly #limits: FrontLimits;
  readonly #watched = new Set<Deadlines>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(limits: FrontLimits) {
    this.#limits = limits;
  }

  /** Starts timing a new connection. */
  watch(expire: () => void): Deadlines {
    const deadlines = new Deadlines(Date.now(), expire);
    this.#watched.add(deadlines);
    this.#timer ??= setInterval(() => this.#sweep(), Math.max(10, Math.min(250, this.#limits.headTimeoutMs / 4)));
    return deadlines;
  }

  /** Stops timing a connection (closed or lingering). */
  forget(deadlines: Deadlines): void {
    this.#watched.delete(deadlines);
    if (this.#watched.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const deadlines of this.#watched) {
      if (!deadlines.expired(this.#limits, now)) continue;
      this.forget(deadlines);
      deadlines.expire();
    }
  }
}
