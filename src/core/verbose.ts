/**
 * `--verbose` logging on stderr. Callers pass only what is safe to show: never a token,
 * a secret value or a client secret. URLs are logged without their query string values
 * for parameters that could carry secrets.
 *
 * @example
 * ```ts
 * import { setVerbose, verbose } from "./verbose.ts";
 * setVerbose(true);
 * verbose("GET https://kv-demo.vault.azure.net/secrets/db?api-version=...");
 * ```
 * @module
 */
import { writeStderr } from "./stdio.ts";

let enabled = false;

/** Turns verbose logging on or off for this process. */
export function setVerbose(on: boolean): void {
  enabled = on;
}

/** Whether `--verbose` is on. */
export function isVerbose(): boolean {
  return enabled;
}

/** Writes one verbose line, prefixed so it cannot be mistaken for output. */
export function verbose(message: string): void {
  if (enabled) writeStderr(`kvmi: verbose: ${message}\n`);
}
