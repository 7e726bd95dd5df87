/**
 * `kvmi cert list|show|versions|download|import|create|delete|recover|purge`: Key Vault
 * certificates. A private key is read only with `download --with-key` (from the certificate's
 * backing secret), written only to an owner-only file or, with `--out -`, to stdout; a PFX password
 * comes from a file or stdin, never the command line. The PKCS#12 and X.509 libraries load only in
 * the subcommands that use them (download, import, create, table output), so `list`, `show -o json`,
 * `delete` and `--help` never pay for them.
 * @module
 */
import { readFileBounded, readStdinBounded } from "../core/bounded_read.ts";
import { CERTIFICATE_FILE_MAX_BYTES, JSON_FILE_MAX_BYTES, PASSWORD_MAX_BYTES } from "../core/limits.ts";
import { parseJsonInput } from "../core/json_input.ts";
import { checkPrivateFileTarget, writePrivateFile } from "../core/private_file.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { writeStdout } from "../core/stdio.ts";
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  type OptionSpecs,
  outputFormat,
  type ParsedValues,
  parseOptions,
  requiredOption,
  stringOption,
  subcommandHelp,
} from "../cli/args.ts";
import { type OutputFormat, printJson, renderProperties, renderTable, tableTime } from "../cli/output.ts";
import { decodeBase64, encodeBase64, hex } from "../keyvault/base64.ts";
import { type CertificateBundle, CertificateClient, type CertificatePolicy, PKCS12_CONTENT_TYPE } from "../keyvault/certificate_client.ts";
import type { CertificateMaterial } from "../keyvault/certificate_export.ts";
import { waitForCertificate } from "../keyvault/certificate_wait.ts";
import { CERTIFICATE_KEY_ROLE } from "../keyvault/data_action_roles.ts";
import { looksLikePem, toPem } from "../keyvault/pem.ts";
import { checkObjectName, checkVersion, objectIdParts, resolveVaultUrl } from "../keyvault/vault_address.ts";
import { createAzureContext, keyVaultAuthorization, timeoutMs } from "./context.ts";

/** Help text. */
export const CERT_HELP = `Usage: kvmi cert <subcommand> --vault NAME|URL [options]

Key Vault certificates with the machine's identity.

Subcommands:
  list                                   List certificates (names, thumbprints, attributes)
  show      --name N [--version V]       Print a certificate (-o raw: its PEM, no key)
  versions  --name N                     List the versions of a certificate
  download  --name N [--version V] --out FILE|- [--format pem|pfx] [--with-key]
            [--password-file F] [--force]
            Write the certificate and, with --with-key, its private key (read from the
            certificate's backing secret: needs Key Vault Certificate User). FILE is created
            owner-only (0600) and never replaced without --force; --out - writes to stdout
            (pem as text, pfx as one line of base64). A pfx has an empty password unless
            --password-file gives one. pem with a key is the PKCS#8 key, then the certificates.
            kvmi writes a pfx of its own (a password, or no key) for RSA certificates only;
            an EC certificate downloads as pem, or with --with-key as Key Vault's own pfx.
  import    --name N --file F [--password-file F]
            Import a PFX or PEM (key and certificates) as a new version. The PFX password
            (or an encrypted PEM key's) comes from --password-file or stdin, never the
            command line. stdin is read only when the file does not open without a password
            and stdin is not a terminal, and must arrive within --timeout.
  create    --name N (--subject "CN=..." [--validity-months N] | --policy FILE) [--no-wait]
            Create a self-signed certificate with an exportable RSA 2048 key (12 months by
            default), or with the full certificate policy in FILE (JSON, as the REST API takes
            it), and wait until Key Vault has made it (--no-wait prints the pending operation,
            as does a policy whose issuer is not Self: Unknown waits for its CSR to be signed
            and merged, a named issuer for its CA).
  delete    --name N                     Soft-delete a certificate (with its key and secret)
  recover   --name N                     Recover a deleted certificate
  purge     --name N                     Permanently delete a deleted certificate

Options:
  --vault NAME|URL      Vault name (resolved in the current cloud) or https URL
${IDENTITY_HELP}
${COMMON_HELP}

Output: json (default) is the certificate bundle as the Key Vault REST API returns it (id, kid,
sid, x5t, cer, policy, attributes, ...); table shows subject, thumbprint and validity. download
prints what it wrote (never the key) unless --out -. Roles: Key Vault Certificate User reads
certificates and their keys; Key Vault Certificates Officer creates, imports and deletes them
(but cannot read a key).

Examples:
  kvmi cert create --vault kv-demo --name web --subject "CN=web.contoso.com" --validity-months 6
  kvmi cert show --vault kv-demo --name web -o table
  kvmi cert download --vault kv-demo --name web --format pem --with-key --out ./web.pem
  kvmi cert import --vault kv-demo --name web --file ./web.pfx --password-file ./web.pwd
  printf '%s' "$PFX_PASSWORD" | kvmi cert import --vault kv-demo --name web --file ./web.pfx
`;

