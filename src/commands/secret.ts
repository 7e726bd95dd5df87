/**
 * `kvmi secret get|list|versions|set|update|delete|recover|purge|show-deleted`.
 * Values are read from stdin or a file, never from the command line; table output never shows them.
 * @module
 */
import { readFileBounded, readStdinBounded } from "../core/bounded_read.ts";
import { SECRET_VALUE_MAX_BYTES, SECRET_VALUE_MAX_CHARS } from "../core/limits.ts";
import { type SecretBundle, SecretClient, type SecretProperties } from "../keyvault/secret_client.ts";
import { checkVersion, objectIdParts, resolveVaultUrl } from "../keyvault/vault_address.ts";
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
import { usageError } from "../core/errors.ts";
import { type OutputFormat, printJson, renderProperties, renderTable, tableTime } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { createAzureContext, keyVaultAuthorization } from "./context.ts";

/** Help text. */
export const SECRET_HELP = `Usage: kvmi secret <subcommand> --vault NAME|URL [options]

Key Vault secrets with the machine's identity.

Subcommands:
  get           --name N [--version V]   Print a secret (-o raw prints only the value)
  list                                   List secrets (names and attributes, no values)
  versions      --name N                 List the versions of a secret
  set           --name N [--file F]      Set a new version; the value comes from --file or stdin
                [--content-type T] [--tag K=V ...] [--disabled] [--expires DATE] [--not-before DATE]
                [--allow-empty]          (an empty value is refused without it)
  update        --name N [--version V]   Change attributes: [--enabled true|false] [--content-type T]
                [--tag K=V ...] [--expires DATE] [--not-before DATE]
  delete        --name N                 Soft-delete a secret (recoverable until purged)
  show-deleted  [--name N]               Show one deleted secret, or list them all
  recover       --name N                 Recover a deleted secret
  purge         --name N                 Permanently delete a deleted secret

Options:
  --vault NAME|URL      Vault name (resolved in the current cloud) or https URL
${IDENTITY_HELP}
${COMMON_HELP}

Output: json (default) is the secret bundle as the Key Vault REST API returns it (value, id,
attributes, contentType, tags); raw prints only the value, byte for byte; table never shows values.
set prints the new version's bundle without its value.

Examples:
  kvmi secret get --vault kv-demo --name secret-for-vm -o raw
  printf '%s' "$PASSWORD" | kvmi secret set --vault kv-demo --name db-password
  kvmi secret set --vault kv-demo --name api-key --file ./api-key.txt --content-type text/plain
`;

const SECRET_OPTIONS: OptionSpecs = {
  ...COMMON_OPTIONS,
  ...IDENTITY_OPTIONS,
  vault: { type: "string" },
  name: { type: "string" },
  version: { type: "string" },
  file: { type: "string" },
  "content-type": { type: "string" },
  tag: { type: "string", multiple: true },
  disabled: { type: "boolean" },
  enabled: { type: "string" },
  expires: { type: "string" },
  "not-before": { type: "string" },
  "allow-empty": { type: "boolean" },
};

const SUBCOMMANDS = ["get", "list", "versions", "set", "update", "delete", "show-deleted", "recover", "purge"];

/** Runs `kvmi secret ...`. */
export async function runSecret(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, SECRET_HELP);
  if (helped !== undefined) return helped;
  if (!SUBCOMMANDS.includes(sub)) throw usageError(`Unknown secret subcommand '${sub}'.`, `Use one of: ${SUBCOMMANDS.join(", ")}.`);
  const values = parseOptions(rest, SECRET_OPTIONS, SECRET_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const vault = requiredOption(values, "vault");
  const name = () => requiredOption(values, "name");
  // Validate everything the user typed before any network call.
  const properties = sub === "set" || sub === "update" ? readProperties(values, sub) : {};
  const version = stringOption(values, "version");
  if (version !== undefined) checkVersion(version);
  const value = sub === "set" ? await readSecretValue(stringOption(values, "file"), Boolean(values["allow-empty"])) : "";
  const context = createAzureContext(values);
  const client = new SecretClient(resolveVaultUrl(vault, context.cloud), keyVaultAuthorization(context));
  try {
    switch (sub) {
      case "get":
        printSecret(await client.get(name(), stringOption(values, "version")), format);
        break;
      case "list":
        printList(await client.list(), format);
        break;
      case "versions":
        printList(await client.listVersions(name()), format);
        break;
      case "set":
        printSecret(withoutValue(await client.set(name(), value, properties)), format);
        break;
      case "update":
        printSecret(withoutValue(await client.update(name(), stringOption(values, "version"), properties)), format);
        break;
      case "delete":
        printSecret(await client.delete(name()), format);
        break;
      case "show-deleted":
        if (stringOption(values, "name")) printSecret(await client.getDeleted(name()), format);
        else printList(await client.listDeleted(), format);
        break;
      case "recover":
        printSecret(withoutValue(await client.recover(name())), format);
        break;
      case "purge":
        await client.purge(name());
        if (format === "json") printJson({ purged: true, name: name() });
        break;
    }
  } finally {
    context.http.close();
  }
  return 0;
}

