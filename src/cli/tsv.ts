/**
 * `-o tsv` with the Azure CLI's rules: a scalar on its own line; an array one element per line; an
 * object (or an array inside an array) as one line of its values separated by tabs; `null` as an
 * empty field; `true`/`false` in lower case; inside a row, a nested object as an empty field and
 * a nested array as its length (knack's `_TsvOutput`, which az uses; the column count stays the same). Objects from the command's output are written in
 * their keys' alphabetical order (`sortKeysDeep`, applied before a query, as az does); objects a
 * query builds (`{name: name, id: id}`) keep the query's order. Values are written as they are,
 * so `$id = kvmi ... -o tsv` needs no trimming beyond the line end PowerShell and sh remove anyway.
 *
 * @example
 * ```ts
 * import { toTsv } from "./tsv.ts";
 * toTsv([{ name: "vm1", id: "/x" }, { name: "vm2", id: null }]); // "vm1\t/x\nvm2\t\n"
 * ```
 * @module
 */

/** Renders a JSON value as tsv; `null` (nothing found) renders as nothing at all. */
export function toTsv(value: unknown): string {
  if (value === null || value === undefined) return "";
  const rows = Array.isArray(value) ? value : [value];
  return rows.map((row) => tsvRow(row) + "\n").join("");
}

function tsvRow(row: unknown): string {
  if (Array.isArray(row)) return row.map(tsvField).join("\t");
  if (row !== null && typeof row === "object") return Object.values(row).map(tsvField).join("\t");
  return tsvField(row);
}

function tsvField(value: unknown): string {
  if (Array.isArray(value)) return String(value.length);
  if (value === null || value === undefined || typeof value === "object") return "";
  return String(value);
}

/** A copy of a JSON value with every object's keys in alphabetical order (az's order for tsv). */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep((value as Record<string, unknown>)[key]);
  return sorted;
}
