/**
 * Writing to stdout and stderr synchronously and completely: the one place kvmi touches the
 * process's standard streams.
 *
 * @example
 * ```ts
 * import { writeStderr } from "./stdio.ts";
 * writeStderr("kvmi: verbose: GET https://example.vault.azure.net/secrets/db\n");
 * ```
 * @module
 */

const encoder = new TextEncoder();

/** Writes text to stdout exactly as given. */
export function writeStdout(text: string): void {
  writeAll(Deno.stdout, encoder.encode(text));
}

/** Writes text to stderr exactly as given. */
export function writeStderr(text: string): void {
  writeAll(Deno.stderr, encoder.encode(text));
}

function writeAll(stream: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) offset += stream.writeSync(data.subarray(offset));
}
