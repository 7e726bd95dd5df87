/**
 * The bundler's CommonJS `require` without Node's module system. When a bundled npm package is
 * CommonJS and calls `require("node:crypto")` (node-forge does), `deno bundle` defines `__require`
 * in its shared runtime chunk with `createRequire` from `node:module`, and that chunk is imported
 * by every entry point, `main.js` included: every kvmi run, `--help` too, would load Node's module
 * system (about 15 ms). This rewrite gives each file that calls `__require("node:X")` a static
 * `import * as … from "node:X"` of its own (so `node:crypto` loads only with the chunk that needs
 * it, e.g. PKCS#12 in `cert download`) and replaces the runtime's `createRequire` with a stub that
 * throws; the build fails if any other `require` is left.
 *
 * @example
 * ```ts
 * import { rewriteBundleRequire } from "./bundle_require.ts";
 * const files = rewriteBundleRequire(new Map([["main.js", "…"]]));
 * ```
 * @module
 */

/** How `deno bundle` defines `__require` in its runtime chunk. */
const CREATE_REQUIRE =
  /import \{ createRequire as __deno_internal_createRequire \} from "node:module";\s*var __require = __deno_internal_createRequire\(import\.meta\.url\);/;

/** A call of the bundler's require with a literal `node:` built-in. */
const NODE_REQUIRE = /\b__require\("node:([a-z_/]+)"\)/g;

/** The stub left in place of `createRequire`: any require the rewrite did not handle fails loudly. */
const STUB = 'var __require = (id) => { throw new Error(`kvmi bundle: require("${id}") is not available`); };';

function bindingFor(builtin: string): string {
  return `__kvmi_node_${builtin.replace(/[^a-z0-9]/gi, "_")}`;
}

/** Rewrites every file's `__require("node:X")` into a static namespace import; returns the new texts. */
export function rewriteBundleRequire(files: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, text] of files) {
    const builtins = new Set<string>();
    let rewritten = text.replace(NODE_REQUIRE, (_all, builtin: string) => {
      builtins.add(builtin);
      return bindingFor(builtin);
    });
    rewritten = rewritten.replace(CREATE_REQUIRE, STUB);
    if (/\b__require\(/.test(rewritten.replace(STUB, ""))) {
      throw new Error(`${name} still calls require() with something other than a literal node: built-in`);
    }
    if (/from "node:module"/.test(rewritten)) throw new Error(`${name} still imports node:module`);
    const imports = [...builtins].sort().map((b) => `import * as ${bindingFor(b)} from "node:${b}";\n`).join("");
    out.set(name, imports + rewritten);
  }
  return out;
}
