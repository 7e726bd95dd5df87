/**
 * A direct (proxy-free) request gets its own client only when a proxy variable is set; otherwise
 * IMDS and Key Vault share one client, so a cold `kvmi secret get` sets TLS up once.
 * @module
 */
import assert from "node:assert/strict";
import { proxyConfigured } from "../../src/http/http_client.ts";

Deno.test("a proxy counts as configured when any of Deno's proxy variables is non-empty", () => {
  assert.equal(proxyConfigured(() => undefined), false);
  assert.equal(proxyConfigured((n) => (n === "HTTP_PROXY" ? "" : undefined)), false);
  for (const name of ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) {
    assert.equal(proxyConfigured((n) => (n === name ? "http://proxy:3128" : undefined)), true, name);
  }
});
