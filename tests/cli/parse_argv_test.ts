/**
 * kvmi's own argument parser against `node:util` `parseArgs` as the peer: the same values and
 * positionals for every accepted command line, an error wherever parseArgs (strict) has one.
 * @module
 */
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { ArgvError, type OptionSpecs, parseArgv } from "../../src/cli/parse_argv.ts";

const OPTIONS: OptionSpecs = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean" },
  output: { type: "string", short: "o" },
  vault: { type: "string" },
  tag: { type: "string", multiple: true },
  method: { type: "string", default: "GET" },
};

const ACCEPTED: string[][] = [
  [],
  ["--vault", "kv"],
  ["--vault=kv", "-o", "raw"],
  ["-o=json", "--verbose"],
  ["-ojson", "-h"],
  ["--tag", "a=1", "--tag", "b=2", "--tag=c=3"],
  ["-hv".replace("v", "h")],
  ["pos", "--vault", "kv", "more"],
  ["--vault", "kv", "--", "--not-an-option", "-o"],
  ["--vault", "-"],
  ["--vault=--dashed"],
  ["--vault", "first", "--vault", "second"],
  ["--method", "PUT"],
  ["--vault", 'a b \u00e9 & | ^ % "q"'],
  ["--vault="],
];

const REFUSED: [string[], RegExp][] = [
  [["--bogus"], /Unknown option '--bogus'/],
  [["-x"], /Unknown option '-x'/],
  [["--vault"], /Option '--vault <value>' argument missing/],
  [["-o"], /Option '-o, --output <value>' argument missing/],
  [["--verbose=yes"], /Option '--verbose' does not take an argument/],
  [["--vault", "--name"], /argument is ambiguous/],
];

Deno.test("parseArgv gives what node:util parseArgs gives for every accepted command line", () => {
  for (const args of ACCEPTED) {
    const ours = parseArgv(args, OPTIONS);
    const node = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
    assert.deepEqual({ ...ours.values }, { ...node.values }, JSON.stringify(args));
    assert.deepEqual(ours.positionals, node.positionals, JSON.stringify(args));
  }
});

Deno.test("parseArgv refuses what parseArgs refuses, naming the option", () => {
  for (const [args, message] of REFUSED) {
    assert.throws(() => parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true }), Error, `parseArgs refuses ${args}`);
    assert.throws(() => parseArgv(args, OPTIONS), (e: unknown) => e instanceof ArgvError && message.test(e.message), JSON.stringify(args));
  }
  assert.throws(() => parseArgv(["x"], OPTIONS, false), /Unexpected argument 'x'/);
});
