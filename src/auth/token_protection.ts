/**
 * How a cached token is protected at rest, behind one small interface: on Windows with DPAPI for
 * the current user (`dpapi.ts`, loaded only there); elsewhere by the file's owner-only mode
 * (0600 in a 0700 folder), as the az CLI and MSAL do on Linux without a keyring.
 * @module
 */

/** Seals and opens cache entries' tokens. */
export interface TokenProtector {
  /** Recorded in each entry; an entry sealed another way is discarded. */
  readonly name: "none" | "dpapi";
  /** Seals `plain`; `entropy` binds the result to one cache key. Throws on failure. */
  protect(plain: Uint8Array, entropy: Uint8Array): Uint8Array;
  /** Opens what {@link protect} sealed with the same entropy. Throws on failure. */
  unprotect(sealed: Uint8Array, entropy: Uint8Array): Uint8Array;
}

/** POSIX: the bytes as they are; the file mode is the protection. */
export const FILE_MODE_PROTECTOR: TokenProtector = {
  name: "none",
  protect: (plain) => plain,
  unprotect: (sealed) => sealed,
};

/**
 * The protector for this OS, or the reason there is none (then kvmi does not cache). On Windows
 * DPAPI must load and pass a protect/unprotect round trip first; tokens are never written there
 * in clear.
 */
export async function loadTokenProtector(os: string = Deno.build.os): Promise<TokenProtector | string> {
  if (os !== "windows") return FILE_MODE_PROTECTOR;
  try {
    const { openDpapi } = await import("./dpapi.ts");
    const dpapi = openDpapi();
    const probe = crypto.getRandomValues(new Uint8Array(16));
    const entropy = new TextEncoder().encode("kvmi-token-cache-self-test");
    const back = dpapi.unprotect(dpapi.protect(probe, entropy), entropy);
    if (back.length !== probe.length || back.some((b, i) => b !== probe[i])) return "the DPAPI self-test returned different bytes";
    return dpapi;
  } catch (error) {
    return `DPAPI cannot be used (${error instanceof Error ? error.message : String(error)})`;
  }
}
