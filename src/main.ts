/**
 * The `kvmi` entry point: dispatches to a command, turns error kinds into exit codes.
 * Commands are loaded on demand so a `kvmi secret get` loads only what it needs.
 * @module
 */
import { peekOutputFormat } from "./cli/args.ts";
import { ExitCode, exitCodeFor } from "./cli/exit_codes.ts";
import { KvmiError } from "./core/errors.ts";
import { printError } from "./cli/output.ts";
import { writeStdout } from "./core/stdio.ts";
import { setVerbose } from "./core/verbose.ts";
import denoConfig from "../deno.json" with { type: "json" };

/** kvmi's version: the one in deno.json, which also names the release zips and the module's ModuleVersion. */
export const VERSION: string = denoConfig.version;

const HELP = `kvmi ${VERSION}: Azure managed identity, Key Vault and ARM from one executable.

Usage: kvmi <command> [options]

Commands:
  token       Get an access token for a resource from the managed identity
  whoami      Show which identity kvmi uses (never the token)
  secret      Key Vault secrets: get, list, versions, set, update, delete, recover, purge
  key         Key Vault keys and Secure Key Release (release, unwrap, policy check)
  attest      Attest this confidential VM with Microsoft Azure Attestation
  rest        Call any Azure REST API (ARM, Key Vault, Graph) like 'az rest'
  vm          List and show virtual machines
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

type CommandRunner = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  token: async () => (await import("./commands/token.ts")).runToken,
  secret: async () => (await import("./commands/secret.ts")).runSecret,
  emulator: async () => (await import("./commands/emulator.ts")).runEmulator,
  rest: async () => (await import("./commands/rest.ts")).runRest,
  vm: async () => (await import("./commands/vm.ts")).runVm,
  role: async () => (await import("./commands/role.ts")).runRole,
  vault: async () => (await import("./commands/vault.ts")).runVault,
  imds: async () => (await import("./commands/imds.ts")).runImds,
  whoami: async () => (await import("./commands/whoami.ts")).runWhoami,
  doctor: async () => (await import("./commands/doctor.ts")).runDoctor,
  demo: async () => (await import("./commands/demo.ts")).runDemo,
  key: async () => (await import("./commands/key.ts")).runKey,
  attest: async () => (await import("./commands/attest.ts")).runAttest,
};

/** Runs kvmi with `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  // Wrappers (the KvMi module) set KVMI_ERROR_FORMAT=json to read errors as JSON whatever --output is.
  const format = Deno.env.get("KVMI_ERROR_FORMAT") === "json" ? "json" : peekOutputFormat(args);
  setVerbose(args.includes("--verbose"));
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
    const load = COMMANDS[command];
    if (!load) {
      throw new KvmiError(`Unknown command '${command}'.`, { code: "UsageError", kind: "usage", hint: "Run 'kvmi --help' to list the commands." });
    }
    return await (await load())(rest);
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
