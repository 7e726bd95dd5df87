/**
 * Windows DPAPI (`crypt32!CryptProtectData`/`CryptUnprotectData`) for the current user through
 * Deno FFI, as MSAL and the az CLI protect their token caches: never `CRYPTPROTECT_LOCAL_MACHINE`,
 * always `CRYPTPROTECT_UI_FORBIDDEN`, entropy binding a blob to its cache key, the system buffer
 * copied out then freed with `LocalFree` (plaintext wiped first). Loaded only on Windows.
 *
 * NOT VERIFIED: written from the Win32 contract and the x64 `DATA_BLOB` layout (u32 length,
 * 4 bytes padding, pointer at offset 8); it has never run against a real crypt32.dll. Any
 * failure makes kvmi stop caching on Windows (see `token_protection.ts`), never write in clear.
 * @module
 */
import type { TokenProtector } from "./token_protection.ts";

const CRYPTPROTECT_UI_FORBIDDEN = 0x1;
const BLOB_BYTES = 16;

const CRYPT32_SYMBOLS = {
  CryptProtectData: { parameters: ["buffer", "buffer", "buffer", "pointer", "pointer", "u32", "buffer"], result: "i32" },
  CryptUnprotectData: { parameters: ["buffer", "pointer", "buffer", "pointer", "pointer", "u32", "buffer"], result: "i32" },
} as const;

const KERNEL32_SYMBOLS = {
  LocalFree: { parameters: ["pointer"], result: "pointer" },
} as const;

/** Opens crypt32 and kernel32 and returns a DPAPI protector for the current user. Throws if FFI is unavailable. */
export function openDpapi(): TokenProtector {
  const crypt32 = Deno.dlopen("crypt32.dll", CRYPT32_SYMBOLS);
  const kernel32 = Deno.dlopen("kernel32.dll", KERNEL32_SYMBOLS);
  const takeOut = (out: Uint8Array, wipe: boolean): Uint8Array => {
    const view = new DataView(out.buffer);
    const length = view.getUint32(0, true);
    const pointer = Deno.UnsafePointer.create(view.getBigUint64(8, true));
    if (pointer === null) throw new Error("DPAPI returned no buffer");
    try {
      const copy = new Uint8Array(length);
      Deno.UnsafePointerView.copyInto(pointer, copy);
      if (wipe) new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(pointer, length)).fill(0);
      return copy;
    } finally {
      kernel32.symbols.LocalFree(pointer);
    }
  };
  return {
    name: "dpapi",
    protect(plain, entropy) {
      if (plain.byteLength === 0) throw new RangeError("nothing to protect");
      const out = new Uint8Array(BLOB_BYTES);
      const ok = crypt32.symbols.CryptProtectData(dataBlob(plain), null, dataBlob(entropy), null, null, CRYPTPROTECT_UI_FORBIDDEN, out);
      if (ok === 0) throw new Error("CryptProtectData failed");
      return takeOut(out, false);
    },
    unprotect(sealed, entropy) {
      const out = new Uint8Array(BLOB_BYTES);
      const ok = crypt32.symbols.CryptUnprotectData(dataBlob(sealed), null, dataBlob(entropy), null, null, CRYPTPROTECT_UI_FORBIDDEN, out);
      if (ok === 0) throw new Error("CryptUnprotectData failed");
      return takeOut(out, true);
    },
  };
}

/** A `DATA_BLOB` pointing at `bytes`; the caller keeps `bytes` referenced until the call returns. */
function dataBlob(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const blob = new Uint8Array(BLOB_BYTES);
  const view = new DataView(blob.buffer);
  view.setUint32(0, bytes.byteLength, true);
  view.setBigUint64(8, Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes as Uint8Array<ArrayBuffer>)), true);
  return blob;
}
