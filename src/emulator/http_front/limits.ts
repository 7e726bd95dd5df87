/**
 * The connection-level limits of each emulated Azure front end: how long a client may take to
 * send a request head, how large the head and the body may be, and which application protocols
 * the TLS handshake offers (ALPN).
 *
 * Sources and choices:
 * - **ALPN.** Key Vault (`*.vault.azure.net`) negotiates HTTP/2 (Azure/azure-sdk-for-cpp#2848 and
 *   #2982: curl's HTTP/2 default broke the C++ Key Vault client, whose fix forced HTTP/1.1), ARM
 *   (`management.azure.com`) too (Azure/azure-sdk-for-go#21346, the HTTP/2 health-check issue),
 *   and Entra ID (`login.microsoftonline.com`) answers browsers and curl over h2 (common
 *   knowledge, not checked against a capture here). Attestation (`*.attest.azure.net`) is
 *   assumed to as well (UNCONFIRMED). So every https service offers `h2` then `http/1.1`, as
 *   before, and a client offering only `http/1.1` gets it; IMDS is plain HTTP/1.1 with no TLS.
 *   Where a service turns out to be HTTP/1.1 only, its `alpnProtocols` here is the one change.
 * - **Head size.** Key Vault sends `X-Powered-By: ASP.NET` (IIS on HTTP.sys), and Entra's and
 *   ARM's oversized-header refusals are HTTP.sys's page "Bad Request - Request Too Long / HTTP
 *   Error 400. The size of the request headers is too long." (microsoftgraph/microsoft-graph-docs
 *   #21903 and many sign-in reports). HTTP.sys's defaults are 16,384 bytes for the request line
 *   plus headers (`MaxRequestBytes`) and for one header line (`MaxFieldLength`). Over HTTP/2 the
 *   server's HPACK limit (`SETTINGS_MAX_HEADER_LIST_SIZE` 16,384) answers 431 instead. IMDS
 *   (`Server: IMDS/...`, not HTTP.sys) gets the same limits and page: its own are not published
 *   (UNCONFIRMED).
 * - **Body size.** ARM refuses bodies over 4 MB with 413 `RequestContentTooLarge` "The request
 *   content size exceeds the maximum size of 4 MB." (Azure/Azure-Landing-Zones#2644, azd's
 *   `service.arm.413` telemetry). For the other services the real cap and text are not published
 *   (UNCONFIRMED): the emulator uses ASP.NET Core's default request-body limit, 30,000,000 bytes,
 *   answered 413 with an empty body, as that server does.
 * - **Time.** A connection must deliver its first complete request head within
 *   {@link FrontLimits.headTimeoutMs} of being accepted (TLS handshake included), and every later
 *   head within that time of its first byte; a keep-alive connection may then sit idle (no byte
 *   in either direction from the client) for {@link FrontLimits.idleTimeoutMs}, HTTP.sys's
 *   120-second `IdleConnectionTimeout`. HTTP.sys's own `HeaderWait` is 120 s; Azure's front ends
 *   cut slow heads much sooner, and "a few seconds" is what the emulator promises.
 * @module
 */

/** The limits one front end enforces on every connection. */
export interface FrontLimits {
  /** Milliseconds a request head may take to arrive (from accept for the first, from its first byte later). */
  headTimeoutMs: number;
  /** Milliseconds a keep-alive connection may send nothing between requests or inside a body. */
  idleTimeoutMs: number;
  /** Bytes of request line plus headers (HTTP/1.1), and bytes of one header block (HTTP/2). */
  maxHeaderBytes: number;
  /** Bytes of one header line (HTTP/1.1). */
  maxFieldBytes: number;
  /** Bytes of one request body. */
  maxBodyBytes: number;
  /** How a body over {@link maxBodyBytes} is refused. */
  bodyRefusal: BodyRefusal;
  /** ALPN protocols offered, in the server's order of preference (TLS listeners only). */
  alpnProtocols: string[];
}

/** The answer to a body over the cap: ARM's JSON error, or the generic empty 413. */
export type BodyRefusal = "arm" | "generic";

/** Which emulated service a front end stands for. */
export type FrontService = "imds" | "entra" | "keyvault" | "arm" | "attestation";

/** The head timeout the emulator uses unless told otherwise. */
export const DEFAULT_HEAD_TIMEOUT_MS = 5_000;

const HTTP_SYS = { idleTimeoutMs: 120_000, maxHeaderBytes: 16_384, maxFieldBytes: 16_384 } as const;
const ASP_NET_CORE_MAX_BODY = 30_000_000;
const ARM_MAX_BODY = 4 * 1024 * 1024;
const H2_AND_H1 = ["h2", "http/1.1"];

/** The limits of one service's front end, with `headTimeoutMs` overridable (tests use a short one). */
export function frontLimits(service: FrontService, headTimeoutMs: number = DEFAULT_HEAD_TIMEOUT_MS): FrontLimits {
  const base = { ...HTTP_SYS, headTimeoutMs, maxBodyBytes: ASP_NET_CORE_MAX_BODY, bodyRefusal: "generic" as BodyRefusal, alpnProtocols: H2_AND_H1 };
  switch (service) {
    case "imds":
      return { ...base, alpnProtocols: [] };
    case "arm":
      return { ...base, maxBodyBytes: ARM_MAX_BODY, bodyRefusal: "arm" };
    case "entra":
    case "keyvault":
    case "attestation":
      return base;
  }
}
