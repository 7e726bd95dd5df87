/**
 * Writing results and errors: JSON (default), raw, or a table; errors always on stderr.
 * @module
 */
import type { KvmiError } from "../core/errors.ts";
import { writeStderr, writeStdout } from "../core/stdio.ts";
import type { sortKeysDeep, toTsv } from "./tsv.ts";

/** The output formats every command accepts with `--output`. */
export type OutputFormat = "json" | "raw" | "table";

/** All values of {@link OutputFormat}, for validation and help text. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["json", "raw", "table"];

/**
 * Serialises JSON with every non-ASCII character escaped as `\uXXXX`, so that Windows
 * PowerShell 5.1 decodes it correctly whatever the console code page is.
 */
export function toAsciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}

/** The TSV renderer (`tsv.ts`), which main.ts loads only for `-o tsv`. */
export interface TsvRenderer {
  sortKeysDeep: typeof sortKeysDeep;
  toTsv: typeof toTsv;
}

/** How {@link printJson} shapes its document: a `--query` and `-o tsv` (set once by main.ts). */
export interface JsonOutputShape {
  query?: (value: unknown) => unknown;
  tsv?: TsvRenderer;
}

let shape: JsonOutputShape = {};

/** Sets how {@link printJson} shapes every document it prints in this run. */
export function setJsonOutputShape(next: JsonOutputShape): void {
  shape = next;
}

/**
 * Prints a JSON document followed by a newline; with `--query`, the query's result of exactly that
 * document; with `-o tsv`, that result as tab-separated values (`tsv.ts`).
 */
export function printJson(value: unknown): void {
  if (!shape.query && !shape.tsv) {
    writeStdout(toAsciiJson(value) + "\n");
    return;
  }
  let document: unknown = JSON.parse(JSON.stringify(value ?? null));
  if (shape.tsv) document = shape.tsv.sortKeysDeep(document);
  if (shape.query) document = shape.query(document);
  writeStdout(shape.tsv ? shape.tsv.toTsv(document) : toAsciiJson(document ?? null) + "\n");
}

/** A Unix time in seconds as ISO 8601 for tables; empty when absent. */
export function tableTime(seconds?: number): string {
  return seconds === undefined ? "" : new Date(seconds * 1000).toISOString();
}

/** Renders rows as an aligned text table with the given columns. */
export function renderTable(rows: Record<string, unknown>[], columns: string[]): string {
  const cells = rows.map((row) => columns.map((c) => cellText(row[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join("  ").trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n";
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value).replace(/[\r\n]+/g, " ");
}

/** Renders one object as `key  value` lines. */
export function renderProperties(value: Record<string, unknown>): string {
  const keys = Object.keys(value);
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cellText(value[k])}`).join("\n") + "\n";
}

/** Prints an error on stderr: a JSON object with `--output json`, otherwise plain lines. */
export function printError(error: KvmiError, format: OutputFormat): void {
  if (format === "json") {
    const body = { error: { code: error.code, status: error.status ?? null, message: error.message, hint: error.hint ?? null } };
    writeStderr(toAsciiJson(body) + "\n");
    return;
  }
  writeStderr(`kvmi: error: ${oneLine(error.message)}\n`);
  if (error.hint) writeStderr(`kvmi: hint: ${oneLine(error.hint)}\n`);
}

/** A message on one line: control characters (line breaks, escapes from hostile input) shown as `\uXXXX`. */
export function oneLine(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
