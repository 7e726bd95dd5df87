/**
 * `kvmi key ...`: Key Vault keys (get, list, versions, create, sign, verify, encrypt, decrypt,
 * wrap, unwrap, rotate, rotation-policy show|set, backup, restore), Secure Key Release with the
 * released key unwrapped (`release`), and a local dry run of a release policy against an
 * attestation token (`policy check`).
 * @module
 */
import type { KeyObject } from "node:crypto";
import { base64url } from "jose";
import { checkNonce, maaEndpoint } from "../attestation/attestation_options.ts";
import type { TransferKey } from "../attestation/transfer_key.ts";
import { decodeJwtPayload } from "../auth/token_claims.ts";
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  listOption,
  type OptionSpecs,
  outputFormat,
  type ParsedValues,
  parseOptions,
  requiredOption,
  stringOption,
  subcommandHelp,
} from "../cli/args.ts";
import { ExitCode } from "../cli/exit_codes.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { readFileBounded, readStdinBounded, readTextFileBounded } from "../core/bounded_read.ts";
import { parseJsonInput } from "../core/json_input.ts";
import { checkPrivateFileTarget, writePrivateFile } from "../core/private_file.ts";
import { DATA_FILE_MAX_BYTES, JSON_FILE_MAX_BYTES, JWT_MAX_BYTES, PEM_MAX_BYTES } from "../core/limits.ts";
import { printJson, renderProperties, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { type KeyBundle, KeyClient, type KeyOperation, type KeyRotationPolicy } from "../keyvault/key_client.ts";
import { checkVersion, resolveVaultUrl } from "../keyvault/vault_address.ts";
import { defaultCvmPolicy, evaluatePolicy, parsePolicy, PolicyError } from "../skr/release_policy.ts";
import { type AzureContext, createAzureContext, keyVaultAuthorization } from "./context.ts";

/** Help text. */
export const KEY_HELP = `Usage: kvmi key <subcommand> --vault NAME|URL --name KEY [options]

Key Vault keys with the machine's identity, and Secure Key Release.

  get       [--version V]                     The key's public JWK, attributes and release policy
  list                                        Keys in the vault
  versions                                    Versions of a key
  create    [--kty RSA|RSA-HSM|EC|EC-HSM] [--size 2048|3072|4096] [--curve P-256|P-256K|P-384|P-521]
            [--ops encrypt,decrypt,...] [--exportable --policy FILE | --default-cvm-policy [--maa URL]] [--immutable]
  sign      --alg ALG (--digest B64URL | --data-file F)
            ALG: RS256|RS384|RS512|PS256|PS384|PS512 (RSA keys), ES256 (P-256), ES256K (P-256K),
            ES384 (P-384), ES512 (P-521). --digest is the hash itself (32, 48 or 64 bytes, as the
            service signs what it is given); --data-file is hashed here first.
  verify    --alg ALG (--digest B64URL | --data-file F) --signature B64URL   (ES signatures are raw r||s)
  encrypt | decrypt | wrap | unwrap  --alg RSA-OAEP|RSA-OAEP-256|RSA1_5 --value B64URL
  rotate                                      A new current version of the same type and size
  rotation-policy show                        The key's rotation policy (the service default if none was set)
  rotation-policy set --file FILE             Set it from JSON: {"lifetimeActions":[{"trigger":
            {"timeAfterCreate":"P90D"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P2Y"}}
  backup    --out FILE [--force]              Every version, as the service's opaque blob (owner-only
            file, never overwritten without --force; restorable in the same subscription and geography)
  restore   --file FILE                       Restore a backup into --vault (no --name: the blob has it)
  release   [--version V] [--attestation-token FILE|- --transfer-key FILE | --maa URL] [--nonce N]
            [--enc RSA_AES_KEY_WRAP_256|RSA_AES_KEY_WRAP_384|CKM_RSA_AES_KEY_WRAP]
            --out FILE|- [--format pem|jwk|der] [--force] [--trust-root PEM]
            Attests (or takes a token), releases, verifies the signed response and its x5c
            chain, unwraps key_hsm and writes the private key to --out (owner-only; stdout
            only with --out -).
  policy check --policy FILE --token FILE      Evaluate a release policy against an attestation
            token locally, condition by condition (exit 0 if it would release, 4 if not)
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi key create --vault kv-demo --name signer --kty EC --curve P-256K
  kvmi key sign --vault kv-demo --name signer --alg ES256K --data-file ./payload.bin
  kvmi key verify --vault kv-demo --name rsa-key --alg PS256 --data-file ./payload.bin --signature "$SIG"
  kvmi key rotate --vault kv-demo --name app-key
  kvmi key rotation-policy show --vault kv-demo --name app-key
  kvmi key rotation-policy set --vault kv-demo --name app-key --file ./rotation.json
  kvmi key backup --vault kv-demo --name app-key --out ./app-key.keybackup
  kvmi key restore --vault kv-demo --file ./app-key.keybackup
  kvmi key release --vault kv-demo --name cvm-key --out ./cvm-key.pem
  kvmi attest --save-transfer-key tk.pem > token.jwt
  kvmi key release --vault kv-demo --name cvm-key --attestation-token token.jwt --transfer-key tk.pem --out key.jwk --format jwk
  kvmi key policy check --policy policy.json --token token.jwt
`;

const SUBCOMMANDS = [
  "get",
  "list",
  "versions",
  "create",
  "sign",
  "verify",
  "encrypt",
  "decrypt",
  "wrap",
  "unwrap",
  "release",
  "policy",
  "rotate",
  "rotation-policy",
  "backup",
  "restore",
];

const KEY_OPTIONS: OptionSpecs = {
  ...COMMON_OPTIONS,
  ...IDENTITY_OPTIONS,
  vault: { type: "string" },
  name: { type: "string" },
  version: { type: "string" },
  kty: { type: "string" },
  size: { type: "string" },
  curve: { type: "string" },
  ops: { type: "string" },
  exportable: { type: "boolean" },
  immutable: { type: "boolean" },
  policy: { type: "string" },
  "default-cvm-policy": { type: "boolean" },
  maa: { type: "string" },
  alg: { type: "string" },
  digest: { type: "string" },
  "data-file": { type: "string" },
  signature: { type: "string" },
  value: { type: "string" },
  "attestation-token": { type: "string" },
  "transfer-key": { type: "string" },
  nonce: { type: "string" },
  enc: { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
  force: { type: "boolean" },
  "trust-root": { type: "string", multiple: true },
  token: { type: "string" },
  file: { type: "string" },
};

/** Runs `kvmi key ...`. */
export async function runKey(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, KEY_HELP);
  if (helped !== undefined) return helped;
  if (!SUBCOMMANDS.includes(sub)) throw usageError(`Unknown key subcommand '${sub}'.`, `Use one of: ${SUBCOMMANDS.join(", ")}.`);
  let restArgs = rest;
  if (sub === "policy") {
    if (rest[0] !== "check" && !rest.includes("--help")) throw usageError("Use 'kvmi key policy check --policy FILE --token FILE'.");
    restArgs = rest[0] === "check" ? rest.slice(1) : rest;
  }
  const policyAction = sub === "rotation-policy" ? rest[0] : undefined;
  if (sub === "rotation-policy") {
    if (policyAction !== "show" && policyAction !== "set" && !rest.includes("--help")) {
      throw usageError("Use 'kvmi key rotation-policy show' or 'kvmi key rotation-policy set --file FILE'.");
    }
    restArgs = policyAction === "show" || policyAction === "set" ? rest.slice(1) : rest;
  }
  const values = parseOptions(restArgs, KEY_OPTIONS, KEY_HELP);
  if (!values) return ExitCode.Ok;
  if (sub === "policy") return await policyCheck(values);
  const vault = requiredOption(values, "vault");
  if (sub === "restore" && values.name !== undefined) throw usageError("restore takes no --name: the backup carries the key's name.");
  const name = sub === "list" || sub === "restore" ? "" : requiredOption(values, "name");
  const format = outputFormat(values);
  checkKeyOptions(values);
  const context = createAzureContext(values);
  const client = new KeyClient(resolveVaultUrl(vault, context.cloud), keyVaultAuthorization(context));
  try {
    switch (sub) {
      case "get":
        printKey(await client.get(name, stringOption(values, "version")), format);
        return 0;
      case "list":
      case "versions": {
        const items = sub === "list" ? await client.list() : await client.versions(name);
        if (format === "table") {
          writeStdout(
            renderTable(items.map((i) => ({ Kid: i.kid, Enabled: i.attributes.enabled, Exportable: i.attributes.exportable ?? false })), [
              "Kid",
              "Enabled",
              "Exportable",
            ]),
          );
        } else printJson(items);
        return 0;
      }
      case "create":
        printKey(await client.create(name, await createBody(values, context)), format);
        return 0;
      case "release":
        return await release(values, context, client, name);
      case "rotate":
        printKey(await client.rotate(name), format);
        return 0;
      case "rotation-policy":
        printRotationPolicy(
          policyAction === "set"
            ? await client.setRotationPolicy(name, await readRotationPolicyFile(requiredOption(values, "file")))
            : await client.rotationPolicy(name),
          format,
        );
        return 0;
      case "backup":
        return await backup(values, client, name);
      case "restore":
        printKey(await client.restore(await readBackupFile(requiredOption(values, "file"))), format);
        return 0;
      default:
        printJson(await client.operation(name, stringOption(values, "version"), operationOf(sub), await operationBody(sub, values)));
        return 0;
    }
  } finally {
    context.http.close();
  }
}

function operationOf(sub: string): KeyOperation {
  return ({ wrap: "wrapkey", unwrap: "unwrapkey" } as Record<string, KeyOperation>)[sub] ?? sub as KeyOperation;
}

async function operationBody(sub: string, values: ParsedValues): Promise<Record<string, unknown>> {
  const alg = requiredOption(values, "alg");
  if (sub === "sign" || sub === "verify") {
    const digest = await digestFor(alg, values);
    return sub === "sign" ? { alg, value: digest } : { alg, digest, value: requiredOption(values, "signature") };
  }
  const value = requiredOption(values, "value");
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw usageError("--value must be base64url.");
  return { alg, value };
}

async function digestFor(alg: string, values: ParsedValues): Promise<string> {
  const digest = stringOption(values, "digest");
  const file = stringOption(values, "data-file");
  if ((digest === undefined) === (file === undefined)) throw usageError("Pass exactly one of --digest and --data-file.");
  if (digest !== undefined) return digest;
  const hash = ({
    RS256: "SHA-256",
    RS384: "SHA-384",
    RS512: "SHA-512",
    PS256: "SHA-256",
    PS384: "SHA-384",
    PS512: "SHA-512",
    ES256: "SHA-256",
    ES256K: "SHA-256",
    ES384: "SHA-384",
    ES512: "SHA-512",
  } as Record<string, string>)[alg];
  if (!hash) throw usageError(`Unknown signature algorithm '${alg}'.`);
  let data: Uint8Array<ArrayBuffer>;
  try {
    data = new Uint8Array(await readFileBounded(file!, DATA_FILE_MAX_BYTES, "--data-file"));
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw usageError(`Cannot read --data-file: ${(error as Error).message}.`);
  }
  return base64url.encode(new Uint8Array(await crypto.subtle.digest(hash, data)));
}

async function readPolicyFile(path: string): Promise<Record<string, unknown>> {
  const json = parseJsonInput(await readTextFileBounded(path, JSON_FILE_MAX_BYTES, "the policy"), `The policy '${path}'`);
  try {
    parsePolicy(json);
  } catch (error) {
    if (error instanceof PolicyError) throw usageError(`The policy '${path}' is invalid: ${error.message}`);
    throw error;
  }
  return json as Record<string, unknown>;
}

async function createBody(values: ParsedValues, context: AzureContext): Promise<Record<string, unknown>> {
  const kty = stringOption(values, "kty") ?? "RSA";
  if (!["RSA", "RSA-HSM", "EC", "EC-HSM"].includes(kty)) throw usageError(`Unknown key type '${kty}'.`, "Use RSA, RSA-HSM, EC or EC-HSM.");
  const size = stringOption(values, "size");
  const rsa = kty.startsWith("RSA");
  if (size !== undefined && (!rsa || !["2048", "3072", "4096"].includes(size))) {
    throw usageError(rsa ? `--size must be 2048, 3072 or 4096, got '${size}'.` : "--size is for RSA keys; EC keys take --curve.");
  }
  const curve = stringOption(values, "curve");
  if (curve !== undefined && (rsa || !["P-256", "P-256K", "P-384", "P-521"].includes(curve))) {
    throw usageError(rsa ? "--curve is for EC keys; RSA keys take --size." : `--curve must be P-256, P-256K, P-384 or P-521, got '${curve}'.`);
  }
  const policyFile = stringOption(values, "policy");
  const defaultPolicy = Boolean(values["default-cvm-policy"]);
  if (policyFile && defaultPolicy) throw usageError("Pass --policy or --default-cvm-policy, not both.");
  const policy = policyFile
    ? await readPolicyFile(policyFile)
    : defaultPolicy
    ? defaultCvmPolicy(maaEndpoint(stringOption(values, "maa"), context.cloud).origin)
    : undefined;
  const exportable = Boolean(values.exportable) || policy !== undefined;
  const ops = stringOption(values, "ops");
  return {
    kty,
    ...(size ? { key_size: Number(size) } : {}),
    ...(stringOption(values, "curve") ? { crv: stringOption(values, "curve") } : {}),
    ...(ops ? { key_ops: ops.split(",").map((o) => o.trim()) } : {}),
    attributes: { enabled: true, ...(exportable ? { exportable: true } : {}) },
    ...(policy
      ? {
        release_policy: {
          contentType: "application/json; charset=utf-8",
          immutable: Boolean(values.immutable),
          data: base64url.encode(JSON.stringify(policy)),
        },
      }
      : {}),
  };
}

function printKey(bundle: KeyBundle, format: string): void {
  if (format === "table") {
    writeStdout(
      renderProperties({
        Kid: bundle.key.kid,
        Kty: bundle.key.kty,
        KeyOps: (bundle.key.key_ops as string[] | undefined)?.join(","),
        Enabled: bundle.attributes.enabled,
        Exportable: bundle.attributes.exportable ?? false,
        ReleasePolicy: bundle.release_policy ? "yes" : "no",
      }),
    );
  } else printJson(bundle);
}

function printRotationPolicy(policy: KeyRotationPolicy, format: string): void {
  if (format !== "table") return printJson(policy);
  const actions = (policy.lifetimeActions ?? []).map((a) => {
    const t = a.trigger ?? {};
    return `${a.action?.type ?? "?"} ${t.timeAfterCreate ? `${t.timeAfterCreate} after create` : `${t.timeBeforeExpiry ?? "?"} before expiry`}`;
  });
  writeStdout(renderProperties({ Id: policy.id, ExpiryTime: policy.attributes?.expiryTime ?? "", LifetimeActions: actions.join("; ") }));
}

async function readRotationPolicyFile(path: string): Promise<KeyRotationPolicy> {
  const json = parseJsonInput(await readTextFileBounded(path, JSON_FILE_MAX_BYTES, "the rotation policy"), `The rotation policy '${path}'`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw usageError(`The rotation policy '${path}' must be a JSON object.`);
  const policy = json as Record<string, unknown>;
  if (policy.lifetimeActions !== undefined && !Array.isArray(policy.lifetimeActions)) {
    throw usageError(`The rotation policy '${path}' has a lifetimeActions that is not an array.`);
  }
  const attributes = policy.attributes;
  if (attributes !== undefined && (attributes === null || typeof attributes !== "object" || Array.isArray(attributes))) {
    throw usageError(`The rotation policy '${path}' has attributes that are not an object.`);
  }
  return policy as KeyRotationPolicy;
}

async function backup(values: ParsedValues, client: KeyClient, name: string): Promise<number> {
  const out = requiredOption(values, "out");
  if (out === "-") throw usageError("A key backup is binary: write it to a file with --out FILE, not stdout.");
  const force = Boolean(values.force);
  await checkPrivateFileTarget(out, force);
  const blob = base64url.decode(await client.backup(name));
  await writePrivateFile(out, blob, { overwrite: force });
  printJson({ name, out, bytes: blob.length });
  return 0;
}

async function readBackupFile(path: string): Promise<string> {
  let data: Uint8Array;
  try {
    data = await readFileBounded(path, DATA_FILE_MAX_BYTES, "the backup");
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw usageError(`Cannot read the backup '${path}': ${(error as Error).message}.`);
  }
  if (data.length === 0) throw usageError(`The backup '${path}' is empty.`);
  return base64url.encode(data);
}

async function readToken(path: string): Promise<string> {
  try {
    const text = path === "-"
      ? new TextDecoder().decode(await readStdinBounded(JWT_MAX_BYTES, "the attestation token"))
      : await readTextFileBounded(path, JWT_MAX_BYTES, "the attestation token");
    const token = text.trim();
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) throw new Error("not a JWT");
    return token;
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw usageError(`Cannot read an attestation token from '${path}': ${(error as Error).message}.`);
  }
}

/**
 * `key release`. The release machinery (node:crypto, X.509 chain checks, the attestation flow) is
 * loaded here, so no other key subcommand pays for it.
 */
async function release(values: ParsedValues, context: AzureContext, client: KeyClient, name: string): Promise<number> {
  const { isReleaseEnc, RELEASE_ENC } = await import("../skr/key_wrap.ts");
  const { loadTransferKey } = await import("../attestation/transfer_key.ts");
  const { attestWithFreshKey } = await import("../attestation/attest_flow.ts");
  const { releaseKey } = await import("../keyvault/key_release.ts");
  const out = requiredOption(values, "out");
  const format = stringOption(values, "format") ?? "pem";
  if (!["pem", "jwk", "der"].includes(format)) throw usageError(`Unknown --format '${format}'.`, "Use pem, jwk or der.");
  if (out === "-" && format === "der") throw usageError("DER is binary: write it to a file, not stdout.");
  const enc = stringOption(values, "enc") ?? "RSA_AES_KEY_WRAP_256";
  if (!isReleaseEnc(enc)) throw usageError(`Unknown --enc '${enc}'.`, `Use one of: ${Object.keys(RELEASE_ENC).join(", ")}.`);
  const tokenFile = stringOption(values, "attestation-token");
  const keyFile = stringOption(values, "transfer-key");
  if (Boolean(tokenFile) !== Boolean(keyFile)) throw usageError("--attestation-token and --transfer-key go together: the token must carry that transfer key.");
  if (out !== "-") await checkPrivateFileTarget(out, Boolean(values.force));
  const trustRoots = await readTrustRoots(listOption(values, "trust-root"), context);
  let token: string;
  let transfer: TransferKey;
  if (tokenFile) {
    token = await readToken(tokenFile);
    transfer = await loadTransferKey(keyFile!);
    const runtime = decodeJwtPayload(token)?.["x-ms-runtime"] as { keys?: unknown } | undefined;
    const keys = runtime !== null && typeof runtime === "object" && Array.isArray(runtime.keys) ? runtime.keys : [];
    if (!keys.some((k) => k !== null && typeof k === "object" && (k as { kid?: unknown }).kid === transfer.publicJwk.kid)) {
      throw usageError(
        "The attestation token's x-ms-runtime.keys does not carry this transfer key.",
        "Pass the transfer key that was attested with this token.",
      );
    }
  } else {
    const attestation = await attestWithFreshKey(
      context.http,
      context.cloud,
      maaEndpoint(stringOption(values, "maa"), context.cloud),
      stringOption(values, "nonce"),
    );
    token = attestation.token;
    transfer = attestation.transferKey;
  }
  const { privateKey, kid, kty } = await releaseKey(client, name, {
    version: stringOption(values, "version"),
    token,
    transfer,
    enc,
    nonce: stringOption(values, "nonce"),
    trustRoots,
  });
  await writeKey(privateKey, out, format, Boolean(values.force));
  if (out !== "-") {
    printJson({ kid, kty, enc, out, format, transferKeyId: transfer.publicJwk.kid });
  }
  return 0;
}

async function readTrustRoots(files: string[], context: AzureContext): Promise<string[]> {
  const paths = [...files, ...(context.cloud.caCertFile ? [context.cloud.caCertFile] : [])];
  const roots: string[] = [];
  for (const path of paths) {
    try {
      roots.push(await readTextFileBounded(path, PEM_MAX_BYTES, "trust root"));
    } catch (error) {
      if (error instanceof KvmiError) throw error;
      throw usageError(`Cannot read trust root '${path}': ${(error as Error).message}.`);
    }
  }
  return roots;
}

async function writeKey(privateKey: KeyObject, out: string, format: string, force: boolean): Promise<void> {
  const data: Uint8Array | string = format === "pem"
    ? privateKey.export({ type: "pkcs8", format: "pem" }) as string
    : format === "jwk"
    ? JSON.stringify(privateKey.export({ format: "jwk" }), null, 2) + "\n"
    : new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
  if (out === "-") {
    writeStdout(typeof data === "string" ? data : "");
    return;
  }
  await checkPrivateFileTarget(out, force);
  await writePrivateFile(out, typeof data === "string" ? new TextEncoder().encode(data) : data, { overwrite: force });
}

async function policyCheck(values: ParsedValues): Promise<number> {
  const policy = parsePolicy(await readPolicyFile(requiredOption(values, "policy")));
  const claims = decodeJwtPayload(await readToken(requiredOption(values, "token")));
  if (!claims) throw usageError("The token's payload is not JSON.");
  const result = evaluatePolicy(policy, claims);
  const exp = typeof claims.exp === "number" ? claims.exp : undefined;
  const expired = exp !== undefined && (exp <= Date.now() / 1000 || !(Math.abs(exp) < 8.64e12));
  if (stringOption(values, "output") === "json") {
    printJson({ allowed: result.allowed && !expired, authority: result.authority ?? null, expired, conditions: result.trace, reason: result.reason ?? null });
  } else {
    for (const t of result.trace) writeStdout(`[${t.held ? "HELD" : "FAILED"}] ${t.path}: ${t.detail}\n`);
    if (expired) {
      writeStdout(`[FAILED] token: ${Math.abs(exp!) < 8.64e12 ? `expired at ${new Date(exp! * 1000).toISOString()}` : `exp ${exp} is not a usable time`}\n`);
    }
    writeStdout(
      result.allowed && !expired
        ? "The policy would release the key to this attestation.\n"
        : `The policy would NOT release the key: ${expired ? "the token has expired." : result.reason}\n`,
    );
  }
  return result.allowed && !expired ? 0 : ExitCode.Forbidden;
}

/** Validates, before anything is sent, the options Key Vault would otherwise reject (or kvmi silently ignore). */
function checkKeyOptions(values: ParsedValues): void {
  const version = stringOption(values, "version");
  if (version !== undefined) checkVersion(version);
  for (const option of ["digest", "signature"]) {
    const value = stringOption(values, option);
    if (value !== undefined && !/^[A-Za-z0-9_-]+$/.test(value)) throw usageError(`--${option} must be base64url.`);
  }
  const ops = stringOption(values, "ops");
  const known = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export"];
  if (ops !== undefined && !ops.split(",").every((o) => known.includes(o.trim()))) {
    throw usageError(`--ops takes a comma-separated list of ${known.join(", ")}.`);
  }
  checkNonce(stringOption(values, "nonce"));
}