const CERT_OPTIONS: OptionSpecs = {
  ...COMMON_OPTIONS,
  ...IDENTITY_OPTIONS,
  vault: { type: "string" },
  name: { type: "string" },
  version: { type: "string" },
  subject: { type: "string" },
  "validity-months": { type: "string" },
  policy: { type: "string" },
  "no-wait": { type: "boolean" },
  format: { type: "string" },
  "with-key": { type: "boolean" },
  out: { type: "string" },
  force: { type: "boolean" },
  file: { type: "string" },
  "password-file": { type: "string" },
};

const SUBCOMMANDS = ["list", "show", "versions", "download", "import", "create", "delete", "recover", "purge"];

/** Options each subcommand takes besides --vault, --name, identity and common ones. */
const OWN_OPTIONS: Record<string, string[]> = {
  show: ["version"],
  download: ["version", "format", "with-key", "out", "force", "password-file"],
  import: ["file", "password-file"],
  create: ["subject", "validity-months", "policy", "no-wait"],
};

const SPECIFIC = ["version", "subject", "validity-months", "policy", "no-wait", "format", "with-key", "out", "force", "file", "password-file"];

/** Runs `kvmi cert ...`. */
export async function runCert(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, CERT_HELP);
  if (helped !== undefined) return helped;
  if (!SUBCOMMANDS.includes(sub)) throw usageError(`Unknown cert subcommand '${sub}'.`, `Use one of: ${SUBCOMMANDS.join(", ")}.`);
  const values = parseOptions(rest, CERT_OPTIONS, CERT_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  checkApplicable(sub, values);
  const vault = requiredOption(values, "vault");
  const name = sub === "list" ? "" : checkObjectName(requiredOption(values, "name"), "certificate");
  const version = stringOption(values, "version");
  if (version !== undefined) checkVersion(version);
  // Everything the user typed (and every file) is checked before any network call.
  const download = sub === "download" ? await downloadRequest(values) : undefined;
  const imported = sub === "import" ? await importRequest(values) : undefined;
  const policy = sub === "create" ? await createPolicy(values) : undefined;
  const context = createAzureContext(values);
  const client = new CertificateClient(resolveVaultUrl(vault, context.cloud), keyVaultAuthorization(context));
  try {
    switch (sub) {
      case "list":
        await printList(await client.list(), format);
        break;
      case "versions":
        await printList(await client.listVersions(name), format);
        break;
      case "show":
        await printCertificate(await client.get(name, version), format);
        break;
      case "download":
        await runDownload(client, name, version, download!, format);
        break;
      case "import":
        await printCertificate(await client.import(name, imported!), format);
        break;
      case "create": {
        const operation = await client.create(name, policy!);
        // Only a Self-issued certificate completes on its own; Unknown waits for a merge of a certificate signed
        // elsewhere and a named issuer for its CA: waiting here could never end, so the operation is printed.
        if (values["no-wait"] || (operation.issuer?.name ?? "Self").toLowerCase() !== "self") printJson(operation);
        else await printCertificate(await waitForCertificate(client, name, operation), format);
        break;
      }
      case "delete":
        await printCertificate(await client.delete(name), format);
        break;
      case "recover":
        await printCertificate(await client.recover(name), format);
        break;
      case "purge":
        await client.purge(name);
        if (format === "json") printJson({ purged: true, name });
        break;
    }
  } catch (error) {
    throw withCertificateHint(error);
  } finally {
    context.http.close();
  }
  return 0;
}

/** Key Vault's shared hints name the secret commands; a deleted certificate is recovered or purged with cert's own. */
function withCertificateHint(error: unknown): unknown {
  if (!(error instanceof KvmiError) || error.code !== "ObjectIsDeletedButRecoverable") return error;
  return new KvmiError(error.message, {
    code: error.code,
    status: error.status,
    kind: error.kind,
    hint: "The name belongs to a deleted certificate: recover it with `kvmi cert recover` or purge it with `kvmi cert purge` first.",
  });
}

