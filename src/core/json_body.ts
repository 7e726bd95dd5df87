/**
 * Parsing JSON response bodies defensively: a proxy's HTML page or a truncated body must end
 * in a clear error, not a stack trace.
 *
 * @example
 * ```ts
 * import { parseJsonObject, stringField } from "./json_body.ts";
 * const body = parseJsonObject('{"access_token":"eyJ...","expires_on":"1700000000"}');
 * const token = stringField(body, "access_token");
 * ```
 * @module
 */

/** Parses a body as a JSON object; returns undefined when it is not one. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a string field, or undefined. */
export function stringField(obj: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = obj?.[name];
  return typeof value === "string" ? value : undefined;
}

/** The first line of an Entra/IMDS `error_description` (later lines carry trace ids and timestamps). */
export function firstLine(text: string): string {
  return text.split(/\r?\n/)[0].trim();
}
