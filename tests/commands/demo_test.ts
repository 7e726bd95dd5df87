import assert from "node:assert/strict";
import { baseEnv, runKvmi } from "../fixtures/emulator.ts";

Deno.test("kvmi demo runs every story step with the expected exit codes", async () => {
  const r = await runKvmi(["demo"], baseEnv());
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /this-is-test-secret/);
  assert.match(r.stdout, /ForbiddenByRbac/);
  assert.match(r.stdout, /\(exit code 4\)/);
  assert.match(r.stdout, /Demo complete: every step behaved as expected\./);
  assert.ok(!r.stdout.includes("eyJ"), "no token in the demo output");
});
