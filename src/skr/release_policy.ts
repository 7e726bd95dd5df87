/**
 * Key release policies (Secure Key Release): parsing the current "1.0.0" grammar and the legacy
 * "0.2" one, and evaluating a policy against attestation token claims with a trace of every
 * condition. Both Key Vault (the emulator) and `kvmi key policy check` use this module: it is
 * protocol, shared by design, and imports neither side.
 *
 * Rules (Key Vault's policy grammar): the authority whose URL equals the token's `iss` (trailing
 * slash ignored) is evaluated; claims use dot paths; a missing claim makes its condition false;
 * values compare by their canonical string form (`true`, `0`, ...); `anyOf`/`allOf` nest.
 *
 * @example
 * ```ts
 * import { defaultCvmPolicy, evaluatePolicy, parsePolicy } from "./release_policy.ts";
 * const policy = parsePolicy(defaultCvmPolicy("https://sharedeus.eus.attest.azure.net"));
 * const result = evaluatePolicy(policy, { iss: "https://sharedeus.eus.attest.azure.net", "x-ms-attestation-type": "sevsnpvm" });
 * console.log(result.allowed, result.reason);
 * ```
 * @module
 */

/** A parsed condition tree. */
export type PolicyCondition =
  | { kind: "claim"; claim: string; operator: ClaimOperator; value: string | number | boolean }
  | { kind: "allOf" | "anyOf"; conditions: PolicyCondition[] };

/** Operators of the grammar; Key Vault documents `equals` as the one in use today. */
export type ClaimOperator = "equals" | "notEquals" | "less" | "lessOrEquals" | "greater" | "greaterOrEquals" | "exists";

/** One authority and its conditions. */
export interface PolicyAuthority {
  authority: string;
  condition: PolicyCondition;
}

/** A parsed policy. */
export interface ReleasePolicy {
  version: string;
  authorities: PolicyAuthority[];
}

/** One evaluated condition, for `kvmi key policy check` and refusal messages. */
export interface ConditionTrace {
  path: string;
  held: boolean;
  detail: string;
}

/** The result of {@link evaluatePolicy}. */
export interface PolicyEvaluation {
  allowed: boolean;
  /** The authority that matched the token's issuer, if any. */
  authority?: string;
  trace: ConditionTrace[];
  /** Why it was refused, in one sentence. */
  reason?: string;
}

const OPERATORS: ClaimOperator[] = ["equals", "notEquals", "less", "lessOrEquals", "greater", "greaterOrEquals", "exists"];

/** Thrown when a policy document is malformed. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a policy JSON document (either grammar). */
export function parsePolicy(json: unknown): ReleasePolicy {
  if (!isObject(json)) throw new PolicyError("The policy must be a JSON object.");
  const version = typeof json.version === "string" ? json.version : "";
  if (!["1.0.0", "0.2", "1.0"].includes(version)) throw new PolicyError(`Unsupported policy version '${String(json.version)}'; use "1.0.0".`);
  if (!Array.isArray(json.anyOf) || json.anyOf.length === 0) throw new PolicyError("The policy needs a non-empty top-level 'anyOf' of authorities.");
  const authorities = json.anyOf.map((a, i) => {
    if (!isObject(a) || typeof a.authority !== "string" || !/^https:\/\//i.test(a.authority)) {
      throw new PolicyError(`anyOf[${i}] needs an 'authority' https URL.`);
    }
    if ("allOf" in a && "anyOf" in a) throw new PolicyError(`anyOf[${i}] has both 'allOf' and 'anyOf'; use one.`);
    const key = "allOf" in a ? "allOf" : "anyOf" in a ? "anyOf" : undefined;
    if (!key) throw new PolicyError(`anyOf[${i}] needs 'allOf' or 'anyOf' conditions.`);
    return { authority: a.authority, condition: parseGroup(key, a[key], `anyOf[${i}].${key}`) };
  });
  return { version, authorities };
}

function parseGroup(kind: "allOf" | "anyOf", list: unknown, path: string): PolicyCondition {
  if (!Array.isArray(list) || list.length === 0) throw new PolicyError(`${path} must be a non-empty array.`);
  return { kind, conditions: list.map((c, i) => parseCondition(c, `${path}[${i}]`)) };
}

