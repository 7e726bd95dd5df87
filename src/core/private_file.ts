/**
 * Writing files only their owner can read, all at once or not at all: private keys (`key release
 * --out`, `attest --save-transfer-key`) and filled templates (`inject`). The content goes to a
 * temporary file in the target's folder (created new, mode 0600; on Windows its ACL set to the
 * current user alone before anything is written), is flushed, then renamed over the target
 * (`overwrite`) or hard-linked to it (without `overwrite`, so an existing file is never replaced,
 * even one created meanwhile). A rename replaces a symbolic link rather than writing through it.
 * On any failure the temporary file is removed and the target is untouched. The target can be
 * checked *before* the work that produces the content (a key release must not happen only to fail
 * on a missing folder).
 *
 * @example
 * ```ts
 * import { checkPrivateFileTarget, writePrivateFile } from "./private_file.ts";
 * await checkPrivateFileTarget("key.pem", false);
 * await writePrivateFile("key.pem", new TextEncoder().encode("-----BEGIN PRIVATE KEY-----\n..."), { overwrite: false });
 * ```
 * @module
 */
import { KvmiError, usageError } from "./errors.ts";

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

/** How {@link writePrivateFile} treats an existing target. */
export interface PrivateFileOptions {
  overwrite: boolean;
}

/** The error for a target that exists when overwriting was not asked for. */
export function fileExistsError(path: string): KvmiError {
  return new KvmiError(`'${path}' already exists; nothing was written.`, { code: "FileExists", kind: "other", hint: "Pass --force to replace it." });
}

/** Writes `data` to `path` atomically, owner-only; throws {@link fileExistsError} or a KvmiError naming the path. */
export async function writePrivateFile(path: string, data: Uint8Array, options: PrivateFileOptions): Promise<void> {
  const temp = temporaryPath(path);
  try {
    const file = await Deno.open(temp, { createNew: true, write: true, mode: 0o600 });
    try {
      if (Deno.build.os === "windows") await restrictToCurrentUser(temp);
      let offset = 0;
      while (offset < data.length) offset += await file.write(data.subarray(offset));
      await file.sync();
    } finally {
      file.close();
    }
    if (options.overwrite) await Deno.rename(temp, path);
    else await Deno.link(temp, path);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists && !options.overwrite) throw fileExistsError(path);
    if (error instanceof KvmiError) throw error;
    throw new KvmiError(`Cannot write '${path}': ${(error as Error).message}.`, { code: "WriteFailed", kind: "other" });
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

function temporaryPath(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), Deno.build.os === "windows" ? path.lastIndexOf("\\") : -1);
  const random = crypto.getRandomValues(new Uint8Array(8)).reduce((s, b) => s + b.toString(16).padStart(2, "0"), "");
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${random}.kvmi-tmp`;
}

/**
 * Windows: removes inherited ACEs and grants only the current user full control, naming the user by
 * SID (from `whoami /user`), which also holds for SYSTEM and gMSA scheduled tasks, whose
 * %USERDOMAIN%\%USERNAME% is not their account name. Both programs are started directly from System32.
 */
async function restrictToCurrentUser(path: string): Promise<void> {
  const system32 = `${Deno.env.get("SystemRoot") ?? "C:\\Windows"}\\System32`;
  const who = await new Deno.Command(`${system32}\\whoami.exe`, { args: ["/user", "/fo", "csv", "/nh"], stdout: "piped", stderr: "null" }).output();
  const sid = new TextDecoder().decode(who.stdout).match(/"(S-1-[0-9-]+)"/)?.[1];
  if (!who.success || sid === undefined) {
    throw new KvmiError(`Cannot restrict '${path}' to the current user: whoami /user failed (${who.code}).`, { code: "WriteFailed", kind: "other" });
  }
  const out = await new Deno.Command(`${system32}\\icacls.exe`, { args: [path, "/inheritance:r", "/grant:r", `*${sid}:F`], stdout: "null", stderr: "null" })
    .output();
  if (!out.success) {
    throw new KvmiError(`Cannot restrict '${path}' to the current user (${sid}): icacls failed (${out.code}).`, { code: "WriteFailed", kind: "other" });
  }
}
