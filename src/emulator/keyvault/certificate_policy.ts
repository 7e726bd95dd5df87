/**
 * The certificate policy as Key Vault stores and returns it: the snake_case wire members
 * (`key_props`, `secret_props`, `x509_props`, `lifetime_actions`, `issuer`), the defaults the
 * service fills in (RSA 2048, exportable, 12 months, two EKUs, two key usages, `basic_constraints`,
 * an 80 % lifetime action), validation with the service's messages, the PATCH merge, the policy a
 * PFX/PEM import derives from its certificate, and the backing key's `key_ops` from `key_usage`.
 * Members are omitted, never null (the .NET client reads them with GetBoolean/GetInt32).
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { isObject } from "../http_util.ts";

/** `key_props`. */
export interface KeyProps {
  exportable: boolean;
  kty: string;
  key_size?: number;
  reuse_key: boolean;
  crv?: string;
}

/** `x509_props.sans`. */
export interface SubjectAlternativeNames {
  emails?: string[];
  dns_names?: string[];
  upns?: string[];
  uris?: string[];
  ipAddresses?: string[];
}

/** `x509_props`. */
export interface X509Props {
  subject: string;
  sans?: SubjectAlternativeNames;
  ekus?: string[];
  key_usage?: string[];
  validity_months: number;
  basic_constraints?: { ca: boolean };
}

/** One entry of `lifetime_actions`. */
export interface LifetimeAction {
  trigger: { lifetime_percentage?: number; days_before_expiry?: number };
  action: { action_type: string };
}

/** `issuer` (also the operation's `issuer`). */
export interface IssuerParameters {
  name: string;
  cty?: string;
  cert_transparency?: boolean;
}

/** A complete certificate policy (without its `id`, which depends on the vault and name). */
export interface CertificatePolicy {
  key_props: KeyProps;
  secret_props: { contentType: string };
  x509_props: X509Props;
  lifetime_actions: LifetimeAction[];
  issuer: IssuerParameters;
  attributes: { enabled: boolean; created: number; updated: number };
}

/** The two secret content types. */
export const PKCS12 = "application/x-pkcs12";
/** PEM: unencrypted PKCS#8 key, then the certificate(s). */
export const PEM = "application/x-pem-file";

const KTYS = ["RSA", "RSA-HSM", "EC", "EC-HSM"];
const CURVES = ["P-256", "P-384", "P-521"];
const KEY_USAGES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];
/** Server and client authentication, the EKUs the service adds when none are given. */
export const DEFAULT_EKUS = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"];

/** A policy the service refuses: the message of its 400 `BadParameter`. */
export class PolicyProblem extends Error {}

function fail(message: string): never {
  throw new PolicyProblem(message);
}

function optionalObject(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(`Property ${name} has invalid value.`);
  return value;
}

function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail(`Property ${name} has invalid value.`);
  return value as string[];
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") fail(`Property ${name} has invalid value.`);
  return value;
}

function optionalInteger(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) fail(`Property ${name} has invalid value.`);
  return value;
}

/** A policy subject as an X.500 name text the X.509 library reads (attribute names upper-cased: the service takes `cn=...`). */
export function x500Subject(subject: string): string {
  return subject.replace(/(^|[,;+])\s*([A-Za-z][A-Za-z0-9]*)\s*=/g, (_m, sep: string, key: string) => `${sep === ";" ? "," : sep}${key.toUpperCase()}=`);
}

/** Throws unless `subject` is an X.500 name the service accepts (empty is allowed when SANs are given). */
export function checkSubject(subject: string, hasSans: boolean): void {
  if (subject === "" && hasSans) return;
  try {
    if (subject.trim() === "" || new x509.Name(x500Subject(subject)).toJSON().length === 0) throw new Error("empty");
  } catch {
    fail("The subject name provided is not a valid X500 name.");
  }
}

