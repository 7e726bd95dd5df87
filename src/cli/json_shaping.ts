/**
 * What shapes a command's JSON output: `--query EXPR` and `-o tsv`, read from the command line
 * before the command parses it (main.ts needs them first, to load the query library only when
 * `--query` is given). Arguments after `--` belong to another program and are not read.
 *
 * @example
 * ```ts
 * import { peekJsonShaping } from "./json_shaping.ts";
 * peekJsonShaping(["vm", "list", "--query", "[].name", "-o", "tsv"]); // { query: "[].name", tsv: true }
 * ```
 * @module
 */

/** The `--query` expression (if any) and whether `-o tsv` was asked for. */
export interface JsonShaping {
  query?: string;
  tsv: boolean;
}

/** Reads `--query` and `-o/--output tsv` from `args` (the last one given wins, as the parser's). */
export function peekJsonShaping(args: readonly string[]): JsonShaping {
  const shaping: JsonShaping = { tsv: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") break;
    if (a === "--query") shaping.query = args[++i];
    else if (a.startsWith("--query=")) shaping.query = a.slice(8);
    else if (a === "-o" || a === "--output") shaping.tsv = args[++i] === "tsv";
    else if (a.startsWith("--output=") || (a.startsWith("-o") && !a.startsWith("--"))) shaping.tsv = a.slice(a.startsWith("-o") ? 2 : 9) === "tsv";
  }
  return shaping;
}
