/**
 * The first look at a link-local endpoint (IMDS), as the Azure SDKs' IMDS probe does it: a short
 * *connect* timeout. Off Azure, packets to 169.254.169.254 go nowhere, so while the first attempt
 * runs, a TCP connect to the same host and port races it: no connection within
 * `IMDS_CONNECT_TIMEOUT_MS` ends the wait and the endpoint is reported unreachable at once,
 * without retries. Once connected, the first attempt gets the full `IMDS_ATTEMPT_TIMEOUT_MS`, so
 * an IMDS that is slow to issue its first token is waited for; if it sends nothing at all within
 * that time it is reported unreachable too. After any answer (any status) the retry policy applies
 * as documented. The racing connect starts only if the attempt has not finished within
 * `PROBE_DELAY_MS` (a healthy IMDS answers well within that), so an ordinary run never makes it,
 * and the attempt itself carries only its own timeout.
 *
 * @example
 * ```ts
 * import { withShortFirstAnswer } from "./first_answer.ts";
 * import { HttpClient } from "./http_client.ts";
 * const http = new HttpClient();
 * const url = new URL("http://169.254.169.254/metadata/instance?api-version=2021-02-01");
 * const attempt = withShortFirstAnswer(url, (timeoutMs) => http.send({ method: "GET", url, headers: { Metadata: "true" }, direct: true, timeoutMs }));
 * const response = await attempt();
 * ```
 * @module
 */
import { KvmiError } from "../core/errors.ts";
import { IMDS_ATTEMPT_TIMEOUT_MS, IMDS_CONNECT_TIMEOUT_MS } from "../core/limits.ts";
import type { HttpResponse } from "./http_client.ts";

/** How long the first attempt runs before the TCP connect that checks IMDS is there starts. */
export const PROBE_DELAY_MS = 250;

/** One attempt: `timeoutMs` for the whole exchange. */
export type Attempt = (timeoutMs: number) => Promise<HttpResponse>;

/**
 * Wraps `send` so that its first attempt fails with code `NoAnswer` (never retried) when no TCP
 * connection to `target` is made within `connectMs`, or nothing answers within the attempt timeout.
 * A failed probe ends the wait at once; the abandoned attempt ends by its own timeout, unobserved.
 */
export function withShortFirstAnswer(target: URL, send: Attempt, connectMs = IMDS_CONNECT_TIMEOUT_MS): () => Promise<HttpResponse> {
  let answered = false;
  return async () => {
    if (answered) return await send(IMDS_ATTEMPT_TIMEOUT_MS);
    let settled = false;
    let unreachable: (error: KvmiError) => void = () => {};
    const noConnection = new Promise<never>((_, reject) => unreachable = reject);
    // A timeout signal rather than setTimeout: Deno's global setTimeout loads its Node timers module.
    AbortSignal.timeout(Math.min(PROBE_DELAY_MS, connectMs)).addEventListener("abort", () => {
      if (settled) return;
      connects(target, Math.max(connectMs - PROBE_DELAY_MS, 1)).then((connected) => {
        if (!connected && !settled) unreachable(noAnswer(`no connection to ${target.host} within ${connectMs} ms`));
      });
    });
    try {
      const response = await Promise.race([send(IMDS_ATTEMPT_TIMEOUT_MS), noConnection]);
      answered = true;
      return response;
    } catch (error) {
      if (error instanceof KvmiError && error.code === "Timeout") throw noAnswer(`no answer within ${IMDS_ATTEMPT_TIMEOUT_MS} ms`);
      throw error;
    } finally {
      settled = true;
    }
  };
}

/**
 * Whether a TCP connection to the URL's host and port is made within `ms`. True also when the
 * host refuses it (the attempt itself then fails at once, with the real reason).
 */
export async function connects(url: URL, ms: number): Promise<boolean> {
  const timeout = AbortSignal.timeout(ms);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  try {
    const conn = await Deno.connect({ hostname, port, signal: timeout });
    conn.close();
    return true;
  } catch {
    return !timeout.aborted;
  }
}

function noAnswer(message: string): KvmiError {
  return new KvmiError(message, { code: "NoAnswer", kind: "unavailable" });
}
