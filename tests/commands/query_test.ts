import assert from "node:assert/strict";
import { startEmulator } from "../fixtures/emulator.ts";

const SECRET = "this-is-test-secret";

Deno.test("--query and -o tsv on commands that print JSON: applied to exactly the JSON -o json prints", async () => {
  const emu = await startEmulator();
  try {
    const json = await emu.kvmi(["vm", "list"]);
    assert.equal(json.code, 0, json.stderr);
    const vms = JSON.parse(json.stdout) as { name: string; identity?: { principalId?: string } }[];
    const principalIds = vms.map((vm) => vm.identity?.principalId).filter((p) => p !== undefined);
    assert.ok(principalIds.includes(emu.manifest.vm.principalId));

    // The second article's one-liner, on the VMs kvmi lists: the principal id into a variable with no trimming.
    const tsv = await emu.kvmi(["vm", "list", "--query", "[*].identity.principalId", "-o", "tsv"]);
    assert.equal(tsv.code, 0, tsv.stderr);
    assert.equal(tsv.stdout, principalIds.map((p) => `${p}\n`).join(""));
    const queried = await emu.kvmi(["vm", "list", "--query", "[*].identity.principalId"]);
    assert.deepEqual(JSON.parse(queried.stdout), principalIds);

    const value = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--query", "value", "-o", "tsv"]);
    assert.equal(value.code, 0, value.stderr);
    assert.equal(value.stdout, `${SECRET}\n`);
    const object = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--query", "{type: contentType, on: attributes.enabled}"]);
    assert.deepEqual(JSON.parse(object.stdout), { type: "text/plain", on: true });
    const whoami = await emu.kvmi(["whoami", "--query", "objectId", "-o", "tsv"]);
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal(whoami.stdout, `${emu.manifest.vm.principalId}\n`);

    // A bad expression is a usage error naming the position, before any request.
    const bad = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--query", "value)"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid JMESPath at position 6/);
    assert.equal(bad.stdout, "");
    const raw = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--query", "value", "-o", "raw"]);
    assert.equal(raw.code, 2);
    assert.match(raw.stderr, /--query works on JSON output/);
    const runQuery = await emu.kvmi(["run", "--query", "x", "--env", "A=kv://kv-demo/secret-for-vm", "--", "true"]);
    assert.equal(runQuery.code, 2, "run prints no JSON and takes no --query");
  } finally {
    await emu.stop();
  }
});
