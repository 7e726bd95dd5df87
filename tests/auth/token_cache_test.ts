import assert from "node:assert/strict";
import { credentialCacheScope } from "../../src/auth/identity_sources.ts";
import { SharedCacheCredential, withTokenCache } from "../../src/auth/shared_cache_credential.ts";
import { TokenCache } from "../../src/auth/token_cache.ts";
import { decodeEntryHeader, encodeEntry, openEntry } from "../../src/auth/token_cache_entry.ts";
import { ownedAndPrivate, prepareCacheDir } from "../../src/auth/token_cache_files.ts";
import { cacheKey, keyId } from "../../src/auth/token_cache_key.ts";
import { tokenCacheSettings } from "../../src/auth/token_cache_location.ts";
import { isStale, STALE_LOCK_MS } from "../../src/auth/token_cache_lock.ts";
import { FILE_MODE_PROTECTOR, loadTokenProtector, type TokenProtector } from "../../src/auth/token_protection.ts";
import { BUILTIN_CLOUDS } from "../../src/cloud/cloud.ts";
import type { AccessToken, TokenCredential } from "../../src/core/credential.ts";
import { HttpClient } from "../../src/http/http_client.ts";

const SCOPE = { authority: "http://169.254.169.254", kind: "IMDS", identity: "system" };
const KEY = cacheKey(SCOPE, "https://vault.azure.net");
const NOW = () => Math.floor(Date.now() / 1000);

/** A source that counts its fetches and answers after a short delay. */
class CountingSource implements TokenCredential {
  readonly source = "Counting";
  fetches = 0;
  async getToken(resource: string): Promise<AccessToken> {
    this.fetches++;
    await new Promise((r) => setTimeout(r, 30));
    return { token: `eyJ.token-${this.fetches}.sig`, expiresOn: NOW() + 3600, resource, source: this.source };
  }
}

Deno.test("token cache location: KVMI_TOKEN_CACHE_DIR, XDG_CACHE_HOME, HOME, LOCALAPPDATA; off by flag or variable", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.deepEqual(tokenCacheSettings(env({ HOME: "/home/a" }), false, "linux"), { enabled: true, dir: "/home/a/.cache/kvmi/tokens" });
  assert.deepEqual(tokenCacheSettings(env({ HOME: "/home/a", XDG_CACHE_HOME: "/x" }), false, "linux"), { enabled: true, dir: "/x/kvmi/tokens" });
  assert.deepEqual(tokenCacheSettings(env({ HOME: "/home/a", KVMI_TOKEN_CACHE_DIR: "/t" }), false, "linux"), { enabled: true, dir: "/t" });
  assert.deepEqual(tokenCacheSettings(env({ LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }), false, "windows"), {
    enabled: true,
    dir: "C:\\Users\\a\\AppData\\Local\\kvmi\\tokens",
  });
  assert.equal(tokenCacheSettings(env({ HOME: "/home/a" }), true, "linux").enabled, false);
  for (const off of ["off", "OFF", "0", "false"]) assert.equal(tokenCacheSettings(env({ HOME: "/h", KVMI_TOKEN_CACHE: off }), false, "linux").enabled, false);
  assert.equal(tokenCacheSettings(env({}), false, "linux").enabled, false, "no folder known: off");
});

Deno.test("token cache entry: round trip; another key, format, protection or a truncated file never yields a token", () => {
  const token: AccessToken = { token: "eyJ.abc.def", expiresOn: NOW() + 3600, resource: KEY.resource, source: "ManagedIdentity (IMDS)" };
  const text = encodeEntry(KEY, token, FILE_MODE_PROTECTOR);
  const header = decodeEntryHeader(text)!;
  assert.deepEqual(openEntry(header, KEY, FILE_MODE_PROTECTOR), { ...token, fromCache: true });
  assert.equal(openEntry(header, { ...KEY, resource: "https://management.azure.com/" }, FILE_MODE_PROTECTOR), undefined);
  assert.equal(openEntry(header, { ...KEY, identity: "clientId:x" }, FILE_MODE_PROTECTOR), undefined);
  const sealed: TokenProtector = { name: "dpapi", protect: (b) => b, unprotect: () => new Uint8Array([0xff]) };
  assert.equal(openEntry(header, KEY, sealed), undefined, "sealed another way");
  assert.equal(openEntry(decodeEntryHeader(encodeEntry(KEY, token, sealed))!, KEY, sealed), undefined, "bytes that do not open to a token");
  for (const bad of ["", "{", text.slice(0, 40), "null", "[]", JSON.stringify({ ...JSON.parse(text), format: "other/1" })]) {
    assert.equal(decodeEntryHeader(bad), undefined, bad);
  }
});

Deno.test("token cache: a Windows without DPAPI does not cache (here, where crypt32.dll cannot load)", async () => {
  assert.equal(typeof await loadTokenProtector("windows"), "string");
  assert.equal(await loadTokenProtector("linux"), FILE_MODE_PROTECTOR);
});

