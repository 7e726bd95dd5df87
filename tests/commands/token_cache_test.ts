import assert from "node:assert/strict";
import { startEmulator, tokenCacheOn, vmToken } from "../fixtures/emulator.ts";
import { encodeEntry } from "../../src/auth/token_cache_entry.ts";
import { cacheKey, keyId } from "../../src/auth/token_cache_key.ts";
import { FILE_MODE_PROTECTOR } from "../../src/auth/token_protection.ts";

const SECRET = "this-is-test-secret";
const GET = ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"];

/** Every file under `dir` whose bytes contain `needle`. */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await filesContaining(path, needle));
    else if (entry.isFile && (await Deno.readTextFile(path).catch(() => "")).includes(needle)) found.push(path);
  }
  return found;
}

Deno.test("token cache: a warm kvmi secret get costs exactly one HTTP call; list, whoami and clear never show the token", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-" });
  const cacheDir = `${dir}/tokens`;
  const env = tokenCacheOn(cacheDir);
  try {
    await emu.resetFaults();
    const cold = await emu.kvmi(GET, { env });
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(cold.stdout, SECRET);
    assert.deepEqual(await emu.requests(), { "imds-token": 1, keyvault: 1 }, "cold: one IMDS token, one Key Vault GET");

    await emu.resetFaults();
    const warm = await emu.kvmi(GET, { env });
    assert.equal(warm.code, 0, warm.stderr);
    assert.equal(warm.stdout, SECRET);
    assert.deepEqual(await emu.requests(), { keyvault: 1 }, "warm: the Key Vault GET only");

    assert.equal((await Deno.stat(cacheDir)).mode! & 0o777, 0o700);
    const files = [...Deno.readDirSync(cacheDir)].map((e) => e.name);
    assert.equal(files.length, 1, `one entry, no lock or temp file left: ${files}`);
    assert.match(files[0], /^[0-9a-f]{64}\.json$/);
    assert.equal((await Deno.stat(`${cacheDir}/${files[0]}`)).mode! & 0o777, 0o600);

    const token = JSON.parse(await Deno.readTextFile(`${cacheDir}/${files[0]}`)).token as string;
    assert.match(token, /^eyJ/);
    const whoami = await emu.kvmi(["whoami", "--resource", "https://vault.azure.net"], { env });
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal(JSON.parse(whoami.stdout).tokenFromCache, true);
    const uncached = await emu.kvmi(["whoami", "--resource", "https://vault.azure.net", "--no-token-cache"], { env });
    assert.equal(JSON.parse(uncached.stdout).tokenFromCache, false);
    const off = await emu.kvmi(["whoami", "--resource", "https://vault.azure.net"], { env: { ...env, KVMI_TOKEN_CACHE: "off" } });
    assert.equal(JSON.parse(off.stdout).tokenFromCache, false);

    const list = await emu.kvmi(["token", "cache", "list"], { env });
    assert.equal(list.code, 0, list.stderr);
    const listed = JSON.parse(list.stdout);
    assert.equal(listed.entries.length, 1);
    assert.equal(listed.entries[0].resource, "https://vault.azure.net");
    assert.equal(listed.entries[0].identity, "system");
    assert.equal(listed.entries[0].state, "valid");
    const table = await emu.kvmi(["token", "cache", "list", "-o", "table"], { env });
    for (const out of [list, table, whoami, cold, warm]) {
      assert.ok(!out.stdout.includes(token) && !out.stderr.includes(token), "the token is never printed");
    }
    const verbose = await emu.kvmi([...GET, "--verbose"], { env });
    assert.match(verbose.stderr, /token cache: hit/);
    assert.ok(!verbose.stderr.includes(token));

    assert.deepEqual(await filesContaining(emu.manifestPath.replace(/\/manifest\.json$/, ""), token), [], "not in the emulator's folder");
    assert.deepEqual(await filesContaining(dir, token), [`${cacheDir}/${files[0]}`], "only in the cache entry");

    const cleared = await emu.kvmi(["token", "cache", "clear"], { env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(JSON.parse(cleared.stdout).removed, 1);
    assert.deepEqual([...Deno.readDirSync(cacheDir)], []);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token cache: a corrupt, truncated, foreign or mismatched entry is discarded and refetched", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-" });
  const env = tokenCacheOn(dir);
  try {
    assert.equal((await emu.kvmi(GET, { env })).code, 0);
    const [name] = [...Deno.readDirSync(dir)].map((e) => e.name);
    const good = await Deno.readTextFile(`${dir}/${name}`);
    const header = JSON.parse(good);
    const otherKey = JSON.stringify({ ...header, key: { ...header.key, resource: "https://management.azure.com/" } });
    for (const planted of ["", "{", good.slice(0, good.length / 2), "\u0000\u0001garbage", '{"format":"msal","token":"x"}', otherKey, "[1,2]"]) {
      await Deno.writeTextFile(`${dir}/${name}`, planted, { mode: 0o600 });
      await emu.resetFaults();
      const r = await emu.kvmi(GET, { env });
      assert.equal(r.code, 0, `${JSON.stringify(planted.slice(0, 20))}: ${r.stderr}`);
      assert.equal(r.stdout, SECRET);
      assert.deepEqual(await emu.requests(), { "imds-token": 1, keyvault: 1 }, `refetched after ${JSON.stringify(planted.slice(0, 20))}`);
      assert.ok(JSON.parse(await Deno.readTextFile(`${dir}/${name}`)).token.startsWith("eyJ"), "replaced by a good entry");
    }
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token cache: a stale lock left by a killed process is recovered at once", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-" });
  try {
    const key = cacheKey({ authority: emu.manifest.imdsEndpoint, kind: "IMDS", identity: "system" }, "https://vault.azure.net");
    const id = await keyId(key);
    const killed = new Deno.Command("sleep", { args: ["30"] }).spawn();
    killed.kill("SIGKILL");
    await killed.status;
    await Deno.writeTextFile(`${dir}/${id}.lock`, JSON.stringify({ pid: killed.pid, host: Deno.hostname(), createdAt: Date.now(), nonce: "dead" }));
    await emu.resetFaults();
    const r = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /removed a stale lock/);
    assert.doesNotMatch(r.stderr, /lock-timeout/, "recovered at once, not after the bounded wait");
    assert.deepEqual(await emu.requests(), { "imds-token": 1, keyvault: 1 });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [`${id}.json`], "the stale lock is gone");

    // A lock whose holder is alive but that is older than any fetch is stale too.
    await Deno.remove(`${dir}/${id}.json`);
    await Deno.writeTextFile(`${dir}/${id}.lock`, JSON.stringify({ pid: Deno.pid, host: Deno.hostname(), createdAt: Date.now() - 600_000, nonce: "old" }));
    const old = await emu.kvmi(GET, { env: tokenCacheOn(dir) });
    assert.equal(old.code, 0, old.stderr);

    // A live lock that never finishes: the waiter fetches on its own after a few seconds.
    await Deno.remove(`${dir}/${id}.json`);
    await Deno.writeTextFile(`${dir}/${id}.lock`, JSON.stringify({ pid: Deno.pid, host: Deno.hostname(), createdAt: Date.now(), nonce: "live" }));
    const waited = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(dir) });
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stderr, /lock-timeout/);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token cache: a folder or entry another user owns, or others can write, is ignored, never used", async () => {
  if (Deno.uid() !== 0) return; // chown to another user needs root (the test command runs as root)
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-" });
  try {
    const foreign = `${dir}/foreign`;
    await Deno.mkdir(foreign, { mode: 0o700 });
    await Deno.chown(foreign, 65534, 65534);
    await emu.resetFaults();
    const r = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(foreign) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /token cache: ignored, the folder .* owned by another user/);
    assert.deepEqual([...Deno.readDirSync(foreign)], [], "nothing written there");
    const again = await emu.kvmi(GET, { env: tokenCacheOn(foreign) });
    assert.equal(again.code, 0);
    assert.equal((await emu.requests())["imds-token"], 2, "no caching in a foreign folder");
    const list = await emu.kvmi(["token", "cache", "list"], { env: tokenCacheOn(foreign) });
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /TokenCacheUnusable|cannot be used/);

    const open = `${dir}/open`;
    await Deno.mkdir(open);
    await Deno.chmod(open, 0o777);
    const w = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(open) });
    assert.equal(w.code, 0);
    assert.match(w.stderr, /writable by others/);

    // An entry planted by another user in our folder is not used.
    const mine = `${dir}/mine`;
    assert.equal((await emu.kvmi(GET, { env: tokenCacheOn(mine) })).code, 0);
    const [entry] = [...Deno.readDirSync(mine)].map((e) => e.name);
    await Deno.chown(`${mine}/${entry}`, 65534, 65534);
    await emu.resetFaults();
    const planted = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(mine) });
    assert.equal(planted.code, 0);
    assert.match(planted.stderr, /token cache: ignored .*not a private file of this user/);
    assert.equal((await emu.requests())["imds-token"], 1, "the foreign entry was refetched");
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token cache: a 401 to a cached token drops the entry and retries once with a fresh token", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-" });
  try {
    // Plant a "revoked" token: an expired one, recorded as valid for an hour.
    await emu.fault({ target: "imds-token", kind: "expired-token" });
    const revoked = await vmToken(emu, "https://vault.azure.net");
    const key = cacheKey({ authority: emu.manifest.imdsEndpoint, kind: "IMDS", identity: "system" }, "https://vault.azure.net");
    const path = `${dir}/${await keyId(key)}.json`;
    const entry = { token: revoked, expiresOn: Math.floor(Date.now() / 1000) + 3600, resource: key.resource, source: "ManagedIdentity (IMDS)" };
    await Deno.writeTextFile(path, encodeEntry(key, entry, FILE_MODE_PROTECTOR), { mode: 0o600 });

    await emu.resetFaults();
    const r = await emu.kvmi([...GET, "--verbose"], { env: tokenCacheOn(dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, SECRET);
    assert.match(r.stderr, /retrying once with a fresh token/);
    assert.deepEqual(await emu.requests(), { "imds-token": 1, keyvault: 2 });
    assert.notEqual(JSON.parse(await Deno.readTextFile(path)).token, revoked, "the refused token is gone");

    // A freshly fetched token that is no good is not retried, and not kept: kvmi refuses an
    // already-expired IMDS token before sending it anywhere.
    await Deno.remove(path);
    await emu.resetFaults();
    await emu.fault({ target: "imds-token", kind: "expired-token" });
    const refused = await emu.kvmi(GET, { env: tokenCacheOn(dir) });
    assert.equal(refused.code, 3);
    assert.deepEqual(await emu.requests(), { "imds-token": 1 });
    assert.equal(await Deno.stat(path).then(() => true, () => false), false);
  } finally {
    await emu.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
