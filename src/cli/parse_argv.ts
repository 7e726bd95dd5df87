/**
 * A small, strict command-line parser with the option shape of `node:util` `parseArgs`, written
 * here because loading Node's compatibility layer for it costs every kvmi run about 10 ms of CPU
 * and 4 MiB, `--help` included (JSR's `@std/cli` is unreachable from the build machines).
 *
 * Accepts `--name value`, `--name=value`, `-x value`, `-xvalue`, grouped short booleans (`-hv`),
 * and `--` before positionals. Unknown options, missing or dash-like values for string options,
 * values given to booleans and positionals a command does not take are errors, with the wording
 * of `parseArgs`.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseArgv(["--vault", "kv", "-o", "raw", "x"], {
 *   vault: { type: "string" },
 *   output: { type: "string", short: "o" },
 * });
 * // values: { vault: "kv", output: "raw" }, positionals: ["x"]
 * ```
 * @module
 */

/** One option: a string (optionally repeatable) or a boolean flag, with an optional one-letter alias. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
}

/** Option specs by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed values: strings, booleans and repeatable strings, by long name. */
export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** What {@link parseArgv} returns. */
export interface ParsedArgv {
  values: ParsedValues;
  positionals: string[];
}

/** A malformed command line; the message says what is wrong with which option. */
export class ArgvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArgvError";
  }
}

/** Parses `args` against `options`; throws {@link ArgvError} for anything it does not accept. */
export function parseArgv(args: readonly string[], options: OptionSpecs, allowPositionals = true): ParsedArgv {
  const values: ParsedValues = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(options).filter(([, spec]) => spec.short).map(([name, spec]) => [spec.short!, name]));
  const store = (name: string, value: string | boolean): void => {
    if (options[name].multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string];
    else values[name] = value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    if (!long && arg.length > 2) {
      // -xVALUE for a string option (as parseArgs reads it, "=" included), else a group of flags such as -hv.
      const first = byShort.get(arg[1]);
      if (first !== undefined && options[first].type === "string") {
        store(first, arg.slice(2));
        continue;
      }
      for (const letter of arg.slice(1)) {
        const name = byShort.get(letter);
        if (name === undefined) throw new ArgvError(`Unknown option '-${letter}'`);
        if (options[name].type !== "boolean") throw new ArgvError(`Option '-${letter}, --${name} <value>' argument missing`);
        store(name, true);
      }
      continue;
    }
    const eq = long ? arg.indexOf("=") : -1;
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(long ? 2 : 1);
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const name = long ? key : byShort.get(key);
    if (name === undefined || !(name in options)) throw new ArgvError(`Unknown option '${long ? "--" : "-"}${key}'`);
    const spec = options[name];
    const shown = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new ArgvError(`Option '${shown}' does not take an argument`);
      store(name, true);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined) throw new ArgvError(`Option '${shown} <value>' argument missing`);
      if (next.startsWith("-") && next !== "-") {
        throw new ArgvError(`Option '${shown} <value>' argument is ambiguous: to pass a value that starts with a dash use '--${name}=${next}'`);
      }
      value = next;
      i++;
    }
    store(name, value);
  }
  if (!allowPositionals && positionals.length > 0) throw new ArgvError(`Unexpected argument '${positionals[0]}'`);
  for (const [name, spec] of Object.entries(options)) {
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
  }
  return { values, positionals };
}
