/**
 * `kvmi run [--env NAME=REF ...] [--env-file FILE] -- PROGRAM ARGS...`: resolves every secret
 * reference, then starts the program with the values in its environment only (never on a command
 * line, never on disk), its stdio inherited, and returns its exit code.
 * @module
 */
import { type Assignment, parseAssignment, parseEnvFile } from "../cli/env_assignments.ts";
import { variablesSetForKvmi } from "../http/os_trust_store.ts";
import { COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, listOption, type OptionSpecs, parseCommand, stringOption } from "../cli/args.ts";
import { runProgram } from "../core/child_process.ts";
import { usageError } from "../core/errors.ts";
import { writeStdout } from "../core/stdio.ts";
import { type LabelledReference, resolveSecretReferences } from "../keyvault/secret_resolver.ts";
import { looksLikeSecretReference, parseSecretReference } from "../keyvault/secret_reference.ts";
import { createAzureContext, keyVaultAuthorization } from "./context.ts";

/** Help text. */
export const RUN_HELP = `Usage: kvmi run [--env NAME=REF ...] [--env-file FILE] [options] -- PROGRAM [ARGS...]

Resolves Key Vault secret references and starts PROGRAM with the values in its environment only:
never on a command line, never written to disk. PROGRAM's stdin, stdout and stderr are kvmi's;
SIGTERM, SIGHUP and SIGINT are passed on (Ctrl+C at a terminal reaches PROGRAM directly); kvmi
exits with PROGRAM's exit code. Every reference is
resolved before PROGRAM starts: if one fails, nothing starts and kvmi says which one and why.

References:
  kv://VAULT/SECRET[/VERSION]
  @Microsoft.KeyVault(SecretUri=https://VAULT.vault.azure.net/secrets/SECRET[/VERSION])
  @Microsoft.KeyVault(VaultName=VAULT;SecretName=SECRET[;SecretVersion=VERSION])

Options:
  --env NAME=REF        Set NAME to the secret REF names (repeatable)
  --env-file FILE       NAME=REF lines (blank lines and # comments skipped; 'export ' allowed)
${IDENTITY_HELP}
  --verbose             Log requests on stderr (never a value)
  -h, --help            Show this help

PROGRAM is started directly, not through a shell (on Windows not through cmd.exe): to use shell
syntax, run the shell yourself (sh -c '...', pwsh -Command ...). The environment is kvmi's own plus
the NAMEs given; a NAME already set is replaced.

Exit codes: PROGRAM's exit code (128 + N when signal N ended it); before PROGRAM starts, kvmi's
own: 2 usage error (bad reference, no PROGRAM, PROGRAM not found), 3 authentication,
4 forbidden, 5 secret not found, 6 throttled or unavailable, 1 other.

Examples:
  kvmi run --env DB_PASSWORD=kv://kv-demo/db-password -- ./legacy-app --config app.conf
  kvmi run --env-file app.env -- node server.js
  kvmi run --env "API_KEY=@Microsoft.KeyVault(VaultName=kv-demo;SecretName=api-key)" -- pwsh -File .\\job.ps1
`;

const RUN_OPTIONS: OptionSpecs = {
  help: COMMON_OPTIONS.help,
  verbose: COMMON_OPTIONS.verbose,
  ...IDENTITY_OPTIONS,
  env: { type: "string", multiple: true },
  "env-file": { type: "string" },
};

/** Runs `kvmi run ...`. */
export async function runRun(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const { values, positionals } = parseCommand(split < 0 ? args : args.slice(0, split), RUN_OPTIONS);
  if (values.help) {
    writeStdout(RUN_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw usageError(
      `Unexpected argument '${positionals[0]}' before '--'.`,
      "Put the program and its arguments after '--': kvmi run --env NAME=REF -- PROGRAM ARGS...",
    );
  }
  const [program, ...programArgs] = split < 0 ? [] : args.slice(split + 1);
  if (program === undefined || program === "") {
    throw usageError("No program to run.", "Put the program and its arguments after '--': kvmi run --env NAME=REF -- PROGRAM ARGS...");
  }
  const assignments = [...listOption(values, "env").map((a) => parseAssignment(a, "--env")), ...await readEnvFile(stringOption(values, "env-file"))];
  const references = toReferences(assignments);
  const context = createAzureContext(values);
  let resolved: string[];
  try {
    resolved = await resolveSecretReferences(references, keyVaultAuthorization(context));
  } finally {
    context.http.close();
  }
  const env: Record<string, string> = {};
  for (const [i, { label }] of references.entries()) env[label] = resolved[i];
  return await runProgram(program, programArgs, env, variablesSetForKvmi());
}

async function readEnvFile(file: string | undefined): Promise<Assignment[]> {
  if (file === undefined) return [];
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    throw usageError(`Cannot read --env-file '${file}': ${(error as Error).message}.`);
  }
  return parseEnvFile(text, file);
}

/** Checks names are unique and every value is a reference (never echoing a value that is not). */
function toReferences(assignments: Assignment[]): LabelledReference[] {
  if (assignments.length === 0) throw usageError("No --env or --env-file: there is nothing to resolve.", "Add --env NAME=kv://VAULT/SECRET.");
  const seen = new Set<string>();
  return assignments.map(({ name, value, origin }) => {
    if (seen.has(name)) throw usageError(`${origin}: ${name} is set twice.`);
    seen.add(name);
    if (!looksLikeSecretReference(value)) {
      throw usageError(`${origin}: the value of ${name} is not a secret reference.`, "kvmi run takes references (kv://VAULT/SECRET), never values.");
    }
    return { label: name, reference: parseSecretReference(value) };
  });
}
