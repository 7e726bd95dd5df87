/**
 * Standard base64 and base64url between bytes and text, without a library: `cer` and PFX
 * values are standard base64, `x5t` is base64url without padding.
 *
 * @example
 * ```ts
 * import { decodeBase64, hex } from "./base64.ts";
 * console.log(hex(decodeBase64("AQID"))); // 010203
 * ```
 * @module
 */

/** Standard base64 (with padding) of `bytes`. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Bytes of standard base64 or base64url text (padding optional); throws a TypeError on anything else. */
export function decodeBase64(text: string): Uint8Array {
  const standard = text.replaceAll("-", "+").replaceAll("_", "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard)) throw new TypeError("not base64");
  const padded = standard.replace(/=+$/, "").padEnd(Math.ceil(standard.replace(/=+$/, "").length / 4) * 4, "=");
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Upper-case hexadecimal of `bytes`, as Windows shows a thumbprint. */
export function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}
