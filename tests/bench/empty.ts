/**
 * An empty Deno script: the cost of `deno run` itself, the floor for `kvmi --help`.
 *
 * @example
 * ```sh
 * deno run --allow-all --quiet tests/bench/empty.ts
 * ```
 * @module
 */
export {};
