/**
 * `{{ ... }}` placeholders in a text template, for `kvmi inject`: finding the ones a predicate
 * accepts (the others stay as written, so a template may also hold another tool's `{{ x }}`), and
 * filling them in one pass (a value is never scanned again, so a secret containing `{{` is safe).
 *
 * @example
 * ```ts
 * import { fillTemplate, findPlaceholders } from "./template.ts";
 * const text = "password={{ kv://kv-demo/db }}\n";
 * const found = findPlaceholders(text, (inner) => inner.startsWith("kv://"));
 * fillTemplate(text, found, ["s3cret"]); // "password=s3cret\n"
 * ```
 * @module
 */

/** One accepted placeholder: its span in the template, the text inside the braces (trimmed) and its line. */
export interface Placeholder {
  start: number;
  end: number;
  inner: string;
  line: number;
}

const PLACEHOLDER = /\{\{[ \t]*([^{}\r\n]*?)[ \t]*\}\}/g;

/** Finds the placeholders whose inner text `accept` returns true for, in order. */
export function findPlaceholders(text: string, accept: (inner: string) => boolean): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!accept(match[1])) continue;
    const start = match.index;
    found.push({ start, end: start + match[0].length, inner: match[1], line: lineAt(text, start) });
  }
  return found;
}

/** Replaces each placeholder with the value at the same index. */
export function fillTemplate(text: string, placeholders: Placeholder[], values: string[]): string {
  let out = "";
  let at = 0;
  for (const [i, p] of placeholders.entries()) {
    out += text.slice(at, p.start) + values[i];
    at = p.end;
  }
  return out + text.slice(at);
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