/** An option given to a subcommand that does not take it is a usage error, not silently ignored. */
function checkApplicable(sub: string, values: ParsedValues): void {
  const own = OWN_OPTIONS[sub] ?? [];
  const stray = SPECIFIC.find((o) => values[o] !== undefined && !own.includes(o));
  if (stray) throw usageError(`cert ${sub} does not take --${stray}.`, "Run 'kvmi cert --help' to see each subcommand's options.");
}

interface DownloadRequest {
  out: string;
  format: "pem" | "pfx";
  withKey: boolean;
  password: string;
  force: boolean;
}

async function downloadRequest(values: ParsedValues): Promise<DownloadRequest> {
  const out = requiredOption(values, "out");
  const format = stringOption(values, "format") ?? "pem";
  if (format !== "pem" && format !== "pfx") throw usageError(`Unknown --format '${format}'.`, "Use pem or pfx.");
  const passwordFile = stringOption(values, "password-file");
  if (passwordFile !== undefined && format !== "pfx") throw usageError("--password-file protects a pfx; a pem key is written unencrypted.");
  if (out !== "-") await checkPrivateFileTarget(out, Boolean(values.force));
  const password = passwordFile === undefined ? "" : await readPassword(passwordFile);
  return { out, format, withKey: Boolean(values["with-key"]), password, force: Boolean(values.force) };
}

async function runDownload(client: CertificateClient, name: string, version: string | undefined, request: DownloadRequest, format: OutputFormat) {
  const bundle = request.withKey ? await keyRoleOnRefusal(name, client.get(name, version)) : await client.get(name, version);
  if (!bundle.cer) {
    throw new KvmiError(`Certificate '${name}' has no certificate yet: its creation is still pending.`, {
      code: "CertificatePending",
      kind: "other",
      hint: `Wait for it ('kvmi cert show --name ${name}' shows a cer when it is ready).`,
    });
  }
  const { certificateOnly, renderPem, renderPfx } = await import("../keyvault/certificate_export.ts");
  const { Pkcs12Error } = await import("../keyvault/pkcs12.ts");
  const material = request.withKey ? await keyMaterial(client, name, bundle) : certificateOnly(bundle);
  let data: Uint8Array;
  try {
    data = request.format === "pem"
      ? new TextEncoder().encode(renderPem(material))
      : request.out === "-"
      ? new TextEncoder().encode(encodeBase64(renderPfx(material, request.password, name)) + "\n")
      : renderPfx(material, request.password, name);
  } catch (error) {
    if (error instanceof Pkcs12Error) {
      throw new KvmiError(`Cannot write certificate '${name}' as pfx: ${error.message}.`, {
        code: "UnsupportedKeyType",
        kind: "other",
        hint: "Use --format pem.",
      });
    }
    throw error;
  }
  if (request.out === "-") {
    writeStdout(new TextDecoder().decode(data));
    return;
  }
  await writePrivateFile(request.out, data, { overwrite: request.force });
  const summary = {
    name,
    version: objectIdParts(bundle.id).version,
    x5t: bundle.x5t,
    thumbprint: bundle.x5t ? hex(decodeBase64(bundle.x5t)) : undefined,
    format: request.format,
    withKey: Boolean(material.keyPkcs8),
    out: request.out,
  };
  if (format === "table") writeStdout(renderProperties(summary));
  else printJson(summary);
}

/** The key and chain from the backing secret; a refusal names the role that reads certificate keys. */
async function keyMaterial(client: CertificateClient, name: string, bundle: CertificateBundle): Promise<CertificateMaterial> {
  const { materialFromSecret } = await import("../keyvault/certificate_export.ts");
  let material: CertificateMaterial;
  try {
    material = materialFromSecret(await keyRoleOnRefusal(name, client.backingSecret(bundle)));
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw new KvmiError(`The backing secret of certificate '${name}' cannot be read: ${(error as Error).message}.`, { code: "InvalidResponse", kind: "other" });
  }
  if (!material.keyPkcs8) {
    throw new KvmiError(`Certificate '${name}' has no exportable private key (its policy has key_props.exportable false); Key Vault keeps the key.`, {
      code: "KeyNotExportable",
      kind: "other",
      hint: "Download without --with-key for the certificate alone, or sign with 'kvmi key sign' on the certificate's key.",
    });
  }
  return material;
}

