/**
 * The per-key fetch lock: `<key>.lock`, created exclusively (`O_EXCL`/`CREATE_NEW`) by the one
 * process that fetches that key's token, holding `{pid, host, createdAt, nonce}`. Others wait for
 * it with a bounded, jittered poll. A lock is stale when its holder's process is gone (same host)
 * or it is older than the longest token fetch; a stale lock is renamed away and deleted only if
 * it still holds the nonce judged stale. No global mutex: each key has its own lock.
 * @module
 */

/** Older than this, a lock is stale whatever its holder: longer than a token fetch with every retry. */
export const STALE_LOCK_MS = 120_000;

/** What a lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
}

/** A lock this process holds. */
export interface HeldLock {
  path: string;
  nonce: string;
}

/** Tries to create the lock; returns it when this process now holds it, undefined when another does. */
export async function tryAcquireLock(path: string, now: number = Date.now()): Promise<HeldLock | undefined> {
  const info: LockInfo = { pid: Deno.pid, host: hostName(), createdAt: now, nonce: crypto.randomUUID() };
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return undefined;
    throw error;
  }
  try {
    await file.write(new TextEncoder().encode(JSON.stringify(info)));
  } finally {
    file.close();
  }
  return { path, nonce: info.nonce };
}

/** Releases a lock this process holds (only if the file still holds its nonce). */
export async function releaseLock(lock: HeldLock): Promise<void> {
  const current = await readLock(lock.path);
  if (current?.nonce === lock.nonce) await Deno.remove(lock.path).catch(() => {});
}

/** Reads a lock file; undefined when missing or not (yet) a complete lock. */
export async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    const v = JSON.parse(await Deno.readTextFile(path)) as Record<string, unknown>;
    if (typeof v.pid !== "number" || typeof v.host !== "string" || typeof v.createdAt !== "number" || typeof v.nonce !== "string") return undefined;
    return { pid: v.pid, host: v.host, createdAt: v.createdAt, nonce: v.nonce };
  } catch {
    return undefined;
  }
}

/** Whether a lock is stale: its holder is gone (same host), or it is older than {@link STALE_LOCK_MS}. */
export function isStale(info: LockInfo, now: number, alive: (pid: number) => boolean, host: string = hostName()): boolean {
  if (now - info.createdAt > STALE_LOCK_MS) return true;
  return info.host === host && info.pid !== Deno.pid && !alive(info.pid);
}

/**
 * Breaks the lock at `path` if it is stale; returns true when it removed one. A lock that is
 * half-written (no readable content) is stale only once its file is older than {@link STALE_LOCK_MS}.
 */
export async function breakIfStale(path: string, alive: (pid: number) => boolean = processAlive, now: number = Date.now()): Promise<boolean> {
  const info = await readLock(path);
  if (!info) {
    const mtime = (await Deno.lstat(path).catch(() => undefined))?.mtime?.getTime();
    if (mtime === undefined || now - mtime <= STALE_LOCK_MS) return false;
  } else if (!isStale(info, now, alive)) {
    return false;
  }
  const aside = `${path}.${crypto.randomUUID().slice(0, 8)}.stale`;
  try {
    await Deno.rename(path, aside);
  } catch {
    return false;
  }
  const moved = await readLock(aside);
  if (info && moved?.nonce !== info.nonce) {
    // Another process broke it first and took a fresh lock, which we just moved: put it back.
    await Deno.link(aside, path).catch(() => {});
  }
  await Deno.remove(aside).catch(() => {});
  return true;
}

/** Whether process `pid` exists on this machine (signal 0; EPERM means it exists as another user). */
export function processAlive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (error) {
    return !(error instanceof Deno.errors.NotFound) && !/ESRCH|No such process/i.test(String(error));
  }
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}