function readSans(value: unknown, withUrisAndIps: boolean): SubjectAlternativeNames | undefined {
  if (value === undefined || value === null) return undefined;
  const raw = optionalObject(value, "x509_props.sans");
  const sans: SubjectAlternativeNames = {};
  const keys: (keyof SubjectAlternativeNames)[] = ["emails", "dns_names", "upns", ...(withUrisAndIps ? ["uris" as const, "ipAddresses" as const] : [])];
  for (const k of keys) {
    const list = stringList(raw[k], `x509_props.sans.${k}`);
    if (list && list.length > 0) sans[k] = list;
  }
  return sans;
}

function readLifetimeActions(value: unknown, validityMonths: number): LifetimeAction[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail("Property lifetime_actions has invalid value.");
  return value.map((raw): LifetimeAction => {
    const a = optionalObject(raw, "lifetime_actions");
    const trigger = optionalObject(a.trigger, "lifetime_actions.trigger");
    const action = optionalObject(a.action, "lifetime_actions.action");
    const percentage = optionalInteger(trigger.lifetime_percentage, "lifetime_actions.trigger.lifetime_percentage");
    const days = optionalInteger(trigger.days_before_expiry, "lifetime_actions.trigger.days_before_expiry");
    if ((percentage === undefined) === (days === undefined)) fail("A lifetime action needs exactly one of lifetime_percentage and days_before_expiry.");
    if (percentage !== undefined && (percentage < 1 || percentage > 99)) fail("Property lifetime_percentage must be between 1 and 99.");
    if (days !== undefined && (days < 1 || days > validityMonths * 27)) {
      fail(`Property days_before_expiry must be between 1 and ${validityMonths * 27} (validity_months x 27).`);
    }
    const type = action.action_type;
    if (type !== "EmailContacts" && type !== "AutoRenew") fail("Property action_type must be EmailContacts or AutoRenew.");
    return { trigger: percentage !== undefined ? { lifetime_percentage: percentage } : { days_before_expiry: days }, action: { action_type: type } };
  });
}

/** The lifetime action the service adds when none is given: AutoRenew at 80 %, EmailContacts for issuer `Unknown`. */
export function defaultLifetimeActions(issuerName: string): LifetimeAction[] {
  return [{ trigger: { lifetime_percentage: 80 }, action: { action_type: issuerName.toLowerCase() === "unknown" ? "EmailContacts" : "AutoRenew" } }];
}

/** The issuer as echoed: `Unknown` gains `cert_transparency: false`. */
function normalIssuer(issuer: IssuerParameters): IssuerParameters {
  const name = issuer.name.toLowerCase() === "self" ? "Self" : issuer.name.toLowerCase() === "unknown" ? "Unknown" : issuer.name;
  return {
    name,
    ...(issuer.cty !== undefined ? { cty: issuer.cty } : {}),
    ...(issuer.cert_transparency !== undefined ? { cert_transparency: issuer.cert_transparency } : name === "Unknown" ? { cert_transparency: false } : {}),
  };
}

function readKeyProps(raw: Record<string, unknown>, base?: KeyProps): KeyProps {
  const kty = raw.kty === undefined || raw.kty === null ? base?.kty ?? "RSA" : raw.kty;
  if (typeof kty !== "string" || !KTYS.includes(kty)) fail(`Property key_props.kty has invalid value: use ${KTYS.join(", ")}.`);
  const exportable = optionalBoolean(raw.exportable, "key_props.exportable") ?? base?.exportable ?? !kty.endsWith("-HSM");
  if (exportable && kty.endsWith("-HSM")) fail("HSM-protected keys (RSA-HSM, EC-HSM) cannot be exportable.");
  const reuse = optionalBoolean(raw.reuse_key, "key_props.reuse_key") ?? base?.reuse_key ?? false;
  if (kty.startsWith("RSA")) {
    const size = optionalInteger(raw.key_size, "key_props.key_size") ?? (base?.kty.startsWith("RSA") ? base.key_size : undefined) ?? 2048;
    if (![2048, 3072, 4096].includes(size)) fail(`Property key_props.key_size has invalid value ${size}: RSA keys are 2048, 3072 or 4096 bits.`);
    return { exportable, kty, key_size: size, reuse_key: reuse };
  }
  const crv = raw.crv === undefined || raw.crv === null ? (base?.kty.startsWith("EC") ? base.crv : undefined) ?? "P-256" : raw.crv;
  if (typeof crv !== "string" || !CURVES.includes(crv)) fail(`Property key_props.crv has invalid value: the kvmi emulator supports ${CURVES.join(", ")}.`);
  const size = optionalInteger(raw.key_size, "key_props.key_size");
  return { exportable, kty, ...(size !== undefined ? { key_size: size } : {}), reuse_key: reuse, crv };
}

