import assert from "node:assert/strict";
import { adminEnv, removeRoleAssignments, startEmulator, vaultScope } from "../fixtures/emulator.ts";

const SECRET = "this-is-test-secret";

Deno.test("seed story: token, secret read, role removed through ARM, then ForbiddenByRbac (exit 4)", async () => {
  const emu = await startEmulator();
  try {
    const token = await emu.kvmi(["token", "--resource", "https://vault.azure.net"]);
    assert.equal(token.code, 0, token.stderr);
    const summary = JSON.parse(token.stdout);
    assert.equal(summary.objectId, emu.manifest.vm.principalId);
    assert.equal(summary.resourceId, emu.manifest.vm.resourceId);
    assert.ok(!token.stdout.includes("eyJ"), "the token itself is not printed by default");

    const read = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"]);
    assert.equal(read.code, 0, read.stderr);
    assert.equal(read.stdout, SECRET);

    const removed = await removeRoleAssignments(emu, emu.manifest.vm.principalId, vaultScope(emu));
    assert.equal(removed, 1);

    const denied = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm"]);
    assert.equal(denied.code, 4);
    assert.equal(denied.stdout, "");
    assert.match(denied.stderr, /ForbiddenByRbac/);
    assert.match(denied.stderr, /Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action/);
    assert.match(denied.stderr, /Key Vault Secrets User/);
    assert.match(denied.stderr, /4633458b-17de-408a-b874-0445c86b69e6/);
    assert.ok(!denied.stderr.includes(SECRET));

    const json = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--output", "json"]);
    assert.equal(json.code, 4);
    const error = JSON.parse(json.stderr).error;
    assert.equal(error.code, "ForbiddenByRbac");
    assert.equal(error.status, 403);
    assert.match(error.hint, /Key Vault Secrets User/);

    // Wrappers such as the KvMi module ask for JSON errors whatever the output format.
    const wrapped = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], { env: { KVMI_ERROR_FORMAT: "json" } });
    assert.equal(wrapped.code, 4);
    assert.equal(JSON.parse(wrapped.stderr).error.code, "ForbiddenByRbac");
  } finally {
    await emu.stop();
  }
});