Deno.test("token cache lock: stale when its process is gone on this host or older than a fetch; never its own", () => {
  const now = Date.now();
  const host = "h";
  const lock = { pid: 4242, host, createdAt: now, nonce: "n" };
  assert.equal(isStale(lock, now, () => false, host), true, "holder gone");
  assert.equal(isStale(lock, now, () => true, host), false, "holder alive");
  assert.equal(isStale({ ...lock, host: "other" }, now, () => false, host), false, "another host's process is not judged");
  assert.equal(isStale({ ...lock, createdAt: now - STALE_LOCK_MS - 1 }, now, () => true, host), true, "too old");
  assert.equal(isStale({ ...lock, pid: Deno.pid }, now, () => false, host), false);
});

Deno.test("token cache files: another user's or a group/world-writable file or folder is refused", () => {
  const info = (uid: number, mode: number) => ({ uid, mode }) as Deno.FileInfo;
  assert.equal(ownedAndPrivate(info(1000, 0o100600), 1000), true);
  assert.equal(ownedAndPrivate(info(1000, 0o40700), 1000), true);
  assert.equal(ownedAndPrivate(info(1001, 0o100600), 1000), false);
  assert.equal(ownedAndPrivate(info(1000, 0o100622), 1000), false);
  assert.equal(ownedAndPrivate(info(1000, 0o40777), 1000), false);
});

Deno.test("token cache folder: created 0700 with its parents; an existing private one kept; a file, a link or an unreadable path refused", async () => {
  const root = await Deno.makeTempDir({ prefix: "kvmi-cache-dir-" });
  try {
    const nested = `${root}/a/b/tokens`;
    assert.equal(await prepareCacheDir(nested), undefined);
    assert.equal(Deno.statSync(nested).mode! & 0o777, 0o700);
    assert.equal(await prepareCacheDir(nested), undefined, "an existing private folder is used as it is");
    Deno.chmodSync(nested, 0o777);
    assert.match((await prepareCacheDir(nested))!, /owned by another user or writable by others/);

    Deno.writeTextFileSync(`${root}/file`, "");
    assert.match((await prepareCacheDir(`${root}/file`))!, /is not a folder/);
    assert.match((await prepareCacheDir(`${root}/file/tokens`))!, /cannot be read/, "a parent that is a file");
    Deno.mkdirSync(`${root}/real`, { mode: 0o700 });
    Deno.symlinkSync(`${root}/real`, `${root}/link`);
    assert.match((await prepareCacheDir(`${root}/link`))!, /is not a folder/, "a link to a folder is not followed");
    Deno.symlinkSync(`${root}/nowhere`, `${root}/dangling`);
    assert.match((await prepareCacheDir(`${root}/dangling`))!, /is not a folder/);
    assert.throws(() => Deno.statSync(`${root}/nowhere`), Deno.errors.NotFound, "nothing is created behind a dangling link");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("token cache: concurrent callers for one key in one folder fetch once; a dropped token is refetched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kvmi-cache-unit-" });
  try {
    const source = new CountingSource();
    const credentials = Array.from({ length: 8 }, () => new SharedCacheCredential(source, SCOPE, dir));
    const tokens = await Promise.all(credentials.map((c) => c.getToken(KEY.resource)));
    assert.equal(source.fetches, 1);
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(tokens.filter((t) => t.fromCache).length, 7, "all but the fetcher read the entry");
    await credentials[0].invalidate(tokens[0]);
    assert.equal(await Deno.stat(`${dir}/${await keyId(KEY)}.json`).then(() => true, () => false), false);
    const fresh = await credentials[1].getToken(KEY.resource);
    assert.equal(source.fetches, 2);
    assert.notEqual(fresh.token, tokens[0].token);
    assert.equal((await (await TokenCache.open(dir))!.read(KEY))?.token, fresh.token);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("token cache scope: per identity source, endpoint and selected identity; never a secret", () => {
  const cloud = { ...BUILTIN_CLOUDS.AzureCloud, imdsEndpoint: "http://127.0.0.1:9" };
  const base = { kind: "auto" as const, cloud, http: new HttpClient() };
  assert.deepEqual(credentialCacheScope({ ...base, selector: {}, env: () => undefined }), {
    authority: "http://127.0.0.1:9",
    identity: "system",
    kind: "IMDS",
  });
  assert.equal(credentialCacheScope({ ...base, selector: { clientId: "ABC" }, env: () => undefined })?.identity, "clientId:abc");
  const sp: Record<string, string> = { AZURE_TENANT_ID: "t1", AZURE_CLIENT_ID: "app", AZURE_CLIENT_SECRET: "s3cret-value" };
  const scope = credentialCacheScope({ ...base, selector: {}, env: (n) => sp[n] })!;
  assert.equal(scope.identity, "clientId:app");
  assert.ok(!JSON.stringify(scope).includes("s3cret-value"));
  assert.equal(
    credentialCacheScope({ ...base, selector: {}, env: (n) => ({ MSI_ENDPOINT: "x" } as Record<string, string>)[n] }),
    undefined,
    "unsupported hosts have none",
  );
  const off = withTokenCache(new CountingSource(), scope, { enabled: false, reason: "test" });
  assert.ok(off instanceof CountingSource);
});
