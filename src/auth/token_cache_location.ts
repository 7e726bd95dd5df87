/**
 * Where the per-user token cache lives and whether it is on: `KVMI_TOKEN_CACHE_DIR` when set,
 * else `%LOCALAPPDATA%\kvmi\tokens` on Windows (SYSTEM gets its own profile's), else
 * `${XDG_CACHE_HOME:-$HOME/.cache}/kvmi/tokens`. `--no-token-cache` or `KVMI_TOKEN_CACHE=off`
 * turn it off.
 * @module
 */
import type { EnvReader } from "../cloud/cloud_profile.ts";

/** The cache's settings for one run: a folder, or off with the reason. */
export type TokenCacheSettings = { enabled: true; dir: string } | { enabled: false; reason: string };

/** Values of `KVMI_TOKEN_CACHE` that turn the cache off. */
const OFF_VALUES = ["off", "0", "false", "no", "disabled"];

/** Decides the cache folder from the environment and `--no-token-cache`; pure. */
export function tokenCacheSettings(env: EnvReader, noTokenCache: boolean, os: string = Deno.build.os): TokenCacheSettings {
  if (noTokenCache) return { enabled: false, reason: "--no-token-cache" };
  if (OFF_VALUES.includes((env("KVMI_TOKEN_CACHE") ?? "").trim().toLowerCase())) return { enabled: false, reason: "KVMI_TOKEN_CACHE=off" };
  const dir = tokenCacheDir(env, os);
  return dir ? { enabled: true, dir } : { enabled: false, reason: "no per-user cache folder (LOCALAPPDATA, XDG_CACHE_HOME or HOME) is known" };
}

/** The cache folder, on or off: `KVMI_TOKEN_CACHE_DIR`, else the per-user default for `os`. */
export function tokenCacheDir(env: EnvReader, os: string = Deno.build.os): string | undefined {
  const explicit = env("KVMI_TOKEN_CACHE_DIR");
  if (explicit) return explicit;
  return os === "windows" ? windowsCacheDir(env) : posixCacheDir(env);
}

function windowsCacheDir(env: EnvReader): string | undefined {
  const local = env("LOCALAPPDATA") ?? (env("USERPROFILE") ? `${env("USERPROFILE")}\\AppData\\Local` : undefined);
  return local ? `${local}\\kvmi\\tokens` : undefined;
}

function posixCacheDir(env: EnvReader): string | undefined {
  const base = env("XDG_CACHE_HOME") || (env("HOME") ? `${env("HOME")}/.cache` : undefined);
  return base ? `${base}/kvmi/tokens` : undefined;
}
