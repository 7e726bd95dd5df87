/**
 * The first look at a link-local endpoint (IMDS), as the Azure SDKs' IMDS probe does it: a short
 * *connect* timeout. Off Azure, packets to 169.254.169.254 go nowhere, so while the first attempt
 * runs, a TCP connect to the same host and port races it: no connection within
 * `IMDS_CONNECT_TIMEOUT_MS` aborts the attempt and the endpoint is reported unreachable at once,
 * without retries. Once connected, the first attempt gets the full `IMDS_ATTEMPT_TIMEOUT_MS`, so
 * an IMDS that is slow to issue its first token is waited for; if it sends nothing at all within
 * that time it is reported unreachable too. After any answer (any status) the retry policy applies
 * as documented. The racing connect starts only if the attempt has not finished within
 * `PROBE_DELAY_MS` (a healthy IMDS answers well within that), so an ordinary run never makes it.
 *
 * @example
 * ```ts
 * import { withShortFirstAnswer } from "./first_answer.ts";
 * import { HttpClient } from "./http_client.ts";
 * const http = new HttpClient();
 * const url = new URL("http://169.254.169.254/metadata/instance?api-version=2021-02-01");
 * const attempt = withShortFirstAnswer(url, (timeoutMs, signal) => http.send({ method: "GET", url, headers: { Metadata: "true" }, direct: true, timeoutMs, signal }));
 * const response = await attempt();
 * ```
 * @module
 */
import { KvmiError } from "../core/errors.ts";
import { IMDS_ATTEMPT_TIMEOUT_MS, IMDS_CONNECT_TIMEOUT_MS } from "../core/limits.ts";
import type { HttpResponse } from "./http_client.ts";

/** How long the first attempt runs before the TCP connect that checks IMDS is there starts. */
export const PROBE_DELAY_MS = 250;

/** One attempt: `timeoutMs` for the whole exchange, `signal` to abandon it early. */
export type Attempt = (timeoutMs: number, signal?: AbortSignal) => Promise<HttpResponse>;

/**
 * Wraps `send` so that its first attempt fails with code `NoAnswer` (never retried) when no TCP
 * connection to `target` is made within `connectMs`, or nothing answers within the attempt timeout.
 */
export function withShortFirstAnswer(target: URL, send: Attempt, connectMs = IMDS_CONNECT_TIMEOUT_MS): () => Promise<HttpResponse> {
  let answered = false;
  return async () => {
    if (answered) return await send(IMDS_ATTEMPT_TIMEOUT_MS);
    const abandon = new AbortController();
    let settled = false;
    let probe: Promise<void> | undefined;
    // A timeout signal rather than setTimeout: Deno's global setTimeout loads its Node timers module.
    AbortSignal.timeout(Math.min(PROBE_DELAY_MS, connectMs)).addEventListener("abort", () => {
      if (settled) return;
      probe = connects(target, Math.max(connectMs - PROBE_DELAY_MS, 1), abandon.signal).then((connected) => {
        if (!connected) abandon.abort();
      });
    });
    try {
      const response = await send(IMDS_ATTEMPT_TIMEOUT_MS, abandon.signal);
      answered = true;
      return response;
    } catch (error) {
      if (abandon.signal.aborted) throw noAnswer(`no connection to ${target.host} within ${connectMs} ms`);
      if (error instanceof KvmiError && error.code === "Timeout") throw noAnswer(`no answer within ${IMDS_ATTEMPT_TIMEOUT_MS} ms`);
      throw error;
    } finally {
      settled = true;
      // Only a running probe needs stopping; an ordinary run never started one.
      if (probe) {
        abandon.abort();
        await probe;
      }
    }
  };
}

/**
 * Whether a TCP connection to the URL's host and port is made within `ms`. True also when the
 * host refuses it (the attempt itself then fails at once, with the real reason) and when `stop`
 * ends the look early (the attempt is over).
 */
export async function connects(url: URL, ms: number, stop?: AbortSignal): Promise<boolean> {
  const timeout = AbortSignal.timeout(ms);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  try {
    const conn = await Deno.connect({ hostname, port, signal: stop ? AbortSignal.any([timeout, stop]) : timeout });
    conn.close();
    return true;
  } catch {
    return !timeout.aborted || stop?.aborted === true;
  }
}

function noAnswer(message: string): KvmiError {
  return new KvmiError(message, { code: "NoAnswer", kind: "unavailable" });
}
