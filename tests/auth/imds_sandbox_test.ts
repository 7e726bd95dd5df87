/**
 * Inside the test command's loopback-only network namespace, kvmi with no emulator variables
 * uses its production defaults (IMDS at 169.254.169.254): it must fail at once with the "IMDS
 * unreachable" error (exit 3), sending nothing anywhere. Outside the sandbox this test is skipped:
 * it must never reach for 169.254.169.254 from the machine's own network.
 * @module
 */
import assert from "node:assert/strict";
import { baseEnv, runKvmi } from "../fixtures/emulator.ts";
import { insideNetworkSandbox, SANDBOX_VARIABLE } from "../network_sandbox.ts";

const sandboxed = insideNetworkSandbox();
if (!sandboxed) {
  console.log(`imds_sandbox_test: skipped: ${SANDBOX_VARIABLE} is not loopback-only, so this is not the test command's private network namespace`);
}

Deno.test({
  name: "in the loopback-only sandbox, kvmi with no emulator variables fails at once: IMDS unreachable, exit 3",
  ignore: !sandboxed,
  async fn() {
    const started = performance.now();
    const result = await runKvmi(["secret", "get", "--vault", "kv-demo", "--name", "x"], baseEnv());
    const seconds = (performance.now() - started) / 1000;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /IMDS\) at http:\/\/169\.254\.169\.254 could not be reached/);
    assert.equal(result.stdout, "");
    assert.ok(seconds < 5, `took ${seconds.toFixed(1)} s`);
  },
});
