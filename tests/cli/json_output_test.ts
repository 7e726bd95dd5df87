import assert from "node:assert/strict";
import { sortKeysDeep, toTsv } from "../../src/cli/tsv.ts";
import { peekJsonShaping } from "../../src/cli/json_shaping.ts";
import { compileQuery, errorPosition } from "../../src/cli/json_query.ts";

/** What az prints for `--query Q -o tsv` on `doc` (az sorts the keys of the command's objects before the query). */
function azTsv(doc: unknown, query?: string): string {
  const sorted = sortKeysDeep(doc);
  return toTsv(query ? compileQuery(query)(sorted) : sorted);
}

const VMS = [
  { name: "KBDemo001VM", resourceGroup: "RGDEMO001", location: "westus", identity: { principalId: "p-1", type: "SystemAssigned" }, tags: null, running: true },
  { name: "KBDemo020", resourceGroup: "RGDEMO001", location: "westus", identity: null, tags: { env: "dev" }, running: false },
];

Deno.test("tsv follows the az CLI's documented shapes: scalars, lists, objects, lists of lists, null, booleans", () => {
  // `--query "[].{resource:resourceGroup, name:name}" -o tsv`: the query's key order, one VM a line (az docs' example).
  assert.equal(azTsv(VMS, "[].{resource:resourceGroup, name:name}"), "RGDEMO001\tKBDemo001VM\nRGDEMO001\tKBDemo020\n");
  // `--query "[].[name, resourceGroup]"`: a list per line, tab-separated.
  assert.equal(azTsv(VMS, "[].[name, resourceGroup]"), "KBDemo001VM\tRGDEMO001\nKBDemo020\tRGDEMO001\n");
  // A list of scalars: one per line; a missing value (null) is an empty line, not "None".
  assert.equal(azTsv(VMS, "[*].identity.principalId"), "p-1\n");
  assert.equal(azTsv(VMS, "[].[identity.principalId]"), "p-1\n\n");
  // A single scalar (`--query id -o tsv`): the bare value and a newline.
  assert.equal(azTsv(VMS, "[0].name"), "KBDemo001VM\n");
  assert.equal(azTsv(VMS, "[1].running"), "false\n");
  assert.equal(azTsv(42), "42\n");
  // An object without a query: values in alphabetical key order; nested objects and nulls as empty fields (az: "None").
  assert.equal(azTsv(VMS[0]), "\twestus\tKBDemo001VM\tRGDEMO001\ttrue\t\n");
  assert.equal(toTsv({ b: 1, a: null, c: { x: 1 }, d: [1, 2] }), "1\t\t\t2\n", "a nested array is its length, as knack writes it");
  // Nothing found: nothing printed, so `$id = kvmi …` is $null.
  assert.equal(azTsv(VMS, "[?name=='none'] | [0].name"), "");
  assert.equal(toTsv([]), "");
});

Deno.test("--query: the reference JMESPath library; bad expressions name the position", () => {
  assert.deepEqual(compileQuery("[?identity.type=='SystemAssigned'].name")(VMS), ["KBDemo001VM"]);
  assert.deepEqual(compileQuery("length(@)")(VMS), 2);
  assert.equal(errorPosition("a.b)"), 3);
  assert.equal(errorPosition("[*].x ^ y"), 6);
  assert.equal(errorPosition("foo[?a==`1`"), 11);
  assert.throws(() => compileQuery("[*].identity.principalId)"), (e: Error & { kind?: string }) => e.kind === "usage" && /position 25/.test(e.message));
  assert.throws(() => compileQuery("length(@, `1`)")(VMS), (e: Error & { kind?: string }) => e.kind === "usage" && /argument/i.test(e.message));
});

Deno.test("--query and -o tsv are read from the command line before the command parses it, never after --", () => {
  assert.deepEqual(peekJsonShaping(["list", "--query", "[].name", "-o", "tsv"]), { query: "[].name", tsv: true });
  assert.deepEqual(peekJsonShaping(["list", "--query=id", "--output=tsv"]), { query: "id", tsv: true });
  assert.deepEqual(peekJsonShaping(["list", "-otsv", "-o", "json"]), { tsv: false });
  assert.deepEqual(peekJsonShaping(["--env", "A=kv://v/s", "--", "prog", "--query", "x", "-o", "tsv"]), { tsv: false });
});
