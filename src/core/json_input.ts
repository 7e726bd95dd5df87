/**
 * Parsing JSON that a user handed kvmi (a file, stdin, an option): nesting is checked first,
 * in one linear pass that never recurses, so a document nested 20,000 deep is a usage error
 * rather than a stack overflow in whatever walks it later.
 *
 * @example
 * ```ts
 * import { parseJsonInput } from "./json_input.ts";
 * const policy = parseJsonInput('{"version":"1.0.0","anyOf":[]}', "--policy");
 * ```
 * @module
 */
import { usageError } from "./errors.ts";
import { JSON_MAX_DEPTH } from "./limits.ts";

/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Parses JSON text from `what`; too deep or invalid JSON is a usage error. */
export function parseJsonInput(text: string, what: string, maxDepth = JSON_MAX_DEPTH): unknown {
  if (jsonDepth(text) > maxDepth) throw usageError(`${what} is nested more than ${maxDepth} levels deep.`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${what} is not valid JSON: ${(error as Error).message}.`);
  }
}
