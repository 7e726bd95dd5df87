/**
 * `kvmi emulator start|env`: run the local Azure emulator in the foreground, and print the
 * environment that points kvmi and the Azure SDK at it.
 * @module
 */
import { readTextFileBounded } from "../core/bounded_read.ts";
import { parseJsonInput } from "../core/json_input.ts";
import { JSON_FILE_MAX_BYTES } from "../core/limits.ts";
import { COMMON_OPTIONS, type ParsedValues, parseOptions, requiredOption, stringOption, subcommandHelp } from "../cli/args.ts";
import { ExitCode } from "../cli/exit_codes.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { writeStderr, writeStdout } from "../core/stdio.ts";

/** Help text. */
export const EMULATOR_HELP = `Usage: kvmi emulator <start|env|exec> [options]

A local Azure for offline scripts and tests: IMDS (managed identity), Entra ID, Key Vault with
Azure RBAC, and ARM (role assignments), on 127.0.0.1 with ephemeral ports.

kvmi emulator start [--manifest FILE] [--seed demo|empty] [--ca-dir DIR] [--delete-delay-ms N]
                    [--arm-page-size N] [--hostname HOST] [--imds-limits on|off]
                    [--real-addresses [--netns NAME]] [--rbac-delay SECONDS] [--throttling on|off]
  Runs in the foreground until Ctrl+C (SIGINT) or SIGTERM. Once every endpoint listens it writes
  the manifest (JSON: endpoints, vault URLs, CA file, tenant, subscription, the VM identity, the
  admin service principal and the environment variables to use). The manifest holds the admin's
  client secret and is written readable by its owner only.
  --manifest FILE       Where to write the manifest (default: kvmi-emulator.json in a new temp folder)
  --seed NAME           demo (default: vm-demo, kv-demo with secret-for-vm) or empty
  --ca-dir DIR          Keep the emulator's CA here and reuse it across runs, so it is trusted once
                        (default: the manifest's folder)
  --delete-delay-ms N   How long a soft-deleted secret stays invisible, as on Azure (default 0)
  --arm-page-size N     VMs per page of ARM list results (default 50)
  --hostname HOST       Interface to listen on (default 127.0.0.1)
  --imds-limits on|off  IMDS's limits of 20 token requests per second and 5 at once per VM,
                        answered 429 as Azure does (default on; off for load tests of other parts)
  --real-addresses      (Linux, root) Run inside a network namespace (created, or reused if it
                        exists) on Azure's real addresses: IMDS on 169.254.169.254, Key Vault on
                        https://<vault>.vault.azure.net, ARM on https://management.azure.com, Entra
                        ID on https://login.microsoftonline.com, attestation on *.attest.azure.net,
                        through the namespace's own hosts file and certificate store
                        (/etc/netns/NAME/), so unmodified scripts and SDKs work there with no
                        variable. Nothing outside the namespace changes; all is removed on stop.
  --netns NAME          The namespace's name (default kvmi-emu)
  --throttling on|off   Key Vault's per-vault limits (secret CREATE 300, key CREATE 20, others
                        4,000 per 10 s) and ARM's per-subscription buckets (reads 250 at 25/s,
                        writes and deletes 200 at 10/s), answered 429 with Retry-After (default on)
  --rbac-delay SECONDS  Role-assignment changes take effect only after this delay, as on Azure
                        (up to ten minutes there), to test retry-after-grant logic (default 0)

kvmi emulator exec [--netns NAME] -- COMMAND [ARGS...]
  Runs COMMAND inside the real-address namespace (as \`ip netns exec NAME COMMAND\` does) and
  exits with its exit code.

kvmi emulator env --manifest FILE [--shell powershell|posix]
  Prints the environment variables of a running emulator as PowerShell and/or POSIX shell lines.

Control endpoint (for tests): POST {imdsEndpoint}/emulator/faults with
  {"target":"imds-token|imds|entra|keyvault|arm","status":429,"count":2,"retryAfter":1}
  or {"target":"imds-token|attestation","kind":"expired-token|malformed-token"}; DELETE clears;
  GET {imdsEndpoint}/emulator/requests counts requests per target;
  GET {imdsEndpoint}/emulator/hosts gives the variables that emulate App Service and Azure Arc;
  POST {imdsEndpoint}/emulator/cvm {"compliant":false|"debuggable":true} changes the simulated CVM;
  POST {imdsEndpoint}/emulator/scheduled-events {"EventType":"Reboot"} schedules an event.

Examples:
  kvmi emulator start --manifest ./emu.json
  kvmi emulator env --manifest ./emu.json --shell powershell | Invoke-Expression
`;

