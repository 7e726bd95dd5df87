/**
 * `--query EXPR`: a JMESPath expression evaluated by the reference JavaScript implementation
 * (npm `jmespath`, the dialect of the Python `jmespath` the Azure CLI uses). Loaded only when
 * `--query` is given (main.ts imports this module by name), so no other run loads the library.
 * A malformed expression is a usage error naming the character position where it goes wrong.
 *
 * @example
 * ```ts
 * import { compileQuery } from "./json_query.ts";
 * const query = compileQuery("[*].identity.principalId");
 * query([{ identity: { principalId: "p1" } }]); // ["p1"]
 * ```
 * @module
 */
import jmespath from "jmespath";
import { usageError } from "../core/errors.ts";

/** A compiled query: JSON value in, JSON value out. */
export type JsonQuery = (value: unknown) => unknown;

interface Token {
  type: string;
  start: number;
}

/** The part of the `jmespath` package kvmi uses (it ships no types). */
interface JmesPath {
  tokenize(expression: string): Token[];
  compile(expression: string): unknown;
  search(data: unknown, expression: string): unknown;
}

const lib = jmespath as unknown as JmesPath;

/**
 * Compiles `expression`; a syntax error is a usage error with its position (1-based). Some mistakes
 * pass the `jmespath` parser and fail only when evaluated whatever the data (an unknown function,
 * a dangling `.` that breaks the library): a trial run on `{}` finds those too, before anything is
 * sent. Errors that depend on the data (a function given the wrong type) are left for the real run.
 */
export function compileQuery(expression: string): JsonQuery {
  try {
    lib.compile(expression);
    trialRun(expression);
  } catch (error) {
    const position = errorPosition(expression);
    throw usageError(
      `--query: invalid JMESPath at position ${position + 1}: ${(error as Error).message}.\n  ${expression}\n  ${" ".repeat(position)}^`,
      "See https://jmespath.org/specification.html; quote the expression for your shell.",
    );
  }
  return (value) => {
    try {
      return lib.search(value, expression);
    } catch (error) {
      throw usageError(`--query: ${(error as Error).message}.`, "See https://jmespath.org/specification.html.");
    }
  };
}

/** Evaluates `expression` on `{}`, rethrowing only the errors no data could avoid. */
function trialRun(expression: string): void {
  try {
    lib.search({}, expression);
  } catch (error) {
    const e = error as Error;
    if (e.name === "TypeError" || /^Unknown function/.test(e.message)) throw new Error(e.name === "TypeError" ? "the expression is incomplete" : e.message);
  }
}

/**
 * Where an invalid expression goes wrong (0-based): the first character the lexer refuses, else the
 * start of the first token whose prefix fails for a reason other than ending too early, else the end.
 */
export function errorPosition(expression: string): number {
  let tokens: Token[];
  try {
    tokens = lib.tokenize(expression);
  } catch {
    for (let end = 1; end <= expression.length; end++) {
      if (!lexes(expression.slice(0, end))) return end - 1;
    }
    return expression.length;
  }
  const starts = tokens.map((t) => t.start).filter((s) => s < expression.length);
  for (const [i, start] of starts.entries()) {
    const end = starts[i + 1] ?? expression.length;
    try {
      lib.compile(expression.slice(0, end));
    } catch (error) {
      if (!/EOF/.test((error as Error).message)) return start;
    }
  }
  return expression.length;
}

function lexes(text: string): boolean {
  try {
    lib.tokenize(text);
    return true;
  } catch {
    return false;
  }
}