/** Options for reading a policy from a request body. */
export interface PolicyReadOptions {
  /** Unix seconds for `attributes.created`/`updated`. */
  now: number;
  /** Whether the api-version knows `sans.uris` and `sans.ipAddresses` (2025-07-01+); older versions ignore them. */
  sanUrisAndIps: boolean;
  /** The policy a PATCH merges into; absent for create/import. */
  base?: CertificatePolicy;
}

/** Reads a (possibly partial) policy from a request body, filling the service's defaults or the `base` members; throws {@link PolicyProblem}. */
export function readPolicy(value: unknown, options: PolicyReadOptions): CertificatePolicy {
  const raw = optionalObject(value, "policy");
  const base = options.base;
  const keyProps = readKeyProps(optionalObject(raw.key_props, "key_props"), base?.key_props);
  const secretRaw = optionalObject(raw.secret_props, "secret_props");
  const contentType = secretRaw.contentType ?? base?.secret_props.contentType ?? PKCS12;
  if (contentType !== PKCS12 && contentType !== PEM) fail(`Property secret_props.contentType has invalid value: use ${PKCS12} or ${PEM}.`);
  const x = optionalObject(raw.x509_props, "x509_props");
  const validity = optionalInteger(x.validity_months, "x509_props.validity_months") ?? base?.x509_props.validity_months ?? 12;
  if (validity < 1 || validity > 1200) fail("Property x509_props.validity_months has invalid value.");
  const sans = readSans(x.sans, options.sanUrisAndIps) ?? base?.x509_props.sans;
  const hasSans = Boolean(sans && Object.values(sans).some((l) => l && l.length > 0));
  const subject = x.subject === undefined || x.subject === null ? base?.x509_props.subject ?? "" : x.subject;
  if (typeof subject !== "string") fail("Property x509_props.subject has invalid value.");
  checkSubject(subject, hasSans);
  const keyUsage = stringList(x.key_usage, "x509_props.key_usage") ?? base?.x509_props.key_usage ??
    (keyProps.kty.startsWith("RSA") ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"]);
  const unknownUsage = keyUsage.find((u) => !KEY_USAGES.includes(u));
  if (unknownUsage) fail(`Property x509_props.key_usage has invalid value: ${unknownUsage}.`);
  const ekus = stringList(x.ekus, "x509_props.ekus") ?? base?.x509_props.ekus ?? DEFAULT_EKUS;
  const badEku = ekus.find((e) => !/^\d+(\.\d+)+$/.test(e));
  if (badEku) fail(`Property x509_props.ekus has invalid value: ${badEku}.`);
  const issuerRaw = optionalObject(raw.issuer, "issuer");
  const issuerName = issuerRaw.name ?? base?.issuer.name;
  if (typeof issuerName !== "string" || issuerName === "") fail("Property issuer.name is required.");
  const cty = issuerRaw.cty ?? base?.issuer.cty;
  const transparency = optionalBoolean(issuerRaw.cert_transparency, "issuer.cert_transparency") ?? base?.issuer.cert_transparency;
  const issuer = normalIssuer({
    name: issuerName,
    ...(typeof cty === "string" ? { cty } : {}),
    ...(transparency !== undefined ? { cert_transparency: transparency } : {}),
  });
  const lifetime = readLifetimeActions(raw.lifetime_actions, validity) ?? base?.lifetime_actions ?? defaultLifetimeActions(issuer.name);
  const attrs = optionalObject(raw.attributes, "policy.attributes");
  const enabled = optionalBoolean(attrs.enabled, "policy.attributes.enabled") ?? base?.attributes.enabled ?? true;
  return {
    key_props: keyProps,
    secret_props: { contentType: contentType as string },
    x509_props: {
      subject,
      ...(sans ? { sans } : {}),
      ekus,
      key_usage: keyUsage,
      validity_months: validity,
      basic_constraints: base?.x509_props.basic_constraints ?? { ca: false },
    },
    lifetime_actions: lifetime,
    issuer,
    attributes: { enabled, created: base?.attributes.created ?? options.now, updated: options.now },
  };
}

/** The policy JSON for a response: its `id` first; `sans.uris`/`ipAddresses` only for api-versions that have them. */
export function policyJson(policy: CertificatePolicy, id: string, sanUrisAndIps: boolean): Record<string, unknown> {
  let x509Props: X509Props = policy.x509_props;
  if (!sanUrisAndIps && x509Props.sans) {
    const { uris: _u, ipAddresses: _i, ...older } = x509Props.sans;
    x509Props = { ...x509Props, sans: older };
  }
  return {
    id,
    key_props: policy.key_props,
    secret_props: policy.secret_props,
    x509_props: x509Props,
    lifetime_actions: policy.lifetime_actions,
    issuer: policy.issuer,
    attributes: policy.attributes,
  };
}

const USAGE_FLAGS: Record<string, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};

