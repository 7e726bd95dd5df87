/**
 * Command-line parsing on top of {@link parseArgv} (`parse_argv.ts`, the option shape of
 * `node:util` `parseArgs` without loading Node's compatibility layer). Adds the options every command shares and turns parse failures into usage errors (exit 2).
 *
 * @example
 * ```ts
 * import { parseOptions, COMMON_OPTIONS, stringOption } from "./args.ts";
 * const values = parseOptions(["--resource", "https://vault.azure.net"], { ...COMMON_OPTIONS, resource: { type: "string" } }, "Usage: ...");
 * if (values) console.log(stringOption(values, "resource"));
 * ```
 * @module
 */
import { ArgvError, type OptionSpecs, parseArgv, type ParsedValues } from "./parse_argv.ts";
import { usageError } from "../core/errors.ts";
import { writeStdout } from "../core/stdio.ts";
import { OUTPUT_FORMATS, type OutputFormat } from "./output.ts";

export type { OptionSpecs, ParsedValues };

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  output: { type: "string", short: "o" },
  query: { type: "string" },
  verbose: { type: "boolean" },
  timeout: { type: "string" },
};

/** Options that choose the identity a command authenticates as. */
export const IDENTITY_OPTIONS: OptionSpecs = {
  credential: { type: "string" },
  "client-id": { type: "string" },
  "object-id": { type: "string" },
  "msi-res-id": { type: "string" },
  cloud: { type: "string" },
  "no-token-cache": { type: "boolean" },
};

/** Where an ARM command looks: `--resource-group/-g`, `--subscription` and `--name/-n` (vm, vault, resource). */
export const ARM_SCOPE_OPTIONS: OptionSpecs = {
  "resource-group": { type: "string", short: "g" },
  subscription: { type: "string" },
  name: { type: "string", short: "n" },
};

/** Help text for {@link IDENTITY_OPTIONS}, shared by every command that authenticates. */
export const IDENTITY_HELP = `Identity options:
  --credential auto|managed-identity|client-secret
                        How to authenticate (default auto: client secret when AZURE_CLIENT_ID,
                        AZURE_TENANT_ID and AZURE_CLIENT_SECRET are all set, else managed identity)
  --client-id ID        User-assigned managed identity by client id
  --object-id ID        User-assigned managed identity by object (principal) id
  --msi-res-id ID       User-assigned managed identity by ARM resource id
  --cloud NAME          AzureCloud, AzureUSGovernment, AzureChinaCloud, or a custom cloud profile
                        file (default: KVMI_CLOUD_PROFILE, else IMDS azEnvironment, else AzureCloud)
  --no-token-cache      Neither read nor write the per-user token cache (also KVMI_TOKEN_CACHE=off)`;

/** Help text for {@link COMMON_OPTIONS}. */
export const COMMON_HELP = `Common options:
  -o, --output FORMAT   json (default), tsv, raw or table
  --query EXPR          JMESPath applied to the JSON output (with json or tsv), as in the az CLI
  --verbose             Log requests and retries on stderr (never tokens or secret values)
  --timeout SECONDS     The command's total deadline (default 90; retries and waits stop there)
  -h, --help            Show this help`;

/** The result of {@link parseCommand}. */
export interface ParsedCommand {
  values: ParsedValues;
  positionals: string[];
}

/** Parses a command's arguments; unknown options and missing values become usage errors. */
export function parseCommand(args: string[], options: OptionSpecs, allowPositionals = true): ParsedCommand {
  try {
    return parseArgv(args, options, allowPositionals);
  } catch (error) {
    if (error instanceof ArgvError) throw usageError(`${error.message}.`, "Run the command with --help to see its options.");
    throw error;
  }
}

/** Reads a string option, or undefined. */
export function stringOption(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads a string option that must be present. */
export function requiredOption(values: ParsedValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === "") throw usageError(`Missing required option --${name}.`);
  return value;
}

/** Reads a repeatable string option as an array. */
export function listOption(values: ParsedValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

/**
 * Reads `--output`, validating it against the formats a command supports. `tsv` is JSON output
 * rendered as tab-separated values (by `printJson`), so it is accepted wherever `json` is and
 * returned as `json`; `--query` is accepted with `json` or `tsv` only.
 */
export function outputFormat(values: ParsedValues, allowed: readonly OutputFormat[] = OUTPUT_FORMATS): OutputFormat {
  const given = stringOption(values, "output") ?? "json";
  const value = given === "tsv" && allowed.includes("json") ? "json" : given;
  if (stringOption(values, "query") !== undefined && value !== "json") {
    throw usageError(`--query works on JSON output, not -o ${given}.`, "Use -o json or -o tsv with --query.");
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`Unknown output format '${value}'.`, `Use one of: ${allowed.join(", ")}.`);
  }
  return value as OutputFormat;
}

/**
 * Picks the output format from raw argv before full parsing, so early errors honour it.
 * Errors are JSON only when `--output json` was given explicitly; otherwise they are plain text.
 */
export function peekOutputFormat(args: string[]): OutputFormat {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = a === "-o" || a === "--output" ? args[i + 1] : a.startsWith("--output=") ? a.slice(9) : undefined;
    if (value && (OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  }
  return "table";
}

/**
 * Parses a command's options, which take no positionals; with `--help` it prints `help` and
 * returns undefined, so the command returns exit code 0.
 */
export function parseOptions(args: string[], options: OptionSpecs, help: string): ParsedValues | undefined {
  const { values, positionals } = parseCommand(args, options);
  if (values.help) {
    writeStdout(help);
    return undefined;
  }
  noPositionals(positionals);
  return values;
}

/** Rejects positionals a command does not take. */
export function noPositionals(positionals: string[]): void {
  // The argument itself is never echoed: it may be a secret value typed where it does not belong.
  if (positionals.length > 0) {
    throw usageError(
      `Unexpected argument (${positionals.length} not taken by any option).`,
      "Values go with their option (--name X); secret values on stdin or --file.",
    );
  }
}

/**
 * Handles `kvmi <command>` with no subcommand or a help word: prints `help` and returns the exit
 * code (2 when the subcommand is missing, 0 for help); returns undefined for a real subcommand.
 */
export function subcommandHelp(sub: string | undefined, help: string): number | undefined {
  if (sub !== undefined && sub !== "--help" && sub !== "-h" && sub !== "help") return undefined;
  writeStdout(help);
  return sub === undefined ? 2 : 0;
}