/** Runs `kvmi emulator ...`. */
export async function runEmulator(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, EMULATOR_HELP);
  if (helped !== undefined) return helped;
  if (sub === "start") return await start(rest);
  if (sub === "env") return await env(rest);
  if (sub === "exec") return await exec(rest);
  throw usageError(`Unknown emulator subcommand '${sub}'.`, "Use start, env or exec.");
}

async function start(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    ...COMMON_OPTIONS,
    manifest: { type: "string" },
    seed: { type: "string" },
    "ca-dir": { type: "string" },
    "delete-delay-ms": { type: "string" },
    "arm-page-size": { type: "string" },
    hostname: { type: "string" },
    "imds-limits": { type: "string" },
    "real-addresses": { type: "boolean" },
    netns: { type: "string" },
    "inside-netns": { type: "boolean" },
    "rbac-delay": { type: "string" },
    throttling: { type: "string" },
  }, EMULATOR_HELP);
  if (!values) return ExitCode.Ok;
  noOutputOption(values);
  const { SEEDS } = await import("../emulator/seed.ts");
  const seed = stringOption(values, "seed") ?? "demo";
  if (!(SEEDS as readonly string[]).includes(seed)) throw usageError(`Unknown seed '${seed}'.`, `Use one of: ${SEEDS.join(", ")}.`);
  const delay = Number(stringOption(values, "delete-delay-ms") ?? "0");
  if (!Number.isInteger(delay) || delay < 0) throw usageError("--delete-delay-ms takes a whole number of milliseconds.");
  const pageSize = Number(stringOption(values, "arm-page-size") ?? "50");
  if (!Number.isInteger(pageSize) || pageSize < 1) throw usageError("--arm-page-size takes a positive whole number.");
  const rbacDelay = Number(stringOption(values, "rbac-delay") ?? "0");
  if (!Number.isFinite(rbacDelay) || rbacDelay < 0) throw usageError("--rbac-delay takes a number of seconds (0 or more).");
  const throttling = stringOption(values, "throttling") ?? "on";
  if (throttling !== "on" && throttling !== "off") throw usageError("--throttling takes on or off.");
  const imdsLimits = stringOption(values, "imds-limits") ?? "on";
  if (imdsLimits !== "on" && imdsLimits !== "off") throw usageError("--imds-limits takes on or off.");
  const realAddresses = values["real-addresses"] === true;
  if (!realAddresses && stringOption(values, "netns") !== undefined) {
    throw usageError("--netns goes with --real-addresses.", "kvmi emulator start --real-addresses --netns NAME");
  }
  const hostname = stringOption(values, "hostname") ?? "127.0.0.1";
  if (!/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[?[0-9A-Fa-f:.]+\]?)$/.test(hostname)) {
    throw usageError(`--hostname '${hostname}' is not a host name or IP address.`);
  }
  const manifestOption = stringOption(values, "manifest");
  if (manifestOption !== undefined && (await Deno.stat(manifestOption).catch(() => undefined))?.isDirectory) {
    throw usageError(`--manifest '${manifestOption}' is a directory.`, "Pass the path of the manifest file to write, e.g. DIR/kvmi-emulator.json.");
  }
  const manifestPath = manifestOption ?? `${await Deno.makeTempDir({ prefix: "kvmi-emulator-" })}/kvmi-emulator.json`;
  const absoluteManifest = manifestPath.startsWith("/") || /^[A-Za-z]:[\\/]/.test(manifestPath) ? manifestPath : `${Deno.cwd()}/${manifestPath}`;
  const caDir = stringOption(values, "ca-dir") ?? absoluteManifest.replace(/[\\/][^\\/]*$/, "");
  if (realAddresses && values["inside-netns"] !== true) return await startInNamespace(args, seed, caDir, absoluteManifest, stringOption(values, "netns"));
  const { startEmulator } = await import("../emulator/emulator.ts");
  const emulator = await startEmulator({
    hostname,
    seed: seed as "demo" | "empty",
    caDir,
    manifestPath: absoluteManifest,
    deleteDelayMs: delay,
    armPageSize: pageSize,
    imdsLimits: imdsLimits === "on",
    realAddresses,
    rbacDelaySeconds: rbacDelay,
    throttling: throttling === "on",
  });
  const m = emulator.manifest;
  writeStderr(
    `kvmi emulator: listening (seed ${seed})\n  IMDS      ${m.imdsEndpoint}\n  Entra ID  ${m.authorityHost}\n  ARM       ${m.armEndpoint}\n` +
      Object.entries(m.vaults).map(([n, u]) => `  vault     ${n} ${u}\n`).join("") +
      `  manifest  ${absoluteManifest}\nPress Ctrl+C to stop.\n`,
  );
  await waitForStopSignal();
  await emulator.close();
  writeStderr("kvmi emulator: stopped\n");
  return ExitCode.Ok;
}

