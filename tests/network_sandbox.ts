/**
 * Runs the test suites in a private network namespace that has only loopback, so that a test
 * (or kvmi's production defaults: IMDS at 169.254.169.254, `*.vault.azure.net`, the public
 * authority) can never reach the machine's network: a mistake fails instead of leaving the box.
 * Needs root and `unshare`/`ip` (util-linux, iproute2); where they are missing it says so and
 * the caller runs unconfined.
 *
 * @example
 * ```ts
 * if (!insideNetworkSandbox()) {
 *   const code = await rerunInNetworkSandbox(["run", "--allow-all", "tests/run.ts"]);
 *   if (code !== undefined) Deno.exit(code);
 * }
 * ```
 * @module
 */

/** The variable that marks the process tree inside the sandbox. */
export const SANDBOX_VARIABLE = "KVMI_TEST_NETWORK_SANDBOX";

/** True when this process runs inside the sandbox. */
export function insideNetworkSandbox(): boolean {
  return Deno.env.get(SANDBOX_VARIABLE) === "loopback-only";
}

/**
 * Runs `deno <args>` inside a new network namespace with loopback up and returns its exit code,
 * or undefined (after saying why) when no namespace can be made here.
 */
export async function rerunInNetworkSandbox(denoArgs: string[], cwd: string): Promise<number | undefined> {
  const why = await sandboxUnavailable();
  if (why) {
    console.log(`Network sandbox: not available (${why}); the suites run on the machine's network.`);
    return undefined;
  }
  console.log("Network sandbox: the suites run in a private network namespace with only loopback.");
  const child = new Deno.Command("unshare", {
    args: ["--net", "--", "sh", "-c", 'ip link set lo up && exec "$0" "$@"', Deno.execPath(), ...denoArgs],
    cwd,
    env: { [SANDBOX_VARIABLE]: "loopback-only" },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  return (await child.status).code;
}

async function sandboxUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return `${Deno.build.os} has no network namespaces`;
  try {
    const probe = await new Deno.Command("unshare", { args: ["--net", "--", "ip", "link", "set", "lo", "up"], stdout: "null", stderr: "piped" }).output();
    if (probe.success) return undefined;
    return `'unshare --net ip link set lo up' failed: ${new TextDecoder().decode(probe.stderr).trim() || `exit ${probe.code}`}`;
  } catch (error) {
    return `unshare or ip could not be started: ${(error as Error).message}`;
  }
}
