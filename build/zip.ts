/**
 * Reproducible zip archives: entries in a fixed (sorted) order, one fixed timestamp, Unix modes
 * kept (so `unzip` and .NET restore the executable bit), deflated with fflate. The same files
 * give the same bytes on every run.
 *
 * @example
 * ```ts
 * const bytes = reproducibleZip([{ path: "kvmi", data: launcher, executable: true }]);
 * ```
 * @module
 */
import { type Zippable, zipSync } from "fflate";

/** One file of an archive. */
export interface ZipEntry {
  /** Path inside the archive, with forward slashes. */
  path: string;
  data: Uint8Array;
  /** Marks the file executable (mode 0755 instead of 0644). */
  executable?: boolean;
}

/** Every entry's timestamp: 1 January 2000, 00:00 (zip times are local and start in 1980). */
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

/** Builds the archive; throws on a duplicate or unsafe path. */
export function reproducibleZip(entries: ZipEntry[]): Uint8Array {
  const tree: Zippable = {};
  const seen = new Set<string>();
  for (const entry of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (seen.has(entry.path)) throw new Error(`duplicate zip entry ${entry.path}`);
    if (entry.path.startsWith("/") || entry.path.split("/").includes("..")) throw new Error(`unsafe zip entry ${entry.path}`);
    seen.add(entry.path);
    const mode = entry.executable ? 0o100755 : 0o100644;
    tree[entry.path] = [entry.data, { level: 6, mtime: FIXED_TIME, os: 3, attrs: mode << 16 }];
  }
  return zipSync(tree);
}
