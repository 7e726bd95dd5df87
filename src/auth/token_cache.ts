/**
 * The per-user token cache on disk, shared by every kvmi process of one OS user: one file per
 * key (`token_cache_key.ts`), read without a lock, written atomically, a token used only while it
 * has at least five minutes left. On a miss one process per key fetches under that key's lock
 * (`token_cache_lock.ts`) and the others wait for its entry, a few seconds at most, then fetch on
 * their own. A corrupt, truncated, foreign or mismatched entry is a miss and gets replaced, never
 * a crash and never a wrong token. Only access tokens go in.
 *
 * @example
 * ```ts
 * import { TokenCache } from "./token_cache.ts";
 * import { cacheKey } from "./token_cache_key.ts";
 * const cache = await TokenCache.open("/home/me/.cache/kvmi/tokens");
 * const key = cacheKey({ authority: "http://169.254.169.254", kind: "IMDS", identity: "system" }, "https://vault.azure.net");
 * if (cache) console.log(await cache.read(key));
 * ```
 * @module
 */
import type { AccessToken } from "../core/credential.ts";
import { verbose } from "../core/verbose.ts";
import { decodeEntryHeader, encodeEntry, type EntryHeader, openEntry } from "./token_cache_entry.ts";
import { checkCacheDir, fileNames, prepareCacheDir, readPrivateFile, removeIfPresent, writeFileAtomic } from "./token_cache_files.ts";
import { keyId, type TokenCacheKey } from "./token_cache_key.ts";
import { breakIfStale, releaseLock, tryAcquireLock } from "./token_cache_lock.ts";
import { loadTokenProtector, type TokenProtector } from "./token_protection.ts";

/** A cached token is used only while it has at least this long left. */
export const MIN_REMAINING_SECONDS = 300;
/** How long a process waits for another's fetch of the same key before fetching on its own. */
export const LOCK_WAIT_MS = 10_000;

/** One entry as `kvmi token cache list` shows it: never the token. */
export interface CacheListing {
  file: string;
  key?: TokenCacheKey;
  expiresOn?: number;
  source?: string;
  /** `valid` (usable), `expiring` (under five minutes left or expired) or `unreadable`. */
  state: "valid" | "expiring" | "unreadable";
}

/** The cache in one folder. */
export class TokenCache {
  readonly dir: string;
  #protector: TokenProtector;

  constructor(dir: string, protector: TokenProtector) {
    this.dir = dir;
    this.#protector = protector;
  }

  /** Opens (creating it 0700) the cache folder, or returns undefined with a verbose note when it must not be used. */
  static async open(dir: string): Promise<TokenCache | undefined> {
    const protector = await loadTokenProtector();
    if (typeof protector === "string") {
      verbose(`token cache: off, ${protector}; tokens stay in memory`);
      return undefined;
    }
    const problem = await prepareCacheDir(dir);
    if (problem) {
      verbose(`token cache: ignored, ${problem}`);
      return undefined;
    }
    return new TokenCache(dir, protector);
  }

  /** The cached token for `key` when it has at least five minutes left. */
  async read(key: TokenCacheKey): Promise<AccessToken | undefined> {
    return await this.#readFresh(`${this.dir}/${await keyId(key)}.json`, key);
  }

  /** The cached token for `key`, or one `fetch` shared through the key's lock, stored for the others. */
  async getOrFetch(key: TokenCacheKey, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    const id = await keyId(key);
    const entryPath = `${this.dir}/${id}.json`;
    const lockPath = `${this.dir}/${id}.lock`;
    const hit = await this.#readFresh(entryPath, key);
    if (hit) return hit;
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 10;
    for (;;) {
      let lock;
      try {
        lock = await tryAcquireLock(lockPath);
      } catch (error) {
        verbose(`token cache: cannot create a lock (${error instanceof Error ? error.name : "error"}); fetching without it`);
        return await fetch();
      }
      if (lock) {
        try {
          return await this.#readFresh(entryPath, key) ?? await this.#fetchAndStore(entryPath, key, fetch);
        } finally {
          await releaseLock(lock);
        }
      }
      if (await breakIfStale(lockPath)) {
        verbose("token cache: removed a stale lock");
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, 100);
      const waited = await this.#readFresh(entryPath, key);
      if (waited) return waited;
      if (Date.now() > deadline) {
        verbose(`token cache: lock-timeout after ${LOCK_WAIT_MS} ms; fetching on our own`);
        return await this.#fetchAndStore(entryPath, key, fetch);
      }
    }
  }

  /** Drops the entry for `key` if it still holds `token` (after a service refused it). */
  async drop(key: TokenCacheKey, token: AccessToken): Promise<void> {
    const path = `${this.dir}/${await keyId(key)}.json`;
    const text = await readPrivateFile(path);
    const header = text === undefined ? undefined : decodeEntryHeader(text);
    const held = header ? openEntry(header, key, this.#protector) : undefined;
    if (held?.token === token.token && await removeIfPresent(path)) verbose("token cache: dropped a refused token");
  }

  async #readFresh(path: string, key: TokenCacheKey): Promise<AccessToken | undefined> {
    const text = await readPrivateFile(path);
    if (text === undefined) return undefined;
    const header = decodeEntryHeader(text);
    const token = header ? openEntry(header, key, this.#protector) : undefined;
    if (!token) {
      verbose("token cache: discarded an unreadable or foreign entry");
      return undefined;
    }
    if (!hasTimeLeft(token.expiresOn)) return undefined;
    verbose("token cache: hit");
    return token;
  }

  async #fetchAndStore(path: string, key: TokenCacheKey, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    const token = await fetch();
    if (!hasTimeLeft(token.expiresOn)) return token;
    try {
      await writeFileAtomic(path, encodeEntry(key, token, this.#protector));
    } catch (error) {
      verbose(`token cache: could not write an entry (${error instanceof Error ? error.name : "error"})`);
    }
    return token;
  }
}

/** Lists the entries in `dir` (never a token); throws nothing, an unusable folder lists as empty with a reason. */
export async function listCache(dir: string): Promise<{ problem?: string; entries: CacheListing[] }> {
  if (!await exists(dir)) return { entries: [] };
  const problem = await checkCacheDir(dir);
  if (problem) return { problem, entries: [] };
  const entries: CacheListing[] = [];
  for (const file of (await fileNames(dir)).filter((n) => n.endsWith(".json"))) {
    const text = await readPrivateFile(`${dir}/${file}`);
    const header: EntryHeader | undefined = text === undefined ? undefined : decodeEntryHeader(text);
    if (!header) entries.push({ file, state: "unreadable" });
    else {entries.push({
        file,
        key: header.key,
        expiresOn: header.expiresOn,
        source: header.source,
        state: hasTimeLeft(header.expiresOn) ? "valid" : "expiring",
      });}
  }
  return { entries };
}

/** Removes every entry, lock and temporary file kvmi made in `dir`; returns how many, or why not. */
export async function clearCache(dir: string): Promise<{ problem?: string; removed: number }> {
  if (!await exists(dir)) return { removed: 0 };
  const problem = await checkCacheDir(dir);
  if (problem) return { problem, removed: 0 };
  let removed = 0;
  for (const name of await fileNames(dir)) {
    if (/\.(json|lock|tmp|stale)$/.test(name) && await removeIfPresent(`${dir}/${name}`)) removed++;
  }
  return { removed };
}

function hasTimeLeft(expiresOn: number): boolean {
  return expiresOn - Date.now() / 1000 >= MIN_REMAINING_SECONDS;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}
