/**
 * Multiplies the hostile tables out into cases: every bad input of every option of every
 * command, plus the identity options and hostile environments (all on `secret`, a sample on
 * the first table of every other top-level command that authenticates). Placeholders (`@NAME`) are files the suite writes first.
 * @module
 */
import { BAD_ENVIRONMENTS, BAD_IDENTITY, type BadInput, COMMANDS, type CommandTable } from "./tables.ts";

/** One generated case. */
export interface HostileCase {
  name: string;
  args: string[];
  stdin?: string | Uint8Array;
  env?: Record<string, string>;
  admin: boolean;
  code: number;
  message?: RegExp;
}

/** Pseudo-options in the tables that are not command-line options. */
export const PSEUDO_OPTIONS = ["stdin", "positional"];

/** `base` without `--option VALUE` (so the case's own value is the only one). */
export function withoutOption(base: string[], option: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    if (base[i] === `--${option}`) i++;
    else out.push(base[i]);
  }
  return out;
}

function caseFor(table: CommandTable, option: string | undefined, bad: BadInput): HostileCase {
  const own = bad.args ?? (option && !PSEUDO_OPTIONS.includes(option) ? [`--${option}`, bad.value ?? ""] : []);
  const base = option ? withoutOption(table.base, option) : table.base;
  const conflicting = bad.args ? bad.args.filter((a) => a.startsWith("--")).map((a) => a.slice(2).replace(/=.*$/, "")) : [];
  const rest = conflicting.reduce((acc, o) => withoutOption(acc, o), base);
  return {
    name: `${table.command.join(" ")} ${option ? `--${option}` : ""} ${bad.label}`.replace(/\s+/g, " "),
    args: [...table.command, ...rest, ...own],
    stdin: bad.stdin ?? table.stdin,
    env: bad.env,
    admin: table.admin ?? false,
    code: bad.code ?? 2,
    message: bad.message,
  };
}

/** Every case, in table order. */
export function generateCases(tables: CommandTable[] = COMMANDS): HostileCase[] {
  const cases: HostileCase[] = [];
  const seen = new Set<string>();
  for (const table of tables) {
    for (const [option, bads] of Object.entries(table.options)) {
      for (const bad of bads) cases.push(caseFor(table, option, bad));
    }
    // The identity options and environments are shared code: once per top-level command is enough.
    const first = !seen.has(table.command[0]);
    seen.add(table.command[0]);
    if (table.authenticates && first) {
      const shared = [...BAD_IDENTITY, ...BAD_ENVIRONMENTS];
      // All of them on secret (the reference command), every third elsewhere: the code is shared.
      for (const bad of table.command[0] === "secret" ? shared : shared.filter((_, i) => i % 3 === 0)) cases.push(caseFor(table, undefined, bad));
    }
  }
  return cases;
}