/** The X.509 key usage bits of `key_usage` names. */
export function keyUsageFlags(names: readonly string[]): number {
  return names.reduce((flags, name) => flags | (USAGE_FLAGS[name] ?? 0), 0);
}

/** The `key_usage` names of X.509 key usage bits, in the service's order. */
export function keyUsageNames(flags: number): string[] {
  return Object.entries(USAGE_FLAGS).filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}

/** The backing key's `key_ops` for a policy's `key_usage` (about-certificates: signature usages -> sign/verify, and so on). */
export function keyOpsFor(keyUsage: readonly string[], kty: string): string[] {
  const ops = new Set<string>();
  for (const usage of keyUsage) {
    if (["digitalSignature", "nonRepudiation", "keyCertSign", "cRLSign"].includes(usage)) ops.add("sign").add("verify");
    if (usage === "keyEncipherment" && kty.startsWith("RSA")) ops.add("wrapKey").add("unwrapKey");
    if (usage === "dataEncipherment" && kty.startsWith("RSA")) ops.add("encrypt").add("decrypt");
    if (usage === "encipherOnly" && kty.startsWith("RSA")) ops.add("encrypt");
    if (usage === "decipherOnly" && kty.startsWith("RSA")) ops.add("decrypt");
  }
  return [...ops];
}

/** What an import learns from its certificate and key. */
export interface ImportedFacts {
  subject: string;
  sans?: SubjectAlternativeNames;
  ekus?: string[];
  keyUsage?: string[];
  validityMonths: number;
  kty: "RSA" | "EC";
  keySize?: number;
  crv?: string;
}

/** The policy of an import: the given policy with the certificate's facts, or (no policy) one derived from the certificate with issuer `Unknown`. */
export function importedPolicy(given: unknown, facts: ImportedFacts, options: PolicyReadOptions): CertificatePolicy {
  const raw = optionalObject(given, "policy");
  const keyRaw = optionalObject(raw.key_props, "key_props");
  const x = optionalObject(raw.x509_props, "x509_props");
  const issuer = optionalObject(raw.issuer, "issuer");
  const keyProps = {
    ...keyRaw,
    kty: typeof keyRaw.kty === "string" && keyRaw.kty.startsWith(facts.kty) ? keyRaw.kty : facts.kty,
    key_size: facts.keySize,
    crv: facts.crv,
  };
  const x509Props = {
    ...x,
    subject: facts.subject,
    ...(facts.sans ? { sans: facts.sans } : { sans: undefined }),
    ...(facts.ekus ? { ekus: facts.ekus } : {}),
    ...(facts.keyUsage ? { key_usage: facts.keyUsage } : {}),
    validity_months: facts.validityMonths,
  };
  const policy = readPolicy({ ...raw, key_props: keyProps, x509_props: x509Props, issuer: { ...issuer, name: issuer.name ?? "Unknown" } }, options);
  if (!facts.sans) delete policy.x509_props.sans;
  return policy;
}
