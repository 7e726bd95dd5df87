/**
 * What each command loads, read from Deno's module graph (`deno info --json`), not timed: the
 * entry point loads only the kernel and argument parsing; each command loads only its own path.
 * No command but `emulator` loads the emulator; `node:crypto`, `@peculiar` and `jose` load only
 * where the command uses them; `node:util` (Node's compatibility layer for parseArgs) never.
 * @module
 */
import assert from "node:assert/strict";
import { COMMAND_MODULES, QUERY_MODULE } from "../src/main.ts";

const SRC = new URL("../src/", import.meta.url).pathname;

/** External modules (node: built-ins and npm packages by name) each command may load. */
const ALLOWED_EXTERNAL: Record<string, string[]> = {
  token: ["jose"],
  whoami: ["jose"],
  secret: [],
  vault: [],
  rest: [],
  vm: [],
  role: [],
  imds: [],
  doctor: [],
  demo: [],
  run: [],
  inject: [],
  resource: [],
  attest: ["node:crypto", "jose"],
  key: ["node:crypto", "jose", "@peculiar/x509", "@peculiar/asn1-schema", "@peculiar/asn1-x509", "reflect-metadata"],
  cert: ["node:buffer", "node:crypto", "node-forge", "@types/node-forge", "@peculiar/x509", "reflect-metadata"],
};

/**
 * What a command loads before its subcommand runs (its static imports): the heavy libraries above
 * come in through `import()` only in the subcommands that use them (key release, cert
 * download/import/create and table output, attest), so `--help`, `key get` or `cert list` never load them.
 */
const STATIC_EXTERNAL: Record<string, string[]> = {
  attest: ["jose"],
  key: ["jose"],
  cert: [],
};

/** The PKCS#12 and X.509 libraries: only `cert` (and `key`, for X.509 chains) loads them. */
const CERTIFICATE_LIBRARIES = ["node-forge", "@peculiar/x509"];

interface Graph {
  local: string[];
  external: string[];
}

interface InfoModule {
  specifier: string;
  dependencies?: { isDynamic?: boolean | null; code?: { specifier: string } }[];
}

/**
 * What `path` reaches through static imports only (no `import()`): the local TypeScript modules
 * (what runs when `path` is evaluated) and the external modules by name.
 */
async function staticGraphOf(path: string): Promise<Graph> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", path], stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { roots: string[]; modules: InfoModule[] };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const local: string[] = [];
  const external = new Set<string>();
  const queue = [...info.roots];
  while (queue.length) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    if (!specifier.startsWith("file://")) {
      external.add(specifier.startsWith("npm:") ? specifier.match(/^npm:\/?((?:@[^/]+\/)?[^@/]+)/)![1] : specifier);
      continue;
    }
    local.push(new URL(specifier).pathname);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.isDynamic && dep.code) queue.push(dep.code.specifier);
    }
  }
  return { local, external: [...external].sort() };
}

async function graphOf(path: string): Promise<Graph> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", path], stdout: "piped", stderr: "piped" }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: { specifier: string }[] };
  const local: string[] = [];
  const external = new Set<string>();
  for (const { specifier } of info.modules) {
    if (specifier.startsWith("file://")) local.push(new URL(specifier).pathname);
    else if (specifier.startsWith("npm:")) external.add(specifier.match(/^npm:\/?((?:@[^/]+\/)?[^@/]+)/)![1]);
    else external.add(specifier);
  }
  return { local, external: [...external].sort() };
}

Deno.test("the entry point loads only the kernel and argument parsing, never a command; Windows' TLS trust set-up only on Windows", async () => {
  const main = await graphOf(`${SRC}main.ts`);
  assert.deepEqual(main.external, []);
  assert.deepEqual(main.local.filter((p) => !p.endsWith(".ts")), [], "no JSON module (deno.json): the version is a literal in main.ts");
  const folders = new Set(main.local.filter((p) => p.startsWith(SRC)).map((p) => p.slice(SRC.length).split("/")[0]));
  assert.deepEqual([...folders].sort(), ["cli", "core", "http", "main.ts"]);
  assert.deepEqual(main.local.filter((p) => p.startsWith(`${SRC}http/`)), [`${SRC}http/os_trust_store.ts`]);
  assert.deepEqual(
    (await staticGraphOf(`${SRC}main.ts`)).local.filter((p) => p.startsWith(`${SRC}http/`)),
    [],
    "os_trust_store.ts is imported on Windows only",
  );
});