/**
 * Reads the secret value from a file or from piped stdin, exactly as given (UTF-8). An empty value
 * is refused unless `allowEmpty`: a scheduled task with no input must not blank a secret.
 */
export async function readSecretValue(file: string | undefined, allowEmpty = false): Promise<string> {
  let bytes: Uint8Array;
  if (file !== undefined) {
    bytes = await readFileBounded(file, SECRET_VALUE_MAX_BYTES, "--file");
  } else {
    if (Deno.stdin.isTerminal()) {
      throw usageError(
        "No secret value: pipe it on stdin or pass --file.",
        "Secret values are never taken from the command line, where other users and logs can see them.",
      );
    }
    bytes = await readStdinBounded(SECRET_VALUE_MAX_BYTES, "The secret value");
  }
  let value: string;
  try {
    // A leading BOM is dropped (the one exception to "byte for byte": Windows PowerShell 5.1 adds one when it pipes).
    value = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw usageError("The secret value is not valid UTF-8.", "Key Vault secrets are text; base64-encode binary data first.");
  }
  if (value.length === 0 && !allowEmpty) {
    const bom = bytes.length > 0 ? " (only a byte order mark)" : "";
    throw usageError(
      `The secret value is empty (${file === undefined ? "nothing on stdin" : `'${file}' is empty`}${bom}); nothing was changed.`,
      "Pass --allow-empty to really set an empty value.",
    );
  }
  if (value.length > SECRET_VALUE_MAX_CHARS) {
    throw usageError(`The secret value is ${value.length} characters; Key Vault allows at most ${SECRET_VALUE_MAX_CHARS}.`);
  }
  return value;
}

function readProperties(values: ParsedValues, sub: string): SecretProperties {
  const enabled = stringOption(values, "enabled");
  if (enabled !== undefined && enabled !== "true" && enabled !== "false") throw usageError("--enabled takes true or false.");
  if (sub === "set" && enabled !== undefined) throw usageError("Use --disabled with set; --enabled is for update.");
  if (values.disabled && enabled !== undefined) throw usageError("--disabled and --enabled contradict each other; pass one of them.");
  const tags = listOption(values, "tag");
  const contentType = stringOption(values, "content-type");
  if (contentType !== undefined && contentType.length > 255) throw usageError("--content-type is longer than 255 characters, Key Vault's limit.");
  return {
    contentType,
    tags: tags.length ? parseTags(tags) : undefined,
    enabled: values.disabled ? false : enabled === undefined ? undefined : enabled === "true",
    exp: parseDate(values, "expires"),
    nbf: parseDate(values, "not-before"),
  };
}

function parseTags(tags: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const tag of tags) {
    const eq = tag.indexOf("=");
    if (eq <= 0) throw usageError(`Tag '${tag}' must look like KEY=VALUE.`);
    if (eq > 256 || tag.length - eq - 1 > 256) throw usageError("Tag names and values are at most 256 characters.");
    result[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  if (Object.keys(result).length > 15) throw usageError("Key Vault allows at most 15 tags.");
  return result;
}

function parseDate(values: ParsedValues, name: string): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || ms < 0 || ms > Date.UTC(9999, 11, 31, 23, 59, 59)) {
    throw usageError(`--${name} '${text}' is not a date.`, "Use ISO 8601, e.g. 2027-01-31T00:00:00Z.");
  }
  return Math.floor(ms / 1000);
}

function withoutValue(bundle: SecretBundle): SecretBundle {
  const { value: _value, ...rest } = bundle;
  return rest;
}

function summary(bundle: SecretBundle): Record<string, unknown> {
  const { name, version } = objectIdParts(bundle.id ?? bundle.recoveryId ?? "");
  return {
    Name: name,
    Version: version,
    Enabled: bundle.attributes?.enabled,
    ContentType: bundle.contentType ?? "",
    Updated: tableTime(bundle.attributes?.updated),
    Expires: tableTime(bundle.attributes?.exp),
    ...(bundle.deletedDate ? { Deleted: tableTime(bundle.deletedDate), PurgeDate: tableTime(bundle.scheduledPurgeDate) } : {}),
  };
}

function printSecret(bundle: SecretBundle, format: OutputFormat): void {
  if (format === "raw") writeStdout(bundle.value ?? "");
  else if (format === "table") writeStdout(renderProperties(summary(bundle)));
  else printJson(bundle);
}

function printList(items: SecretBundle[], format: OutputFormat): void {
  if (format === "table") {
    const rows = items.map(summary);
    const columns = rows.some((r) => "Deleted" in r)
      ? ["Name", "Enabled", "Deleted", "PurgeDate"]
      : rows.some((r) => r.Version)
      ? ["Name", "Version", "Enabled", "ContentType", "Updated"]
      : ["Name", "Enabled", "ContentType", "Updated"];
    writeStdout(renderTable(rows, columns));
  } else if (format === "raw") writeStdout(items.map((i) => i.id ?? i.recoveryId).join("\n") + (items.length ? "\n" : ""));
  else printJson(items);
}
