/**
 * Fault injection and request counting, driven through the emulator's control endpoint, so
 * tests can make IMDS, Entra, Key Vault or ARM throttle, fail, or hand out bad tokens.
 * @module
 */

/** The endpoints a fault can target. */
export type FaultTarget = "imds-token" | "imds" | "entra" | "keyvault" | "arm" | "attestation";

/** Every valid {@link FaultTarget}. */
export const FAULT_TARGETS: readonly FaultTarget[] = ["imds-token", "imds", "entra", "keyvault", "arm", "attestation"];

/** What to do instead of answering normally. */
export type FaultKind = "status" | "expired-token" | "malformed-token";

/** One injected fault, applied to the next `count` requests to `target`. */
export interface Fault {
  target: FaultTarget;
  kind: FaultKind;
  /** HTTP status for `status` faults. */
  status?: number;
  /** `Retry-After` seconds to send with a `status` fault. */
  retryAfter?: number;
  /** How many requests it applies to. */
  count: number;
}

/** Pending faults and request counters. */
export class Faults {
  #pending: Fault[] = [];
  #counts = new Map<FaultTarget, number>();

  /** Queues a fault. */
  add(fault: Fault): void {
    this.#pending.push({ ...fault });
  }

  /** Drops every pending fault and resets the counters. */
  clear(): void {
    this.#pending = [];
    this.#counts.clear();
  }

  /** Counts a request to `target` and returns the fault to apply to it, if any. */
  next(target: FaultTarget): Fault | undefined {
    this.#counts.set(target, (this.#counts.get(target) ?? 0) + 1);
    const fault = this.#pending.find((f) => f.target === target && f.count > 0);
    if (!fault) return undefined;
    fault.count--;
    return fault;
  }

  /** Requests seen per target since the last clear. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/** Validates a fault posted to the control endpoint; returns an error message or the fault. */
export function parseFault(value: unknown): Fault | string {
  if (typeof value !== "object" || value === null) return "The body must be a JSON object.";
  const v = value as Record<string, unknown>;
  if (!FAULT_TARGETS.includes(v.target as FaultTarget)) return `target must be one of ${FAULT_TARGETS.join(", ")}.`;
  const kind = (v.kind ?? "status") as FaultKind;
  if (!["status", "expired-token", "malformed-token"].includes(kind)) return "kind must be status, expired-token or malformed-token.";
  if (kind === "status" && !(typeof v.status === "number" && v.status >= 400 && v.status <= 599)) return "status must be an HTTP error status.";
  const count = v.count === undefined ? 1 : v.count;
  if (typeof count !== "number" || count < 1) return "count must be a positive number.";
  if (v.retryAfter !== undefined && typeof v.retryAfter !== "number") return "retryAfter must be a number of seconds.";
  return { target: v.target as FaultTarget, kind, status: v.status as number | undefined, retryAfter: v.retryAfter as number | undefined, count };
}