/**
 * Real-address mode, outside the namespace: prepares it (hosts file, certificate store with the
 * emulator CA), runs this same command inside it with `ip netns exec`, forwards Ctrl+C/SIGTERM,
 * and removes what it created when the emulator stops.
 */
async function startInNamespace(args: string[], seed: string, caDir: string, manifest: string, netns: string | undefined): Promise<number> {
  const { DEFAULT_NETNS, namespaceCommand, namespaceUnavailable, prepareNamespace, removeNamespace, validNamespaceName } = await import(
    "../emulator/netns.ts"
  );
  const name = netns ?? DEFAULT_NETNS;
  if (!validNamespaceName(name)) throw usageError(`Invalid namespace name '${name}'.`, "Use letters, digits, '-', '_' and '.'.");
  const unavailable = await namespaceUnavailable();
  if (unavailable) throw new KvmiError(`Cannot start on real addresses: ${unavailable}.`, { code: "RealAddressesUnavailable", kind: "usage" });
  const { seedWorld } = await import("../emulator/seed.ts");
  const { hostsFile, realAddressPlan } = await import("../emulator/real_addresses.ts");
  const { loadOrCreateCa } = await import("../emulator/tls.ts");
  await Deno.mkdir(caDir, { recursive: true });
  const ca = await loadOrCreateCa(caDir);
  const plan = realAddressPlan([...seedWorld(seed as "demo" | "empty").vaults.values()].map((v) => v.name));
  const prepared = await prepareNamespace(name, hostsFile(plan), ca.cert.toString("pem"));
  try {
    const [program, ...rest] = namespaceCommand(name, [
      ...selfCommand(),
      "emulator",
      "start",
      ...args,
      "--ca-dir",
      caDir,
      "--manifest",
      manifest,
      "--inside-netns",
    ]);
    const child = new Deno.Command(program, { args: rest, stdin: "null", stdout: "inherit", stderr: "inherit" }).spawn();
    const forward = (signal: Deno.Signal) => () => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const handlers = signals.map((signal) => [signal, forward(signal)] as const);
    for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
    const status = await child.status;
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    return status.code;
  } finally {
    await removeNamespace(prepared);
  }
}

/** The command line that runs this kvmi again: the compiled executable, or `deno run` of the entry module. */
function selfCommand(): string[] {
  const exe = Deno.execPath();
  if (!/(^|[\\/])deno(\.exe)?$/i.test(exe)) return [exe];
  const main = new URL(Deno.mainModule);
  return [exe, "run", "--allow-all", "--quiet", main.protocol === "file:" ? decodeURIComponent(main.pathname) : main.href];
}

