/**
 * Checks of the KvMi module that run without PowerShell: manifest exports match Public\ (one
 * function per file, named for it), approved verbs, comment-based help with a synopsis and an
 * example, ASCII-only sources (Windows PowerShell 5.1 reads BOM-less files as ANSI), and a
 * lexical guard against PowerShell-7-only syntax. The authoritative AST check is
 * ps/KvMi/Tests/Syntax.Tests.ps1, which needs pwsh.
 */
import assert from "node:assert/strict";

const MODULE = new URL("../../ps/KvMi/", import.meta.url).pathname;
const APPROVED = ["Connect", "Disconnect", "Get", "Set", "Remove", "Undo", "Invoke", "Request", "Test", "New", "Add", "Clear", "Restore", "Grant", "Revoke"];

function psFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}${entry.name}`;
    if (entry.isDirectory && entry.name !== "Tests" && entry.name !== "bin") files.push(...psFiles(path + "/"));
    else if (/\.(ps1|psm1|psd1)$/.test(entry.name)) files.push(path);
  }
  return files;
}

function manifestExports(): string[] {
  const psd1 = Deno.readTextFileSync(`${MODULE}KvMi.psd1`);
  const block = psd1.match(/FunctionsToExport\s*=\s*@\(([\s\S]*?)\)/)![1];
  return [...block.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

Deno.test("the manifest exports exactly the Public functions, one per file, with approved verbs", () => {
  const publicFiles = [...Deno.readDirSync(`${MODULE}Public`)].map((e) => e.name.replace(/\.ps1$/, "")).sort();
  assert.deepEqual(manifestExports().sort(), publicFiles);
  for (const name of publicFiles) {
    const text = Deno.readTextFileSync(`${MODULE}Public/${name}.ps1`);
    const functions = [...text.matchAll(/^function\s+([\w-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(functions, [name], `${name}.ps1 defines exactly ${name}`);
    assert.ok(APPROVED.includes(name.split("-")[0]), `${name} uses an approved verb`);
    assert.match(name, /^[A-Z][a-z]+-Kv[A-Za-z]+$/, `${name} has the Kv noun prefix`);
    assert.match(text, /\.SYNOPSIS\s+\S/, `${name} has a synopsis`);
    assert.match(text, /\.EXAMPLE\s+\S/, `${name} has an example`);
    assert.match(text, /\[CmdletBinding\(/, `${name} is an advanced function`);
  }
  const psd1 = Deno.readTextFileSync(`${MODULE}KvMi.psd1`);
  assert.match(psd1, /CompatiblePSEditions\s*=\s*@\('Desktop', 'Core'\)/);
  assert.match(psd1, /PowerShellVersion\s*=\s*'5\.1'/);
  assert.match(psd1, /FormatsToProcess\s*=\s*@\('KvMi\.Format\.ps1xml'\)/);
  for (const key of ["CmdletsToExport", "VariablesToExport", "AliasesToExport"]) assert.match(psd1, new RegExp(`${key}\\s*=\\s*@\\(\\)`));
});

Deno.test("writes support ShouldProcess; secrets go on stdin, never as arguments", () => {
  for (const name of ["Set-KvSecret", "Remove-KvSecret", "Undo-KvSecretRemoval", "Invoke-KvRestMethod", "Invoke-KvKeyRelease"]) {
    const text = Deno.readTextFileSync(`${MODULE}Public/${name}.ps1`);
    assert.match(text, /SupportsShouldProcess = \$true/, name);
    assert.match(text, /\$PSCmdlet\.ShouldProcess\(/, name);
  }
  const set = Deno.readTextFileSync(`${MODULE}Public/Set-KvSecret.ps1`);
  assert.match(set, /-InputText \$plain/);
  assert.doesNotMatch(set, /\$arguments \+= .*\$plain/);
});

Deno.test("every format view hides SecretValue and Token", () => {
  const xml = Deno.readTextFileSync(`${MODULE}KvMi.Format.ps1xml`).replace(/<!--[\s\S]*?-->/g, "");
  assert.doesNotMatch(xml, /SecretValue|<PropertyName>Token</);
  for (const type of ["KvMi.Secret", "KvMi.AccessToken", "KvMi.HttpResponse", "KvMi.VM", "KvMi.Key"]) {
    assert.match(xml, new RegExp(`<TypeName>${type.replace(".", "\\.")}</TypeName>`));
  }
});

/** Returns the PowerShell-7-only constructs found in `source` (comments and strings ignored). */
function ps7OnlySyntax(source: string): string[] {
  const code = source
    .replace(/<#[\s\S]*?#>/g, "")
    .replace(/'[^'\n]*'/g, "''")
    .replace(/"(?:[^"`\n]|`.)*"/g, '""')
    .replace(/#.*$/gm, "");
  const patterns: [RegExp, string][] = [
    [/\?\?/, "null-coalescing ??"],
    [/\?\./, "null-conditional ?."],
    [/\?\[/, "null-conditional ?["],
    [/&&|\|\|/, "pipeline chain && / ||"],
    [/-Parallel\b/i, "ForEach-Object -Parallel"],
    [/^\s*class\s+\w+/im, "class definition"],
    [/\s\?\s[^:\n]+\s:\s/, "ternary ? :"],
    [/\bclean\s*\{/i, "clean block"],
  ];
  return patterns.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
}

Deno.test("the lexical guard finds PowerShell-7-only syntax and ignores it in strings and comments", () => {
  assert.deepEqual(ps7OnlySyntax("$a = $b ?? 'x'"), ["null-coalescing ??"]);
  assert.deepEqual(ps7OnlySyntax("$x = $ok ? 1 : 2"), ["ternary ? :"]);
  assert.deepEqual(ps7OnlySyntax("git pull && git push"), ["pipeline chain && / ||"]);
  assert.deepEqual(ps7OnlySyntax("1..3 | ForEach-Object -Parallel { $_ }"), ["ForEach-Object -Parallel"]);
  assert.deepEqual(ps7OnlySyntax("$n = $obj?.Name"), ["null-conditional ?."]);
  assert.deepEqual(ps7OnlySyntax("# a ?? b\n$s = 'x && y'\n<# $a ? 1 : 2 #>"), []);
});

Deno.test("module sources are ASCII and use no PowerShell-7-only syntax (lexical guard)", () => {
  for (const file of psFiles(MODULE)) {
    const bytes = Deno.readFileSync(file);
    assert.ok(bytes.every((b) => b < 0x80), `${file} is ASCII (5.1 reads BOM-less UTF-8 as ANSI)`);
    assert.deepEqual(ps7OnlySyntax(new TextDecoder().decode(bytes)), [], file);
  }
});
