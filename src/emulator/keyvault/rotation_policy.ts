/**
 * Key rotation policies as Key Vault keeps them: `lifetimeActions` (a `Rotate` or `Notify` action,
 * each with one ISO-8601 trigger, `timeAfterCreate` or `timeBeforeExpiry`) and
 * `attributes.expiryTime`. Reading a PUT body with the service's rules (action types compared
 * case-insensitively and returned as `Rotate`/`Notify`, at most one of each, triggers of at least
 * 7 days, an expiry of at least 28 days, a before-expiry rotation only with an expiry, Notify 30
 * days before expiry unless given, an empty list resetting to the default), the default policy
 * of a key that never had one, and the JSON returned.
 * @module
 */

/** One lifetime action. */
export interface LifetimeAction {
  type: "Rotate" | "Notify";
  trigger: { timeAfterCreate: string } | { timeBeforeExpiry: string };
}

/** A stored rotation policy; `created` is undefined for the default of a key that never had one. */
export interface RotationPolicy {
  lifetimeActions: LifetimeAction[];
  expiryTime?: string;
  created?: number;
  updated?: number;
}

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?!$)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const DEFAULT_NOTIFY: LifetimeAction = { type: "Notify", trigger: { timeBeforeExpiry: "P30D" } };

/** The policy of a key that never had one set: Notify 30 days before expiry. */
export function defaultRotationPolicy(): RotationPolicy {
  return { lifetimeActions: [structuredClone(DEFAULT_NOTIFY)] };
}

/** The longest duration a policy may name: 100 years (so `now + duration` stays a date). */
export const MAX_DURATION_SECONDS = 100 * 365 * 86_400;

/**
 * An ISO-8601 duration in seconds (years as 365 days, months as 30); undefined when it is not one
 * or is longer than {@link MAX_DURATION_SECONDS}.
 */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text.toUpperCase());
  if (!m) return undefined;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0));
  const seconds = (((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 60 + mi) * 60 + s;
  return Number.isSafeInteger(seconds) && seconds <= MAX_DURATION_SECONDS ? seconds : undefined;
}

/** Reads a PUT body into a policy (`now` for created/updated, `previous` keeps `created`); a message when the service would refuse it. */
export function readRotationPolicy(body: Record<string, unknown>, now: number, previous?: RotationPolicy): RotationPolicy | string {
  const attributes = body.attributes ?? {};
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) return "Property attributes has invalid value.";
  const expiryTime = (attributes as Record<string, unknown>).expiryTime;
  if (expiryTime !== undefined && expiryTime !== null) {
    const seconds = typeof expiryTime === "string" ? durationSeconds(expiryTime) : undefined;
    if (seconds === undefined) return `Invalid expiryTime '${String(expiryTime)}': use an ISO 8601 duration such as P90D, at most 100 years.`;
    if (seconds < 28 * 86_400) return `Invalid expiryTime '${expiryTime}': the expiry time must be at least 28 days (P28D).`;
  }
  const expiry = typeof expiryTime === "string" ? expiryTime : undefined;
  const actions = readActions(body.lifetimeActions ?? [], expiry);
  if (typeof actions === "string") return actions;
  const lifetimeActions = actions.length === 0
    ? defaultRotationPolicy().lifetimeActions
    : actions.some((a) => a.type === "Notify")
    ? actions
    : [...actions, structuredClone(DEFAULT_NOTIFY)];
  return { lifetimeActions, ...(expiry ? { expiryTime: expiry } : {}), created: previous?.created ?? now, updated: now };
}

function readActions(raw: unknown, expiryTime: string | undefined): LifetimeAction[] | string {
  if (!Array.isArray(raw)) return "Property lifetimeActions has invalid value: it must be an array.";
  const actions: LifetimeAction[] = [];
  for (const item of raw) {
    const action = readAction(item, expiryTime);
    if (typeof action === "string") return action;
    if (actions.some((a) => a.type === action.type)) return `The policy has more than one ${action.type} action; at most one of each is allowed.`;
    actions.push(action);
  }
  return actions;
}

function readAction(item: unknown, expiryTime: string | undefined): LifetimeAction | string {
  const record = isRecord(item) ? item : {};
  const action = isRecord(record.action) ? record.action : {};
  const trigger = isRecord(record.trigger) ? record.trigger : {};
  const typeText = typeof action.type === "string" ? action.type.toLowerCase() : "";
  if (typeText !== "rotate" && typeText !== "notify") {
    return `Invalid lifetime action type '${String(action.type)}': use Rotate or Notify.`;
  }
  const type = typeText === "rotate" ? "Rotate" : "Notify";
  const after = trigger.timeAfterCreate;
  const before = trigger.timeBeforeExpiry;
  if ((after === undefined || after === null) === (before === undefined || before === null)) {
    return `The ${type} action needs exactly one trigger: timeAfterCreate or timeBeforeExpiry.`;
  }
  const [name, value] = after !== undefined && after !== null ? ["timeAfterCreate", after] : ["timeBeforeExpiry", before];
  const seconds = typeof value === "string" ? durationSeconds(value) : undefined;
  if (seconds === undefined) return `Invalid ${name} '${String(value)}': use an ISO 8601 duration such as P30D.`;
  if (seconds < 7 * 86_400) return `Invalid ${name} '${value}': a trigger must be at least 7 days (P7D).`;
  if (expiryTime !== undefined && seconds > durationSeconds(expiryTime)! - 7 * 86_400) {
    return `Invalid ${name} '${value}': it must be at least 7 days shorter than the expiry time ${expiryTime}.`;
  }
  if (type === "Rotate" && name === "timeBeforeExpiry" && expiryTime === undefined) {
    return "A Rotate action triggered by timeBeforeExpiry needs attributes.expiryTime.";
  }
  return { type, trigger: name === "timeAfterCreate" ? { timeAfterCreate: value as string } : { timeBeforeExpiry: value as string } };
}

/** The policy as `GET`/`PUT .../rotationpolicy` return it. */
export function rotationPolicyJson(id: string, policy: RotationPolicy): Record<string, unknown> {
  return {
    id,
    lifetimeActions: policy.lifetimeActions.map((a) => ({ trigger: a.trigger, action: { type: a.type } })),
    attributes: {
      ...(policy.expiryTime ? { expiryTime: policy.expiryTime } : {}),
      ...(policy.created !== undefined ? { created: policy.created, updated: policy.updated } : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