/**
 * `download --with-key` needs the certificate and its backing secret: a ForbiddenByRbac for either
 * names Key Vault Certificate User, the one role that grants both (not the role for the single action).
 */
async function keyRoleOnRefusal<T>(name: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (!(error instanceof KvmiError) || error.code !== "ForbiddenByRbac") throw error;
    const role = CERTIFICATE_KEY_ROLE;
    throw new KvmiError(`${error.message} Downloading certificate '${name}' with its private key reads the certificate and its backing secret.`, {
      code: error.code,
      status: error.status,
      kind: error.kind,
      hint: `Assign '${role.name}' (${role.id}) to this identity at the vault or certificate scope (Key Vault Certificates Officer cannot read keys).`,
    });
  }
}

async function importRequest(values: ParsedValues) {
  const file = requiredOption(values, "file");
  const bytes = await readFileBounded(file, CERTIFICATE_FILE_MAX_BYTES, "--file");
  const passwordFile = stringOption(values, "password-file");
  const { CertificateFileError, prepareImport } = await import("../keyvault/certificate_import.ts");
  const prepare = (password: string) => {
    try {
      return prepareImport(bytes, password);
    } catch (error) {
      if (error instanceof CertificateFileError) {
        const needsPassword = /password/.test(error.message);
        throw usageError(
          `Cannot import '${file}': ${error.message}.`,
          needsPassword ? "Give the password on stdin or with --password-file (never on the command line)." : undefined,
        );
      }
      throw error;
    }
  };
  if (passwordFile !== undefined) return prepare(await readPassword(passwordFile));
  // stdin is read only when the file needs a password (a PFX or PEM key that does not open
  // without one) and is not a terminal, and then within the command's deadline.
  const head = new TextDecoder().decode(bytes.subarray(0, 64 * 1024));
  const mayNeedPassword = !looksLikePem(head.replace(/^\uFEFF/, "")) || head.includes("ENCRYPTED");
  if (!mayNeedPassword || Deno.stdin.isTerminal()) return prepare("");
  try {
    return prepare("");
  } catch (error) {
    if (!(error instanceof KvmiError) || !/password/.test(error.message)) throw error;
  }
  return prepare(await readStdinPassword(timeoutMs(stringOption(values, "timeout"))));
}

/** Reads a password file: its content without one trailing line break. */
async function readPassword(path: string): Promise<string> {
  return withoutLineBreak(decodePassword(await readFileBounded(path, PASSWORD_MAX_BYTES, "--password-file")));
}

/** The password on stdin; stdin that neither sends one nor closes within `waitMs` is a usage error, not a hang. */
async function readStdinPassword(waitMs: number): Promise<string> {
  const timeout = AbortSignal.timeout(waitMs);
  const late = new Promise<never>((_resolve, reject) =>
    timeout.addEventListener("abort", () =>
      reject(usageError(
        `No password arrived on stdin within ${Math.round(waitMs / 1000)} s (stdin is open but sends nothing).`,
        "Give the password with --password-file, or pipe it in and close stdin.",
      )))
  );
  const bytes = await Promise.race([readStdinBounded(PASSWORD_MAX_BYTES, "The password"), late]);
  return withoutLineBreak(decodePassword(bytes));
}

function decodePassword(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw usageError("The password is not valid UTF-8.");
  }
}

function withoutLineBreak(text: string): string {
  return text.replace(/\r?\n$/, "");
}

async function createPolicy(values: ParsedValues): Promise<CertificatePolicy> {
  const policyFile = stringOption(values, "policy");
  const subject = stringOption(values, "subject");
  const months = stringOption(values, "validity-months");
  if (policyFile !== undefined) {
    if (subject !== undefined || months !== undefined) {
      throw usageError("--policy is the whole policy: pass --subject and --validity-months in it, not beside it.");
    }
    const text = new TextDecoder().decode(await readFileBounded(policyFile, JSON_FILE_MAX_BYTES, "--policy"));
    const policy = parseJsonInput(text, `The policy '${policyFile}'`);
    if (policy === null || typeof policy !== "object" || Array.isArray(policy)) throw usageError(`The policy '${policyFile}' is not a JSON object.`);
    return policy as CertificatePolicy;
  }
  if (subject === undefined) throw usageError('cert create needs --subject "CN=..." or --policy FILE.');
  return selfSignedPolicy(await checkSubject(subject), months === undefined ? 12 : checkMonths(months));
}