/**
 * What a cold `kvmi secret get` evaluates on a VM (main.ts and the secret command through static
 * imports): none of the code for failures (Key Vault's error mapping and role table, the system
 * certificate store), for other identity sources, for the token cache itself, for `-o tsv` or for Windows.
 */
Deno.test("secret get evaluates only its own path: no error mapping, other identity sources, token cache, TSV or Windows code", async () => {
  const evaluated = new Set([...(await staticGraphOf(`${SRC}main.ts`)).local, ...(await staticGraphOf(`${SRC}commands/secret.ts`)).local]);
  const offPath = [
    "keyvault/keyvault_error.ts",
    "keyvault/data_action_roles.ts",
    "http/system_trust.ts",
    "http/os_trust_store.ts",
    "auth/client_secret.ts",
    "auth/entra_token_request.ts",
    "auth/managed_identity_app_service.ts",
    "auth/managed_identity_arc.ts",
    "auth/token_cache.ts",
    "cli/tsv.ts",
    "core/json_input.ts",
  ];
  assert.deepEqual(offPath.filter((p) => evaluated.has(`${SRC}${p}`)), []);
  assert.ok(evaluated.has(`${SRC}auth/managed_identity_imds.ts`) && evaluated.has(`${SRC}keyvault/secret_client.ts`));
  assert.ok(evaluated.size <= 34, `secret get evaluates ${evaluated.size} modules`);
});

Deno.test("each command loads only its own path: no emulator, no Node compatibility layer, crypto and x509 only where used", async () => {
  const graphs = await Promise.all(Object.entries(COMMAND_MODULES).map(async ([name, c]) => [name, await graphOf(`${SRC}${c.module.slice(2)}`)] as const));
  for (const [name, graph] of graphs) {
    assert.ok(!graph.external.includes("node:util"), `${name} loads node:util`);
    if (name === "emulator") continue;
    assert.deepEqual(graph.local.filter((p) => p.includes("/src/emulator/")), [], `${name} loads the emulator`);
    const allowed = ALLOWED_EXTERNAL[name];
    assert.ok(allowed, `ALLOWED_EXTERNAL has an entry for the command ${name}`);
    assert.deepEqual(graph.external.filter((e) => !allowed.includes(e)), [], `${name} loads only what it needs`);
  }
  for (const [name, graph] of graphs) {
    if (name === "cert" || name === "key" || name === "emulator") continue;
    assert.deepEqual(graph.external.filter((e) => CERTIFICATE_LIBRARIES.includes(e)), [], `${name} loads a certificate library`);
  }
  const cert = graphs.find(([name]) => name === "cert")![1];
  assert.ok(cert.external.includes("node-forge") && cert.external.includes("@peculiar/x509"), "cert loads node-forge and @peculiar/x509");
  const secret = graphs.find(([name]) => name === "secret")![1];
  assert.ok(secret.local.length <= 50, `secret loads ${secret.local.length} modules (43 with the token cache and input bounds)`);
});

Deno.test("key, cert and attest load node:crypto, PKCS#12 and X.509 only in the subcommands that use them", async () => {
  for (const [name, allowed] of Object.entries(STATIC_EXTERNAL)) {
    const externals = (await staticGraphOf(`${SRC}${COMMAND_MODULES[name].module.slice(2)}`)).external;
    assert.deepEqual(externals.filter((e) => !allowed.includes(e)), [], `${name} loads more than ${JSON.stringify(allowed)} before its subcommand runs`);
  }
});

Deno.test("--query's module loads the JMESPath library and nothing of a command; only main.ts imports it, by name", async () => {
  const query = await graphOf(`${SRC}${QUERY_MODULE.slice(2)}`);
  assert.deepEqual(query.external, ["jmespath"]);
  assert.deepEqual(query.local.map((p) => p.slice(SRC.length).split("/")[0]).filter((f) => f !== "cli" && f !== "core"), []);
});

Deno.test("every command module exports the function main.ts calls", async () => {
  for (const [name, c] of Object.entries(COMMAND_MODULES)) {
    const loaded = await import(new URL(c.module, new URL("../src/main.ts", import.meta.url)).href);
    assert.equal(typeof loaded[c.run], "function", `${name}: ${c.module} exports ${c.run}`);
  }
});
