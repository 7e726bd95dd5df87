/**
 * The `kvmi` entry point: dispatches to a command, turns error kinds into exit codes.
 * Commands are loaded on demand so a `kvmi secret get` loads only what it needs.
 * @module
 */
import { peekOutputFormat } from "./cli/args.ts";
import { ExitCode, exitCodeFor } from "./cli/exit_codes.ts";
import { KvmiError } from "./core/errors.ts";
import { printError, setJsonOutputShape } from "./cli/output.ts";
import { peekJsonShaping } from "./cli/json_shaping.ts";
import { writeStdout } from "./core/stdio.ts";
import { setVerbose } from "./core/verbose.ts";

/**
 * kvmi's version: `kvmi version` prints it and the release build names its zips with it
 * (build/package.ts); ps/KvMi/KvMi.psd1 carries the same ModuleVersion (tests/package checks they
 * agree). A literal rather than a JSON import of deno.json, which cost every run a module load.
 */
export const VERSION = "0.1.0";

const HELP = `kvmi ${VERSION}: Azure managed identity, Key Vault and ARM from one executable.

Usage: kvmi <command> [options]

Commands:
  token       Get an access token for a resource from the managed identity
  whoami      Show which identity kvmi uses (never the token)
  secret      Key Vault secrets: get, list, versions, set, update, delete, recover, purge
  key         Key Vault keys and Secure Key Release (release, unwrap, policy check)
  cert        Key Vault certificates: list, show, download (with the key), import, create, delete
  attest      Attest this confidential VM with Microsoft Azure Attestation
  run         Start a program with Key Vault secrets in its environment (never its command line)
  inject      Fill {{ kv://VAULT/SECRET }} in a template into an owner-only file
  rest        Call any Azure REST API (ARM, Key Vault, Graph) like 'az rest'
  vm          List and show virtual machines
  resource    List and show resources of any type (like 'az resource list')
  role        List, assign and remove Azure role assignments
  vault       List and show key vaults; set and delete access policies
  imds        Instance metadata, scheduled events, attested data
  doctor      Check IMDS, proxy, clock, tokens and TLS on this machine
  emulator    Run the local Azure emulator (IMDS, Entra ID, Key Vault, ARM + RBAC)
  demo        Run the admin's stories end to end on a local emulator
  version     Print the version

Run 'kvmi <command> --help' for a command's options.

Exit codes:
  0  success
  1  other error
  2  usage error (bad option, bad name or URL)
  3  authentication or identity failure (no identity, token refused)
  4  forbidden (a role assignment is missing)
  5  not found
  6  throttled or unavailable after retries

Errors go to stderr; with --output json (or KVMI_ERROR_FORMAT=json) as {"error":{"code","status","message","hint"}}.
`;

/** A command's entry: `(args) => exit code`. */
export type CommandRunner = (args: string[]) => Promise<number>;

/**
 * Each command's module (relative to this file) and the function it exports. The module is
 * imported through a variable, only when its command runs: with a literal \`import("./commands/...")\`
 * Deno would read and parse every command's module graph (the emulator, @peculiar, jose) at
 * start-up, whichever command runs. The release bundle makes each module an entry point of its own
 * and renames it \`.js\` (build/bundle.ts); \`deno compile\` includes them (build/compile.ts).
 */
export const COMMAND_MODULES: Record<string, { module: string; run: string }> = {
  token: { module: "./commands/token.ts", run: "runToken" },
  secret: { module: "./commands/secret.ts", run: "runSecret" },
  emulator: { module: "./commands/emulator.ts", run: "runEmulator" },
  rest: { module: "./commands/rest.ts", run: "runRest" },
  vm: { module: "./commands/vm.ts", run: "runVm" },
  role: { module: "./commands/role.ts", run: "runRole" },
  vault: { module: "./commands/vault.ts", run: "runVault" },
  imds: { module: "./commands/imds.ts", run: "runImds" },
  whoami: { module: "./commands/whoami.ts", run: "runWhoami" },
  doctor: { module: "./commands/doctor.ts", run: "runDoctor" },
  demo: { module: "./commands/demo.ts", run: "runDemo" },
  key: { module: "./commands/key.ts", run: "runKey" },
  cert: { module: "./commands/cert.ts", run: "runCert" },
  attest: { module: "./commands/attest.ts", run: "runAttest" },
  run: { module: "./commands/run.ts", run: "runRun" },
  inject: { module: "./commands/inject.ts", run: "runInject" },
  resource: { module: "./commands/resource.ts", run: "runResource" },
};

/**
 * The JMESPath module (and with it the `jmespath` package), imported by name like the commands and
 * only when `--query` is given; the bundle and `deno compile` include it as they include the commands.
 */
export const QUERY_MODULE = "./cli/json_query.ts";

/** Every module main.ts imports by name: the commands' and {@link QUERY_MODULE}. */
export const LAZY_MODULES: string[] = [...Object.values(COMMAND_MODULES).map((c) => c.module), QUERY_MODULE];

/** Sets up `--query` and `-o tsv` for the command's JSON output; a bad expression is a usage error. */
async function shapeJsonOutput(args: string[]): Promise<void> {
  const shaping = peekJsonShaping(args);
  const tsv = shaping.tsv ? await import("./cli/tsv.ts") : undefined;
  if (shaping.query === undefined) {
    setJsonOutputShape({ tsv });
    return;
  }
  const loaded = (await import(QUERY_MODULE)) as { compileQuery(expression: string): (value: unknown) => unknown };
  setJsonOutputShape({ tsv, query: loaded.compileQuery(shaping.query) });
}

/** Runs kvmi with `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  // Wrappers (the KvMi module) set KVMI_ERROR_FORMAT=json to read errors as JSON whatever --output is.
  const format = Deno.env.get("KVMI_ERROR_FORMAT") === "json" ? "json" : peekOutputFormat(args);
  setVerbose(args.includes("--verbose"));
  // Windows only (before the first TLS connection); elsewhere the module is not even loaded.
  if (Deno.build.os === "windows") (await import("./http/os_trust_store.ts")).trustOsCertificateStore();
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      writeStdout(HELP);
      return command === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    if (command === "version" || command === "--version") {
      writeStdout(`kvmi ${VERSION}\n`);
      return ExitCode.Ok;
    }
    const entry = Object.hasOwn(COMMAND_MODULES, command) ? COMMAND_MODULES[command] : undefined;
    if (!entry) {
      throw new KvmiError(`Unknown command '${command}'.`, { code: "UsageError", kind: "usage", hint: "Run 'kvmi --help' to list the commands." });
    }
    await shapeJsonOutput(rest);
    const module = entry.module;
    const loaded = (await import(module)) as Record<string, CommandRunner>;
    return await loaded[entry.run](rest);
  } catch (error) {
    const kvmiError = error instanceof KvmiError ? error : unexpected(error);
    printError(kvmiError, format);
    return exitCodeFor(kvmiError.kind);
  }
}

function unexpected(error: unknown): KvmiError {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new KvmiError(`Unexpected failure: ${message}`, {
    code: "InternalError",
    kind: "other",
    hint: "Run again with --verbose; if it persists, report it.",
  });
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