Deno.test("secret commands: set, get, versions, list, update, delete, show-deleted, recover, purge", async () => {
  const emu = await startEmulator();
  const admin = adminEnv(emu);
  const kv = (args: string[], stdin?: string) => emu.kvmi(["secret", ...args, "--vault", "kv-demo"], { env: admin, stdin });
  try {
    const value = "pässwörd \"quoted\" 'single'\nsecond line\u2603\n";
    const set1 = await kv(["set", "--name", "app-pw", "--content-type", "text/plain", "--tag", "env=prod"], value);
    assert.equal(set1.code, 0, set1.stderr);
    const bundle = JSON.parse(set1.stdout);
    assert.equal(bundle.value, undefined, "set never echoes the value");
    assert.match(bundle.id, /\/secrets\/app-pw\/[0-9a-f]{32}$/);
    assert.deepEqual(bundle.tags, { env: "prod" });

    const raw = await kv(["get", "--name", "app-pw", "-o", "raw"]);
    assert.equal(raw.stdout, value, "raw output round-trips exactly");
    const json = JSON.parse((await kv(["get", "--name", "app-pw"])).stdout);
    assert.equal(json.value, value);
    assert.equal(json.contentType, "text/plain");

    const set2 = await kv(["set", "--name", "app-pw"], "v2");
    const v2 = JSON.parse(set2.stdout).id.split("/").pop();
    const old = await kv(["get", "--name", "app-pw", "--version", bundle.id.split("/").pop(), "-o", "raw"]);
    assert.equal(old.stdout, value);
    assert.equal((await kv(["get", "--name", "app-pw", "-o", "raw"])).stdout, "v2");

    const versions = JSON.parse((await kv(["versions", "--name", "app-pw"])).stdout);
    assert.equal(versions.length, 2);
    assert.ok(versions.every((v: { value?: string }) => v.value === undefined));

    const table = await kv(["list", "-o", "table"]);
    assert.match(table.stdout, /app-pw/);
    assert.match(table.stdout, /secret-for-vm/);
    assert.ok(!table.stdout.includes("this-is-test-secret"));

    const disable = await kv(["update", "--name", "app-pw", "--version", v2, "--enabled", "false"]);
    assert.equal(disable.code, 0, disable.stderr);
    const disabled = await kv(["get", "--name", "app-pw"]);
    assert.equal(disabled.code, 4);
    assert.match(disabled.stderr, /SecretDisabled/);
    await kv(["update", "--name", "app-pw", "--version", v2, "--enabled", "true"]);

    const del = await kv(["delete", "--name", "app-pw"]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(JSON.parse(del.stdout).recoveryId, /\/deletedsecrets\/app-pw$/);
    assert.equal((await kv(["get", "--name", "app-pw"])).code, 5);
    const reuse = await kv(["set", "--name", "app-pw"], "again");
    assert.equal(reuse.code, 1);
    assert.match(reuse.stderr, /ObjectIsDeletedButRecoverable/);
    const deleted = JSON.parse((await kv(["show-deleted"])).stdout);
    assert.deepEqual(deleted.map((d: { recoveryId: string }) => d.recoveryId.split("/").pop()), ["app-pw"]);

    assert.equal((await kv(["recover", "--name", "app-pw"])).code, 0);
    assert.equal((await kv(["get", "--name", "app-pw", "-o", "raw"])).stdout, "v2");

    await kv(["delete", "--name", "app-pw"]);
    const blank = await kv(["set", "--name", "secret-for-vm"], "");
    assert.equal(blank.code, 2, "an empty stdin never blanks a secret");
    assert.match(blank.stderr, /nothing was changed/);
    assert.equal((await kv(["get", "--name", "secret-for-vm", "-o", "raw"])).stdout, "this-is-test-secret");
    assert.equal((await kv(["set", "--name", "empty-ok", "--allow-empty"], "")).code, 0);
    assert.equal((await kv(["get", "--name", "empty-ok", "-o", "raw"])).stdout, "");
    const purge = await kv(["purge", "--name", "app-pw"]);
    assert.equal(purge.code, 0, purge.stderr);
    assert.equal((await kv(["show-deleted", "--name", "app-pw"])).code, 5);
  } finally {
    await emu.stop();
  }
});

Deno.test("secret list follows every page", async () => {
  const emu = await startEmulator({ seed: "empty" });
  const admin = adminEnv(emu);
  try {
    for (let i = 0; i < 30; i++) {
      const r = await emu.kvmi(["secret", "set", "--vault", "kv-demo", "--name", `s-${String(i).padStart(2, "0")}`], { env: admin, stdin: `v${i}` });
      assert.equal(r.code, 0, r.stderr);
    }
    const list = await emu.kvmi(["secret", "list", "--vault", "kv-demo"], { env: admin });
    const names = JSON.parse(list.stdout).map((s: { id: string }) => s.id.split("/").pop());
    assert.equal(names.length, 30, "30 secrets over two pages of 25");
    assert.deepEqual(names, [...names].sort());
  } finally {
    await emu.stop();
  }
});

Deno.test("bad input ends in exit 2 with a clear message and no network call", async () => {
  const emu = await startEmulator();
  try {
    const cases: [string[], RegExp][] = [
      [["secret", "get", "--vault=-bad", "--name", "x"], /not a valid vault name/],
      [["secret", "get", "--vault", "kv--double", "--name", "x"], /not a valid vault name/],
      [["secret", "get", "--vault", "http://kv-demo.vault.azure.net", "--name", "x"], /must use https/],
      [["secret", "get", "--vault", "https://evil.example.com", "--name", "x"], /not a Key Vault host/],
      [["secret", "get", "--vault", "https://kv.vault.azure.net/secrets/x", "--name", "x"], /must not have a path/],
      [["secret", "get", "--vault", "kv-demo", "--name", "bad_name"], /not a valid secret name/],
      [["secret", "get", "--vault", "kv-demo", "--name", "x", "--version", "123"], /not a valid version/],
      [["secret", "get", "--vault", "kv-demo"], /Missing required option --name/],
      [["secret", "get", "--vault", "kv-demo", "--name", "x", "--bogus"], /Unknown option/],
      [["secret", "frobnicate"], /Unknown secret subcommand/],
      [["secret", "get", "--vault", "kv-demo", "--name", "x", "-o", "yaml"], /Unknown output format/],
      [["secret", "get", "--vault", "kv-demo", "--name", "x", "--client-id", "a", "--object-id", "b"], /mutually exclusive/],
    ];
    await emu.resetFaults();
    for (const [args, message] of cases) {
      const r = await emu.kvmi(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const counts = await emu.requests();
    assert.equal(counts["imds-token"] ?? 0, 0, "no token was requested for bad input");
    assert.equal(counts.keyvault ?? 0, 0);
  } finally {
    await emu.stop();
  }
});

Deno.test("Key Vault throttling and faults: 429 retried then success; persistent 503 ends in exit 6", async () => {
  const emu = await startEmulator();
  try {
    await emu.fault({ target: "keyvault", status: 429, count: 2, retryAfter: 1 });
    const ok = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, SECRET);
    assert.equal((await emu.requests()).keyvault, 3);

    await emu.resetFaults();
    await emu.fault({ target: "keyvault", status: 503, count: 10 });
    const down = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm"]);
    assert.equal(down.code, 6);
    assert.match(down.stderr, /503|InternalServerError/);
    assert.equal((await emu.requests()).keyvault, 4, "one attempt and three retries");
  } finally {
    await emu.stop();
  }
});

Deno.test("tokens Key Vault refuses: expired and malformed tokens end in exit 3 and never show the token", async () => {
  const emu = await startEmulator();
  try {
    await emu.fault({ target: "imds-token", kind: "expired-token" });
    const expired = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "--output", "json"]);
    assert.equal(expired.code, 3);
    const e = JSON.parse(expired.stderr).error;
    assert.equal(e.code, "ExpiredToken", "an already-expired IMDS token is refused before Key Vault sees it");
    assert.match(e.message, /issued a token that expired at/);
    assert.ok(!expired.stderr.includes("eyJ"));

    await emu.fault({ target: "imds-token", kind: "malformed-token" });
    const malformed = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm"]);
    assert.equal(malformed.code, 3);
    assert.match(malformed.stderr, /not well formed/);
    assert.ok(!malformed.stderr.includes("not-a-jwt"), "the token is never echoed");
  } finally {
    await emu.stop();
  }
});

Deno.test("--verbose logs requests without tokens or secret values", async () => {
  const emu = await startEmulator();
  try {
    const r = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw", "--verbose"]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /verbose: GET http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token\?api-version=\.\.\.&resource=\.\.\./);
    assert.match(r.stderr, /verbose: GET https:\/\/127\.0\.0\.1:\d+\/secrets\/secret-for-vm\//);
    assert.ok(!r.stderr.includes("eyJ"));
    assert.ok(!r.stderr.includes(SECRET));
  } finally {
    await emu.stop();
  }
});

Deno.test("a cold kvmi secret get costs exactly two HTTP calls: one IMDS token, one Key Vault GET", async () => {
  const emu = await startEmulator();
  try {
    await emu.resetFaults();
    const r = await emu.kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await emu.requests(), { "imds-token": 1, keyvault: 1 });
  } finally {
    await emu.stop();
  }
});
