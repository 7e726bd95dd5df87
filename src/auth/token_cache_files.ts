/**
 * The token cache's file operations: a folder made owner-only (0700) and refused when another
 * user owns it or others can write to it; entry files read without a lock and refused on the same
 * grounds (checked on the open file); writes to a temporary file (0600) renamed into place, so a
 * reader never sees half an entry. On Windows ownership and modes are not visible to Deno: the
 * profile's ACL and DPAPI protect the entries there.
 * @module
 */

import { verbose } from "../core/verbose.ts";

/** Whether `info` belongs to this user and cannot be written by anyone else (POSIX; true on Windows). */
export function ownedAndPrivate(info: Deno.FileInfo, uid: number | null = Deno.uid()): boolean {
  if (uid === null || info.uid === null || info.mode === null) return true;
  return info.uid === uid && (info.mode & 0o022) === 0;
}

/**
 * Creates the folder (0700) if missing and checks it; returns undefined when it can be used,
 * else why not (for a verbose note). An existing folder costs one lstat: mkdir only the first time.
 */
export async function prepareCacheDir(dir: string): Promise<string | undefined> {
  try {
    return checkedFolder(dir, await Deno.lstat(dir));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) return `the folder ${dir} cannot be read (${errorName(error)})`;
  }
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) return `the folder ${dir} cannot be created (${errorName(error)})`;
  }
  return await checkCacheDir(dir);
}

/** Checks an existing folder without changing it; returns why it cannot be used, or undefined. */
export async function checkCacheDir(dir: string): Promise<string | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(dir);
  } catch (error) {
    return `the folder ${dir} cannot be read (${errorName(error)})`;
  }
  return checkedFolder(dir, info);
}

/** Why the folder `info` describes cannot hold the cache, or undefined when it can. */
function checkedFolder(dir: string, info: Deno.FileInfo): string | undefined {
  if (!info.isDirectory) return `${dir} is not a folder (a link or a file)`;
  if (!ownedAndPrivate(info)) return `the folder ${dir} is owned by another user or writable by others`;
  return undefined;
}

/** The largest entry file read: an entry is a token of a few KiB and its header. */
const ENTRY_MAX_BYTES = 64 * 1024;

/** Reads an entry file; undefined when missing, unreadable, or not owned by this user and private. */
export async function readPrivateFile(path: string): Promise<string | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    const info = await file.stat();
    if (!info.isFile || !ownedAndPrivate(info) || info.size > ENTRY_MAX_BYTES) {
      verbose(`token cache: ignored ${path}: not a private file of this user`);
      return undefined;
    }
    // Read straight into one buffer (a stream would cost a cold process milliseconds); one byte
    // more than the size stat saw shows a file that grew meanwhile, which is read as unusable.
    const bytes = new Uint8Array(info.size + 1);
    let total = 0;
    while (total < bytes.length) {
      const n = await file.read(bytes.subarray(total));
      if (n === null) break;
      total += n;
    }
    return total === info.size ? new TextDecoder().decode(bytes.subarray(0, total)) : undefined;
  } catch {
    return undefined;
  } finally {
    file.close();
  }
}

/** Writes `text` to `path` atomically: a 0600 temporary file in the same folder, then a rename. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temp, text, { createNew: true, mode: 0o600 });
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
}

/** Removes a file; a missing one is fine. */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch {
    return false;
  }
}

/** The names of the files in `dir` (empty when it cannot be read). */
export async function fileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch {
    return [];
  }
  return names.sort();
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "error";
}
