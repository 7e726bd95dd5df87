/**
 * The bundle's CommonJS `require` rewrite (build/bundle_require.ts): a literal `node:` require
 * becomes a static import in the file that makes it, the runtime's `createRequire` becomes a stub,
 * and anything else fails the build instead of shipping.
 * @module
 */
import assert from "node:assert/strict";
import { rewriteBundleRequire } from "../../build/bundle_require.ts";

const RUNTIME = `var __defProp = Object.defineProperty;
import { createRequire as __deno_internal_createRequire } from "node:module";
var __require = __deno_internal_createRequire(import.meta.url);
var __commonJS = (cb, mod) => function __require2() { return mod; };
export { __require, __commonJS };
`;

Deno.test("a literal node: require becomes a static import in its own file, and node:module is gone", () => {
  const out = rewriteBundleRequire(
    new Map([
      ["chunk-runtime.js", RUNTIME],
      ["chunk-forge.js", 'import { __require } from "./chunk-runtime.js";\nvar c = __require("node:crypto"); var d = __require("node:crypto");\n'],
      ["main.js", 'import "./chunk-runtime.js";\nconsole.log(1);\n'],
    ]),
  );
  assert.doesNotMatch(out.get("chunk-runtime.js")!, /node:module/);
  assert.match(out.get("chunk-runtime.js")!, /throw new Error/);
  assert.equal(out.get("chunk-forge.js")!.match(/import \* as __kvmi_node_crypto from "node:crypto";/g)?.length, 1);
  assert.match(out.get("chunk-forge.js")!, /var c = __kvmi_node_crypto; var d = __kvmi_node_crypto;/);
  assert.equal(out.get("main.js"), 'import "./chunk-runtime.js";\nconsole.log(1);\n');
});

Deno.test("a require of anything but a literal node: built-in fails the build", () => {
  assert.throws(() => rewriteBundleRequire(new Map([["a.js", 'var x = __require("tslib");']])), /still calls require/);
  assert.throws(() => rewriteBundleRequire(new Map([["a.js", "var x = __require(name);"]])), /still calls require/);
  assert.throws(() => rewriteBundleRequire(new Map([["a.js", 'import { createRequire } from "node:module";']])), /node:module/);
});
