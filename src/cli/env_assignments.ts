/**
 * `NAME=VALUE` assignments for `kvmi run`: from `--env` options and from an env file (one per
 * line, blank lines and `#` comments skipped, an optional `export ` prefix, the value taken
 * verbatim after the first `=`, optionally in matching single or double quotes).
 *
 * @example
 * ```ts
 * import { parseAssignment, parseEnvFile } from "./env_assignments.ts";
 * parseAssignment("DB_PASSWORD=kv://kv-demo/db-password", "--env"); // { name: "DB_PASSWORD", value: "kv://kv-demo/db-password" }
 * parseEnvFile("# app\nAPI_KEY=kv://kv-demo/api-key\n", "app.env");
 * ```
 * @module
 */
import { usageError } from "../core/errors.ts";

/** One environment variable and the text assigned to it. */
export interface Assignment {
  name: string;
  value: string;
  /** Where it was written, for messages: `--env` or `FILE:LINE`. */
  origin: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses one `NAME=VALUE`; a missing `=` or a name that is not an environment variable name is a usage error. */
export function parseAssignment(text: string, origin: string): Assignment {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq).trim() : "";
  if (!NAME.test(name)) {
    // Without a valid name the text may be a pasted value: it is not echoed.
    throw usageError(
      `${origin}: ${eq > 0 ? `'${name}' is not an environment variable name` : "expected NAME=REFERENCE"}.`,
      "Names are letters, digits and underscores, not starting with a digit.",
    );
  }
  return { name, value: unquote(text.slice(eq + 1).trim()), origin };
}

/** Parses an env file's text; `file` names it in messages. */
export function parseEnvFile(text: string, file: string): Assignment[] {
  const assignments: Assignment[] = [];
  for (const [i, raw] of text.replace(/^\uFEFF/, "").split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    assignments.push(parseAssignment(line.replace(/^export\s+/, ""), `${file}:${i + 1}`));
  }
  return assignments;
}

function unquote(value: string): string {
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
  return quoted ? value.slice(1, -1) : value;
}