/** `kvmi emulator exec [--netns NAME] -- COMMAND ARGS...`: runs a command inside the namespace. */
async function exec(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const values = parseOptions(split === -1 ? args : args.slice(0, split), { ...COMMON_OPTIONS, netns: { type: "string" } }, EMULATOR_HELP);
  if (!values) return ExitCode.Ok;
  const command = split === -1 ? [] : args.slice(split + 1);
  if (command.length === 0) {
    throw usageError("kvmi emulator exec needs a command after '--'.", "Example: kvmi emulator exec -- curl http://169.254.169.254/metadata/versions");
  }
  const { DEFAULT_NETNS, namespaceCommand, validNamespaceName } = await import("../emulator/netns.ts");
  const name = stringOption(values, "netns") ?? DEFAULT_NETNS;
  if (!validNamespaceName(name)) throw usageError(`Invalid namespace name '${name}'.`);
  const [program, ...rest] = namespaceCommand(name, command);
  const status = await new Deno.Command(program, { args: rest, stdin: "inherit", stdout: "inherit", stderr: "inherit" }).spawn().status;
  return status.code;
}

function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];
    for (const signal of signals) Deno.addSignalListener(signal, () => resolve());
  });
}

async function env(args: string[]): Promise<number> {
  const values = parseOptions(args, { ...COMMON_OPTIONS, manifest: { type: "string" }, shell: { type: "string" } }, EMULATOR_HELP);
  if (!values) return ExitCode.Ok;
  noOutputOption(values);
  const path = requiredOption(values, "manifest");
  const shell = stringOption(values, "shell");
  if (shell !== undefined && shell !== "powershell" && shell !== "posix") throw usageError("--shell takes powershell or posix.");
  let manifest: { env?: unknown };
  try {
    manifest = parseJsonInput(await readTextFileBounded(path, JSON_FILE_MAX_BYTES, "the manifest"), `The manifest '${path}'`) as { env?: unknown };
    if (manifest === null || typeof manifest !== "object") throw new Error("not a JSON object");
  } catch (error) {
    if (error instanceof KvmiError) throw error;
    throw new KvmiError(`Cannot read the manifest '${path}': ${(error as Error).message}`, {
      code: "InvalidManifest",
      kind: "usage",
      hint: "Start the emulator with --manifest FILE first.",
    });
  }
  const { powershellEnvLines, posixEnvLines } = await import("../emulator/manifest.ts");
  const vars = checkEnv(manifest.env ?? {}, path);
  if (shell === undefined || shell === "powershell") writeStdout((shell ? "" : "# PowerShell\n") + powershellEnvLines(vars));
  if (shell === undefined || shell === "posix") writeStdout((shell ? "" : "# POSIX shell\n") + posixEnvLines(vars));
  return ExitCode.Ok;
}

/** The manifest's `env`: an object of variable names (letters, digits, `_`) to string values; anything else is refused. */
function checkEnv(env: unknown, path: string): Record<string, string> {
  const invalid = (why: string) =>
    new KvmiError(`The manifest '${path}' has an invalid env: ${why}.`, {
      code: "InvalidManifest",
      kind: "usage",
      hint: "Use the manifest the emulator wrote; never eval env lines from a file you did not create.",
    });
  if (env === null || typeof env !== "object" || Array.isArray(env)) throw invalid("it is not an object");
  for (const [name, value] of Object.entries(env)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) throw invalid(`${JSON.stringify(name.slice(0, 60))} is not a variable name`);
    if (typeof value !== "string") throw invalid(`the value of ${name} is not a string`);
    if (/[\p{Cc}]/u.test(value)) throw invalid(`the value of ${name} has control characters`);
  }
  return env as Record<string, string>;
}

/** The emulator prints shell lines and a banner, not a document: `--output` has no meaning here and is refused. */
function noOutputOption(values: ParsedValues): void {
  if (values.output !== undefined) {
    throw usageError("kvmi emulator takes no --output.", "emulator env prints shell lines; pick them with --shell powershell|posix.");
  }
}
