/**
 * Trust the operating system's certificate store on Windows, as the az CLI and the Az modules do,
 * so a TLS-inspecting corporate proxy or a private CA installed by the administrator works with no
 * setting. Deno trusts only its bundled Mozilla roots unless `DENO_TLS_CA_STORE` says otherwise,
 * and it reads that variable when it builds its root store, lazily, at the first TLS connection:
 * setting it early in the process is enough, in `deno run`, the release bundle and `deno compile`
 * alike (`../shared/reference/windows.md` section 6.2). On Linux the store is read only after a server's
 * certificate was refused (see system_trust.ts), so an ordinary run pays nothing for it; Windows
 * has no PEM bundle to read, so there the variable is set for every run.
 *
 * An administrator's own `DENO_TLS_CA_STORE` always wins.
 *
 * @example
 * ```ts
 * import { trustOsCertificateStore } from "./os_trust_store.ts";
 * trustOsCertificateStore(); // before the first fetch
 * ```
 * @module
 */

/** The value kvmi gives `DENO_TLS_CA_STORE`: the Windows store first, then the bundled roots. */
export const OS_AND_BUNDLED_ROOTS = "system,mozilla";

/** The environment as this module needs it (Deno.env, or a map in tests). */
export interface EnvironmentAccess {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

const setHere: string[] = [];

/**
 * Sets `DENO_TLS_CA_STORE=system,mozilla` when `os` is Windows and the variable is unset; returns
 * whether it did. Must run before the process's first TLS connection.
 */
export function trustOsCertificateStore(os: string = Deno.build.os, env: EnvironmentAccess = Deno.env): boolean {
  if (os !== "windows" || (env.get("DENO_TLS_CA_STORE") ?? "") !== "") return false;
  env.set("DENO_TLS_CA_STORE", OS_AND_BUNDLED_ROOTS);
  if (!setHere.includes("DENO_TLS_CA_STORE")) setHere.push("DENO_TLS_CA_STORE");
  return true;
}

/** The variables {@link trustOsCertificateStore} set for kvmi itself: programs kvmi starts do not inherit them. */
export function variablesSetForKvmi(): readonly string[] {
  return setHere;
}
