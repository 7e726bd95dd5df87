/**
 * Parses every KvMi PowerShell file with the tree-sitter PowerShell grammar (its WebAssembly
 * build, from npm), so a syntax error in the module is caught even where pwsh cannot be had.
 * The grammar is not PowerShell's own parser: ps/KvMi/Tests/Syntax.Tests.ps1 remains the
 * authoritative check when pwsh runs.
 */
import assert from "node:assert/strict";
import { Language, type Node, Parser } from "web-tree-sitter";

const GRAMMAR = "tree-sitter-powershell@0.26.4";
const MODULE = new URL("../../ps/KvMi/", import.meta.url).pathname;

async function grammarWasm(): Promise<string> {
  const cache = await new Deno.Command(Deno.execPath(), { args: ["cache", "--quiet", `npm:${GRAMMAR}`], stdout: "null", stderr: "piped" }).output();
  assert.ok(cache.success, new TextDecoder().decode(cache.stderr));
  const info = JSON.parse(new TextDecoder().decode((await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output()).stdout));
  const [name, version] = GRAMMAR.split("@");
  return `${info.npmCache}/registry.npmjs.org/${name}/${version}/tree-sitter-powershell.wasm`;
}

function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((e) => e.isDirectory ? files(`${dir}${e.name}/`) : /\.(ps1|psm1|psd1)$/.test(e.name) ? [`${dir}${e.name}`] : []);
}

function errors(node: Node): string[] {
  const own = node.type === "ERROR" || node.isMissing ? [`line ${node.startPosition.row + 1}: ${node.text.slice(0, 60).replace(/\s+/g, " ")}`] : [];
  return [...own, ...node.children.filter((c): c is Node => c !== null).flatMap(errors)];
}

Deno.test("every KvMi PowerShell file parses without syntax errors (tree-sitter grammar)", async () => {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(await grammarWasm()));
  const broken = parser.parse("function Get-X { param([string]$a) if ($a { 'x' } }")!;
  assert.ok(broken.rootNode.hasError, "the grammar does report errors");
  const all = files(MODULE);
  assert.ok(all.length >= 25);
  for (const file of all) {
    const tree = parser.parse(Deno.readTextFileSync(file))!;
    assert.deepEqual(errors(tree.rootNode), [], file);
  }
});
