/**
 * `kvmi inject --in TEMPLATE --out FILE [--force]`: replaces `{{ REF }}` placeholders in a text
 * file with the secrets they reference and writes the result owner-only, all at once or not at all.
 * @module
 */
import { COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, type OptionSpecs, parseOptions, requiredOption } from "../cli/args.ts";
import { fillTemplate, findPlaceholders } from "../cli/template.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { fileExistsError, writePrivateFile } from "../core/private_file.ts";
import { writeStdout } from "../core/stdio.ts";
import { type LabelledReference, resolveSecretReferences } from "../keyvault/secret_resolver.ts";
import { looksLikeSecretReference, parseSecretReference, type SecretReference } from "../keyvault/secret_reference.ts";
import { createAzureContext, keyVaultAuthorization } from "./context.ts";

/** Help text. */
export const INJECT_HELP = `Usage: kvmi inject --in TEMPLATE --out FILE [--force] [options]

Replaces each {{ REF }} in a UTF-8 text file with the secret REF names and writes the result
readable by its owner only (mode 0600; on Windows an ACL granting only the current user). Every
reference is resolved before anything is written; the file is written to a temporary file in the
same folder and renamed, so FILE is either complete or untouched. {{ ... }} that does not hold a
reference (kv://... or @Microsoft.KeyVault(...)) is left as written. Values go in verbatim (not
escaped for JSON, XML or INI).

References:
  kv://VAULT/SECRET[/VERSION]
  @Microsoft.KeyVault(SecretUri=https://VAULT.vault.azure.net/secrets/SECRET[/VERSION])
  @Microsoft.KeyVault(VaultName=VAULT;SecretName=SECRET[;SecretVersion=VERSION])

Options:
  --in TEMPLATE         The template (UTF-8 text)
  --out FILE            Where to write; '-' writes to stdout, only with --allow-stdout
  --force               Replace FILE if it exists (otherwise kvmi refuses and writes nothing)
  --allow-stdout        Allow --out - (the secrets then appear wherever stdout goes)
${IDENTITY_HELP}
  --verbose             Log requests on stderr (never a value)
  -h, --help            Show this help

Exit codes: 0 written; 1 FILE exists (without --force) or cannot be written; 2 usage error
(bad option or reference, unreadable template); 3 authentication; 4 forbidden; 5 secret not
found; 6 throttled or unavailable.

Examples:
  kvmi inject --in app.conf.tmpl --out app.conf
  kvmi inject --in appsettings.template.json --out C:\\app\\appsettings.json --force
  kvmi inject --in env.tmpl --out - --allow-stdout | docker login --password-stdin ...
`;

const INJECT_OPTIONS: OptionSpecs = {
  help: COMMON_OPTIONS.help,
  verbose: COMMON_OPTIONS.verbose,
  ...IDENTITY_OPTIONS,
  in: { type: "string" },
  out: { type: "string" },
  force: { type: "boolean" },
  "allow-stdout": { type: "boolean" },
};

/** Runs `kvmi inject ...`. */
export async function runInject(args: string[]): Promise<number> {
  const values = parseOptions(args, INJECT_OPTIONS, INJECT_HELP);
  if (!values) return 0;
  const input = requiredOption(values, "in");
  const out = requiredOption(values, "out");
  const force = Boolean(values.force);
  if (out === "-" && !values["allow-stdout"]) {
    throw usageError("--out - writes the secrets to stdout: add --allow-stdout if that is meant.", "Or write to a file: --out FILE (owner-only).");
  }
  if (out !== "-" && !force && await exists(out)) throw fileExistsError(out);
  const template = await readTemplate(input);
  const placeholders = findPlaceholders(template, looksLikeSecretReference);
  const references: LabelledReference[] = placeholders.map((p) => ({ label: `${input}:${p.line}`, reference: parseAt(p.inner, `${input}:${p.line}`) }));
  const context = createAzureContext(values);
  let resolved: string[];
  try {
    resolved = references.length ? await resolveSecretReferences(references, keyVaultAuthorization(context)) : [];
  } finally {
    context.http.close();
  }
  const text = fillTemplate(template, placeholders, resolved);
  if (out === "-") writeStdout(text);
  else await writePrivateFile(out, new TextEncoder().encode(text), { overwrite: force });
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function readTemplate(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw usageError(`Cannot read --in '${path}': ${(error as Error).message}.`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw usageError(`The template '${path}' is not valid UTF-8.`, "Save it as UTF-8.");
  }
}

function parseAt(inner: string, where: string): SecretReference {
  try {
    return parseSecretReference(inner);
  } catch (error) {
    if (error instanceof KvmiError) throw new KvmiError(`${where}: ${error.message}`, { code: error.code, kind: error.kind, hint: error.hint });
    throw error;
  }
}
