import assert from "node:assert/strict";
import { imdsRetryPolicy, retryAfterMs, sendWithRetry, serviceRetryPolicy } from "../../src/http/retry.ts";
import { setDeadline } from "../../src/core/deadline.ts";

const response = (status: number, headers: Record<string, string> = {}) => ({ response: { status, headers: new Headers(headers), body: "" } });

Deno.test("retryAfterMs reads retry-after-ms, x-ms-retry-after-ms, seconds and HTTP dates", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "250" })), 250);
  assert.equal(retryAfterMs(new Headers({ "x-ms-retry-after-ms": "40" })), 40);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "3" })), 3000);
  const date = retryAfterMs(new Headers({ "retry-after": new Date(Date.now() + 5000).toUTCString() }))!;
  assert.ok(date > 3000 && date <= 5000);
  assert.equal(retryAfterMs(new Headers()), undefined);
});

Deno.test("IMDS policy: documented backoff, Retry-After when longer, no retry for other 4xx", () => {
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => imdsRetryPolicy.nextDelay(n, response(500), 0)), [1000, 2000, 6000, 14000, 30000]);
  assert.equal(imdsRetryPolicy.nextDelay(6, response(500), 0), undefined);
  assert.equal(imdsRetryPolicy.nextDelay(1, response(429, { "retry-after": "10" }), 0), 10000);
  assert.equal(imdsRetryPolicy.nextDelay(1, response(400), 0), undefined);
  assert.equal(imdsRetryPolicy.nextDelay(1, response(403), 0), undefined);
  assert.equal(imdsRetryPolicy.nextDelay(20, response(410), 69_000), 5000, "410 retries for 70 seconds");
  assert.equal(imdsRetryPolicy.nextDelay(21, response(410), 70_000), undefined);
});

Deno.test("service policy: 408/429/5xx three times; 501, 505 and 4xx not at all", () => {
  assert.deepEqual([1, 2, 3].map((n) => serviceRetryPolicy.nextDelay(n, response(503), 0)), [1000, 2000, 4000]);
  assert.equal(serviceRetryPolicy.nextDelay(4, response(503), 0), undefined);
  assert.equal(serviceRetryPolicy.nextDelay(1, response(429, { "retry-after": "7" }), 0), 7000);
  for (const status of [400, 401, 403, 404, 409, 501, 505]) assert.equal(serviceRetryPolicy.nextDelay(1, response(status), 0), undefined, String(status));
});

Deno.test("a wait that would pass the command's deadline ends the retries with the last response", async () => {
  setDeadline(0);
  let attempts = 0;
  const started = Date.now();
  const last = await sendWithRetry(() => {
    attempts++;
    return Promise.resolve({ status: 429, headers: new Headers({ "retry-after": "100000" }), body: "" });
  }, serviceRetryPolicy);
  assert.equal(last.status, 429);
  assert.equal(attempts, 1);
  assert.ok(Date.now() - started < 1000);
});
