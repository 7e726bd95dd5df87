/**
 * kvmi trusts the operating system's certificate store on Windows by setting
 * `DENO_TLS_CA_STORE=system,mozilla` early in the process. Windows cannot run here, so the
 * decision is tested as a function, and the mechanism it relies on (Deno reads the variable when it
 * builds its root store at the first TLS connection, so setting it at run time is enough) is tested
 * with Linux's `system` store, which rustls-native-certs takes from `SSL_CERT_FILE`: a server whose
 * CA is only in that file is trusted after the call and refused without it.
 * @module
 */
import assert from "node:assert/strict";
import { OS_AND_BUNDLED_ROOTS, trustOsCertificateStore, variablesSetForKvmi } from "../../src/http/os_trust_store.ts";
import { childEnvironment } from "../../src/core/child_process.ts";
import { baseEnv, startEmulator } from "../fixtures/emulator.ts";

function mapEnv(initial: Record<string, string>): { values: Map<string, string>; get(n: string): string | undefined; set(n: string, v: string): void } {
  const values = new Map(Object.entries(initial));
  return { values, get: (n) => values.get(n), set: (n, v) => void values.set(n, v) };
}

Deno.test("on Windows kvmi adds the system store to the bundled roots unless the administrator chose", () => {
  const unset = mapEnv({});
  assert.equal(trustOsCertificateStore("windows", unset), true);
  assert.equal(unset.values.get("DENO_TLS_CA_STORE"), OS_AND_BUNDLED_ROOTS);
  const chosen = mapEnv({ DENO_TLS_CA_STORE: "mozilla" });
  assert.equal(trustOsCertificateStore("windows", chosen), false);
  assert.equal(chosen.values.get("DENO_TLS_CA_STORE"), "mozilla");
  const linux = mapEnv({});
  assert.equal(trustOsCertificateStore("linux", linux), false);
  assert.equal(linux.values.has("DENO_TLS_CA_STORE"), false);
});

const PROBE = `
import { trustOsCertificateStore } from ${JSON.stringify(new URL("../../src/http/os_trust_store.ts", import.meta.url).href)};
if (Deno.args[1] === "trust") trustOsCertificateStore("windows");
try {
  const response = await fetch(Deno.args[0]);
  await response.body?.cancel();
  console.log("status " + response.status);
} catch (error) {
  console.log("refused " + (error instanceof Error ? (error.cause ?? error.message) : error));
}
`;

Deno.test("setting the variable before the first TLS connection makes Deno trust the system store in that process", async () => {
  const emu = await startEmulator();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-trust-" });
  try {
    const probe = `${dir}/probe.ts`;
    await Deno.writeTextFile(probe, PROBE);
    const vault = `${emu.manifest.vaults["kv-demo"].replace(/\/$/, "")}/secrets/x?api-version=7.5`;
    const run = async (mode: string) => {
      const env = { ...baseEnv(), SSL_CERT_FILE: emu.manifest.caCertFile };
      const out = await new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", "--quiet", probe, vault, mode], env, clearEnv: true }).output();
      return new TextDecoder().decode(out.stdout).trim();
    };
    assert.match(await run("plain"), /^refused .*(UnknownIssuer|certificate)/i);
    assert.match(await run("trust"), /^status 401$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await emu.stop();
  }
});

Deno.test("a program kvmi run starts does not inherit the trust-store variable kvmi set for itself", () => {
  const env = mapEnv({});
  trustOsCertificateStore("windows", env);
  assert.deepEqual(variablesSetForKvmi(), ["DENO_TLS_CA_STORE"]);
  const parent = { PATH: "/bin", DENO_TLS_CA_STORE: "system,mozilla" };
  assert.deepEqual(childEnvironment(parent, { DB_PASSWORD: "x" }, variablesSetForKvmi()), { PATH: "/bin", DB_PASSWORD: "x" });
  assert.deepEqual(childEnvironment(parent, { DENO_TLS_CA_STORE: "mozilla" }, variablesSetForKvmi()), { PATH: "/bin", DENO_TLS_CA_STORE: "mozilla" });
});
