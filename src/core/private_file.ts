/**
 * Writing a private key to a file safely: owner-only (0600), never through a symbolic link,
 * never over an existing file without `--force`, and the target checked *before* the work that
 * produces the key (a key release must not happen only to fail on a missing folder).
 *
 * @example
 * ```ts
 * import { checkPrivateFileTarget, writePrivateFile } from "./private_file.ts";
 * await checkPrivateFileTarget("key.pem", false);
 * await writePrivateFile("key.pem", new TextEncoder().encode("-----BEGIN PRIVATE KEY-----\n…"), false);
 * ```
 * @module
 */
import { usageError } from "./errors.ts";

/** Throws a usage error unless `path` can receive a new private file: its folder exists, and it is absent (or, with `force`, a regular file). */
export async function checkPrivateFileTarget(path: string, force: boolean): Promise<void> {
  const folder = path.includes("/") || path.includes("\\") ? path.replace(/[\\/][^\\/]*$/, "") || "/" : ".";
  const dir = await Deno.stat(folder).catch(() => undefined);
  if (!dir?.isDirectory) throw usageError(`Cannot write '${path}': the folder '${folder}' does not exist.`);
  let existing: Deno.FileInfo;
  try {
    existing = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw usageError(`Cannot write '${path}': ${(error as Error).message}.`);
  }
  if (existing.isSymlink) {
    throw usageError(`'${path}' is a symbolic link; kvmi writes private keys only to a plain file.`, "Remove the link or choose another path.");
  }
  if (!existing.isFile) throw usageError(`'${path}' exists and is not a file.`);
  if (!force) throw usageError(`'${path}' already exists.`, "Pass --force to overwrite it.");
}

/** Writes `bytes` to a new owner-only file at `path`; with `force` an existing regular file is replaced, a link never followed. */
export async function writePrivateFile(path: string, bytes: Uint8Array, force: boolean): Promise<void> {
  await checkPrivateFileTarget(path, force);
  if (force) await Deno.remove(path).catch(() => {});
  await Deno.writeFile(path, bytes, { mode: 0o600, createNew: true });
  if (Deno.build.os !== "windows") await Deno.chmod(path, 0o600);
}