/** The policy of a self-signed certificate with an exportable RSA 2048 key, stored as a PFX. */
export function selfSignedPolicy(subject: string, validityMonths: number): CertificatePolicy {
  return {
    key_props: { exportable: true, kty: "RSA", key_size: 2048, reuse_key: false },
    secret_props: { contentType: PKCS12_CONTENT_TYPE },
    x509_props: { subject, validity_months: validityMonths },
    issuer: { name: "Self" },
  };
}

async function checkSubject(subject: string): Promise<string> {
  const x509 = await loadX509();
  let rdns: Record<string, string[]>[] = [];
  try {
    if (/\p{Cc}/u.test(subject) || subject.length > 1024) throw new Error("control characters or too long");
    // Key Vault keeps the case the subject was sent in ("cn=x" works); @peculiar/x509 knows upper-case types only.
    const upper = subject.replace(/(^|[,;+]\s*)([A-Za-z][A-Za-z0-9]*)\s*=/g, (_m, sep: string, type: string) => `${sep}${type.toUpperCase()}=`);
    rdns = new x509.Name(upper).toJSON() as Record<string, string[]>[];
  } catch { /* reported below */ }
  if (rdns.length === 0 || rdns.some((rdn) => Object.values(rdn).some((values) => values.some((v) => v.trim() === "")))) {
    throw usageError(
      `--subject ${JSON.stringify(subject.slice(0, 80))} is not an X.500 name.`,
      'Use a distinguished name such as "CN=web.contoso.com, O=Contoso".',
    );
  }
  return subject;
}

function checkMonths(text: string): number {
  const months = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(months >= 1 && months <= 1200)) throw usageError(`--validity-months must be a whole number of months from 1 to 1200, got '${text}'.`);
  return months;
}

/** The name and version encoded in a certificate id URL. */
type X509 = typeof import("@peculiar/x509");

/** @peculiar/x509 (which needs reflect-metadata first), loaded only where a subject is read or checked. */
async function loadX509(): Promise<X509> {
  await import("reflect-metadata");
  return await import("@peculiar/x509");
}

function subjectOf(x509: X509, bundle: CertificateBundle): string | undefined {
  try {
    return bundle.cer ? new x509.X509Certificate(decodeBase64(bundle.cer) as Uint8Array<ArrayBuffer>).subject : undefined;
  } catch {
    return undefined;
  }
}

function summary(x509: X509, bundle: CertificateBundle): Record<string, unknown> {
  const { name, version } = objectIdParts(bundle.id ?? bundle.recoveryId ?? "");
  const subject = subjectOf(x509, bundle);
  return {
    Name: name,
    Version: version,
    Subject: subject ?? (bundle.cer ? "" : bundle.x5t ? "" : "(pending)"),
    Thumbprint: bundle.x5t ? hex(decodeBase64(bundle.x5t)) : "",
    NotBefore: tableTime(bundle.attributes?.nbf),
    NotAfter: tableTime(bundle.attributes?.exp),
    Enabled: bundle.attributes?.enabled,
    ...(bundle.deletedDate ? { Deleted: tableTime(bundle.deletedDate), PurgeDate: tableTime(bundle.scheduledPurgeDate) } : {}),
  };
}

async function printCertificate(bundle: CertificateBundle, format: OutputFormat): Promise<void> {
  if (format === "raw") writeStdout(bundle.cer ? toPem("CERTIFICATE", decodeBase64(bundle.cer)) : "");
  else if (format === "table") writeStdout(renderProperties(summary(await loadX509(), bundle)));
  else printJson(bundle);
}

async function printList(items: CertificateBundle[], format: OutputFormat): Promise<void> {
  if (format === "table") {
    const x509 = await loadX509();
    const rows = items.map((item) => summary(x509, item));
    const columns = rows.some((r) => r.Version) ? ["Name", "Version", "Thumbprint", "Enabled", "NotAfter"] : ["Name", "Thumbprint", "Enabled", "NotAfter"];
    writeStdout(renderTable(rows, columns));
  } else if (format === "raw") writeStdout(items.map((i) => i.id).join("\n") + (items.length ? "\n" : ""));
  else printJson(items);
}