function parseCondition(c: unknown, path: string): PolicyCondition {
  if (!isObject(c)) throw new PolicyError(`${path} must be an object.`);
  if ("allOf" in c) return parseGroup("allOf", c.allOf, `${path}.allOf`);
  if ("anyOf" in c) return parseGroup("anyOf", c.anyOf, `${path}.anyOf`);
  if (typeof c.claim !== "string" || c.claim === "") throw new PolicyError(`${path} needs a 'claim'.`);
  if (typeof c.condition === "string") {
    if (!OPERATORS.includes(c.condition as ClaimOperator)) throw new PolicyError(`${path}: unknown condition '${c.condition}'.`);
    return { kind: "claim", claim: c.claim, operator: c.condition as ClaimOperator, value: scalar(c.value, path) };
  }
  const ops = OPERATORS.filter((op) => op in c);
  if (ops.length !== 1) throw new PolicyError(`${path} needs exactly one operator (${OPERATORS.join(", ")}).`);
  return { kind: "claim", claim: c.claim, operator: ops[0], value: scalar(c[ops[0]], path) };
}

function scalar(v: unknown, path: string): string | number | boolean {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  throw new PolicyError(`${path}: the value must be a string, number or boolean (objects and arrays are not allowed).`);
}

/** Reads a claim by dot path; undefined when absent. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let node: unknown = claims;
  for (const segment of path.split(".")) {
    if (!isObject(node) || !(segment in node)) return undefined;
    node = node[segment];
  }
  return node;
}

function canonical(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Whether two authority URLs are the same issuer (trailing slash and host case ignored). */
export function sameAuthority(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, "")}`;
    } catch {
      return u.replace(/\/+$/, "");
    }
  };
  return norm(a) === norm(b);
}

/** Evaluates `policy` against token `claims`. */
export function evaluatePolicy(policy: ReleasePolicy, claims: Record<string, unknown>): PolicyEvaluation {
  const iss = typeof claims.iss === "string" ? claims.iss : "";
  const match = policy.authorities.find((a) => sameAuthority(a.authority, iss));
  if (!match) {
    return {
      allowed: false,
      trace: policy.authorities.map((a, i) => ({
        path: `anyOf[${i}].authority`,
        held: false,
        detail: `authority ${a.authority} does not match the token issuer ${iss || "(none)"}`,
      })),
      reason: `No authority in the policy matches the token issuer '${iss || "(none)"}'.`,
    };
  }
  const trace: ConditionTrace[] = [{ path: "authority", held: true, detail: `${match.authority} matches iss ${iss}` }];
  const held = evaluate(match.condition, claims, "conditions", trace);
  const failed = trace.find((t) => !t.held && t.path !== "authority");
  return {
    allowed: held,
    authority: match.authority,
    trace,
    reason: held ? undefined : `The attestation does not satisfy the policy: ${failed?.detail ?? "a condition failed"}.`,
  };
}

function evaluate(c: PolicyCondition, claims: Record<string, unknown>, path: string, trace: ConditionTrace[]): boolean {
  if (c.kind !== "claim") {
    const results = c.conditions.map((child, i) => evaluate(child, claims, `${path}.${c.kind}[${i}]`, trace));
    const held = c.kind === "allOf" ? results.every(Boolean) : results.some(Boolean);
    trace.push({ path, held, detail: `${c.kind} of ${c.conditions.length} condition(s) ${held ? "held" : "failed"}` });
    return held;
  }
  const actual = claimAt(claims, c.claim);
  const expected = canonical(c.value);
  let held: boolean;
  let detail: string;
  if (actual === undefined) {
    held = false;
    detail = `claim '${c.claim}' is missing (expected ${c.operator} '${expected}')`;
  } else if (c.operator === "exists") {
    held = true;
    detail = `claim '${c.claim}' exists`;
  } else {
    const a = canonical(actual);
    const num = Number(a) - Number(expected);
    const cmp: Record<Exclude<ClaimOperator, "exists">, boolean> = {
      equals: a === expected,
      notEquals: a !== expected,
      less: num < 0,
      lessOrEquals: num <= 0,
      greater: num > 0,
      greaterOrEquals: num >= 0,
    };
    held = cmp[c.operator];
    detail = `claim '${c.claim}' is '${a}', ${c.operator} '${expected}' ${held ? "holds" : "does not hold"}`;
  }
  trace.push({ path, held, detail });
  return held;
}

/** The default confidential-VM policy (`az keyvault key create --default-cvm-policy`) for an MAA authority. */
export function defaultCvmPolicy(authority: string): Record<string, unknown> {
  return {
    version: "1.0.0",
    anyOf: [{
      authority,
      allOf: [
        { claim: "x-ms-attestation-type", equals: "sevsnpvm" },
        { claim: "x-ms-compliance-status", equals: "azure-compliant-cvm" },
      ],
    }],
  };
}
