/**
 * Reading files and stdin with a limit: at most `maxBytes + 1` bytes are ever read, so
 * `/dev/zero`, a wrong file or an endless pipe is a usage error at once instead of memory
 * growing until the process is killed. Limits live in `limits.ts`.
 *
 * @example
 * ```ts
 * import { readFileBounded } from "./bounded_read.ts";
 * import { JSON_FILE_MAX_BYTES } from "./limits.ts";
 * const bytes = await readFileBounded("policy.json", JSON_FILE_MAX_BYTES, "--policy");
 * ```
 * @module
 */
import { usageError } from "./errors.ts";

const CHUNK = 64 * 1024;

/** Reads at most `maxBytes` of `path`; a larger file or a non-regular file that never ends is a usage error naming `what`. */
export async function readFileBounded(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    throw usageError(`Cannot read ${what} '${path}': ${reason(error)}.`);
  }
  try {
    if ((await file.stat()).isDirectory) throw usageError(`Cannot read ${what} '${path}': it is a directory.`);
    return await readBounded(file.readable, maxBytes, `${what} '${path}'`);
  } finally {
    try {
      file.close();
    } catch { /* the readable stream closed it */ }
  }
}

/** {@link readFileBounded} as UTF-8 text. */
export async function readTextFileBounded(path: string, maxBytes: number, what: string): Promise<string> {
  return new TextDecoder().decode(await readFileBounded(path, maxBytes, what));
}

/**
 * Synchronous {@link readTextFileBounded}, for the cloud profile and CA file loaded before any
 * await. Reads in 16 KiB steps, so a small file costs a small buffer (never `maxBytes` up front)
 * and `/dev/zero` stops past `maxBytes`. No stat first: a directory shows itself on the first read
 * (and a stat costs a cold process more than the read of a small file).
 */
export function readTextFileBoundedSync(path: string, maxBytes: number, what: string): string {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (error) {
    // Windows refuses to open a directory at all; Linux opens it and refuses the read below.
    throw directoryOr(path, what, error);
  }
  try {
    const step = new Uint8Array(16 * 1024);
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total <= maxBytes) {
      let n: number | null;
      try {
        n = file.readSync(step);
      } catch (error) {
        throw directoryOr(path, what, error);
      }
      if (n === null) break;
      chunks.push(step.slice(0, n));
      total += n;
    }
    if (total > maxBytes) throw tooLarge(`${what} '${path}'`, maxBytes);
    return new TextDecoder().decode(concatBytes(chunks, total));
  } finally {
    file.close();
  }
}

/** On a failed open or read: the usage error for a directory (a stat, on this failure path only), else `error` itself. */
function directoryOr(path: string, what: string, error: unknown): unknown {
  try {
    if (Deno.statSync(path).isDirectory) return usageError(`Cannot read ${what} '${path}': it is a directory.`);
  } catch {
    // Not even a stat: the original error says why.
  }
  return error;
}

/** The chunks as one array of `total` bytes (the single chunk itself when there is just one). */
export function concatBytes(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === total) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}

/** Reads all of stdin up to `maxBytes`. */
export async function readStdinBounded(maxBytes: number, what: string): Promise<Uint8Array> {
  return await readBounded(Deno.stdin.readable, maxBytes, `${what} on stdin`);
}

/** Reads a stream up to `maxBytes`, cancelling it as soon as it goes past. */
export async function readBounded(stream: ReadableStream<Uint8Array>, maxBytes: number, what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(what, maxBytes);
      }
      chunks.push(value.length > CHUNK ? value : value.slice());
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks, total);
}

function tooLarge(what: string, maxBytes: number) {
  return usageError(
    `${what} is larger than ${maxBytes} bytes, the most kvmi reads there.`,
    "Check the file name; README 'Limits and deadlines' lists every limit.",
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.replace(/: .*$/, "").trim() || error.message : String(error);
}
