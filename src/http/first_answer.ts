/**
 * The short first look at a link-local endpoint (IMDS), as the Azure SDKs' IMDS probe does: the
 * first attempt gets `IMDS_FIRST_ANSWER_TIMEOUT_MS`; if nothing at all answers by then the
 * endpoint is reported unreachable at once, without retries. Once it has answered (any status),
 * later attempts get the full per-attempt timeout and the retry policy applies as documented.
 * @module
 */
import { KvmiError } from "../core/errors.ts";
import { IMDS_ATTEMPT_TIMEOUT_MS, IMDS_FIRST_ANSWER_TIMEOUT_MS } from "../core/limits.ts";
import type { HttpResponse } from "./http_client.ts";

/** Wraps `send(timeoutMs)` so its first attempt is short and a silent endpoint fails with code `NoAnswer` (never retried). */
export function withShortFirstAnswer(send: (timeoutMs: number) => Promise<HttpResponse>): () => Promise<HttpResponse> {
  let answered = false;
  return async () => {
    if (answered) return await send(IMDS_ATTEMPT_TIMEOUT_MS);
    try {
      const response = await send(IMDS_FIRST_ANSWER_TIMEOUT_MS);
      answered = true;
      return response;
    } catch (error) {
      if (error instanceof KvmiError && error.code === "Timeout") {
        throw new KvmiError(`no answer within ${IMDS_FIRST_ANSWER_TIMEOUT_MS} ms`, { code: "NoAnswer", kind: "unavailable" });
      }
      throw error;
    }
  };
}
