/**
 * The architecture, checked on the source: every relative import between `src/` folders follows
 * the one-way arrows `main → commands → cli`, `commands → clients → auth → http → cloud → core`,
 * `keyvault → skr`, and the emulator imports nothing outside itself but `skr/`. Imports inside
 * comments (module `@example`s) do not count.
 * @module
 */
import assert from "node:assert/strict";

const SRC = new URL("../src/", import.meta.url).pathname;

/** What each folder may import besides itself. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  skr: [],
  cloud: ["core"],
  http: ["cloud", "core"],
  auth: ["http", "cloud", "core"],
  imds: ["auth", "http", "cloud", "core"],
  arm: ["auth", "http", "cloud", "core"],
  attestation: ["auth", "http", "cloud", "core"],
  keyvault: ["auth", "http", "cloud", "core", "skr"],
  cli: ["core"],
  commands: ["keyvault", "arm", "imds", "attestation", "auth", "http", "cloud", "cli", "core", "skr", "emulator"],
  emulator: ["skr"],
  // main also sets up the process's TLS trust (http/os_trust_store.ts) before any command runs.
  "main.ts": ["commands", "cli", "http", "core"],
};

function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)"(\.[^"]+)"/gm)].map((m) => m[1]);
}

/** Every file below `dir` (the launchers' shell and PowerShell scripts as well as the TypeScript). */
function* allFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) yield* allFiles(`${dir}${entry.name}/`);
    else if (entry.isFile) yield `${dir}${entry.name}`;
  }
}

/** The TypeScript files below `dir`. */
function sourceFiles(dir: string): string[] {
  return [...allFiles(dir)].filter((file) => file.endsWith(".ts"));
}

function folderOf(path: string): string {
  return path.startsWith(SRC) ? path.slice(SRC.length).split("/")[0] : path.split("/").pop()!;
}

Deno.test("imports between src/ folders point one way, and the emulator and the client never import each other", () => {
  const wrong: string[] = [];
  let edges = 0;
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    for (const spec of importsOf(Deno.readTextFileSync(file))) {
      const to = folderOf(new URL(spec, `file://${file}`).pathname);
      if (to === from) continue;
      edges++;
      if (!(ALLOWED[from] ?? []).includes(to)) wrong.push(`${file.slice(SRC.length)} imports ${spec} (${from} → ${to})`);
    }
  }
  assert.ok(edges > 50, `found ${edges} imports between folders`);
  assert.deepEqual(wrong, []);
});

Deno.test("the architecture check sees static, dynamic and side-effect imports but not those in comments", () => {
  const source = [
    '/** @example\n * import { x } from "../commands/context.ts";\n */',
    'import { a } from "../core/errors.ts";',
    'import "../cloud/cloud.ts";',
    'const m = await import("../http/retry.ts");',
    '// import { y } from "../emulator/world.ts";',
  ].join("\n");
  assert.deepEqual(importsOf(source), ["../core/errors.ts", "../cloud/cloud.ts", "../http/retry.ts"]);
});

/**
 * Every source file is ASCII. V8 keeps a module's source as a string, in the dev form together
 * with the inline source map Deno's TypeScript emit appends (about three times the file): one
 * character beyond Latin-1 (an ellipsis in a comment) makes that string two bytes per character.
 * On a cold `secret get` that was 140 KB more young-generation allocation, enough for a
 * collection the bare-Deno floor never has. kvmi's own messages stay ASCII too, so Windows PowerShell 5.1,
 * which decodes a native command's output with the console's code page, shows it unchanged.
 */
Deno.test("every src/ file is ASCII (no two-byte module sources; output readable in any console code page)", () => {
  const offending: string[] = [];
  for (const file of allFiles(SRC)) {
    Deno.readTextFileSync(file).split("\n").forEach((line, i) => {
      const at = firstNonAscii(line);
      if (at >= 0) offending.push(`${file.slice(SRC.length)}:${i + 1}: ${JSON.stringify(line.slice(Math.max(0, at - 20), at + 20))}`);
    });
  }
  assert.deepEqual(offending, [], "write ... for an ellipsis, -> for an arrow, or a \\u escape in a string");
});

/** The index of the first character beyond ASCII in `line`, or -1. */
function firstNonAscii(line: string): number {
  for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) > 0x7f) return i;
  return -1;
}
