import assert from "node:assert/strict";
import { queryNames, withQuery } from "../../src/http/query_string.ts";

Deno.test("withQuery: sets parameters percent-encoded, replaces one of the same name, keeps the others, skips undefined", () => {
  const url = withQuery("http://169.254.169.254/metadata/identity/oauth2/token", {
    "api-version": "2018-02-01",
    resource: "https://vault.azure.net",
    msi_res_id: "/subscriptions/s/resourceGroups/rg 1/providers/x",
    client_id: undefined,
  });
  assert.equal(
    url.href,
    "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net&msi_res_id=%2Fsubscriptions%2Fs%2FresourceGroups%2Frg%201%2Fproviders%2Fx",
  );
  // What a server reads back is exactly what was set.
  assert.equal(url.searchParams.get("msi_res_id"), "/subscriptions/s/resourceGroups/rg 1/providers/x");
  const replaced = withQuery("https://kv.vault.azure.net/secrets?api-version=1.0&maxresults=5&x", { "api-version": "7.5", $filter: "a eq 'b&c'" });
  assert.equal(replaced.search, "?maxresults=5&x&api-version=7.5&%24filter=a%20eq%20%27b%26c%27");
  assert.equal(replaced.searchParams.get("$filter"), "a eq 'b&c'");
  assert.equal(withQuery("https://h/p", {}).href, "https://h/p");
  assert.equal(withQuery(new URL("https://h/p?api%2Dversion=1"), { "api-version": "2" }).search, "?api-version=2");
});

Deno.test("queryNames: decoded names in order, values never; a malformed escape stays as written", () => {
  assert.deepEqual(queryNames(new URL("https://h/p?api-version=1&sig=SECRET&a+b=2&%E0%A4%A=3&flag")), ["api-version", "sig", "a b", "%E0%A4%A", "flag"]);
  assert.deepEqual(queryNames(new URL("https://h/p")), []);
});
