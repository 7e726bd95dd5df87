import assert from "node:assert/strict";
import { defaultCvmPolicy, evaluatePolicy, parsePolicy } from "../../src/skr/release_policy.ts";

const MAA = "https://sharedweu.weu.attest.azure.net";
const claims = {
  iss: MAA,
  "x-ms-attestation-type": "sevsnpvm",
  "x-ms-compliance-status": "azure-compliant-cvm",
  "x-ms-sevsnpvm-is-debuggable": false,
  "x-ms-sevsnpvm-vmpl": 0,
  "x-ms-isolation-tee": { "x-ms-attestation-type": "sevsnpvm" },
};

Deno.test("the default CVM policy holds for a compliant token and says which claim failed otherwise", () => {
  const policy = parsePolicy(defaultCvmPolicy(MAA));
  assert.equal(evaluatePolicy(policy, claims).allowed, true);
  const { "x-ms-compliance-status": _, ...nonCompliant } = claims;
  const refused = evaluatePolicy(policy, nonCompliant);
  assert.equal(refused.allowed, false);
  assert.match(refused.reason!, /claim 'x-ms-compliance-status' is missing/);
});

Deno.test("authority matches iss ignoring a trailing slash; another authority refuses", () => {
  const policy = parsePolicy(defaultCvmPolicy(MAA + "/"));
  assert.equal(evaluatePolicy(policy, claims).allowed, true);
  const other = evaluatePolicy(parsePolicy(defaultCvmPolicy("https://other.attest.azure.net")), claims);
  assert.equal(other.allowed, false);
  assert.match(other.reason!, /No authority in the policy matches the token issuer 'https:\/\/sharedweu/);
});

Deno.test("values compare by canonical string; nested anyOf inside allOf; dot paths; legacy 0.2 grammar", () => {
  const policy = parsePolicy({
    version: "1.0.0",
    anyOf: [{
      authority: MAA,
      allOf: [
        { claim: "x-ms-sevsnpvm-is-debuggable", equals: "false" },
        { claim: "x-ms-sevsnpvm-vmpl", equals: "0" },
        { claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "sevsnpvm" },
        { anyOf: [{ claim: "x-ms-compliance-status", equals: "nope" }, { claim: "x-ms-attestation-type", equals: "sevsnpvm" }] },
      ],
    }],
  });
  const result = evaluatePolicy(policy, claims);
  assert.equal(result.allowed, true);
  assert.ok(result.trace.some((t) => !t.held && /'nope'/.test(t.detail)), "the failing branch is traced too");
  const legacy = parsePolicy({
    version: "0.2",
    anyOf: [{ authority: MAA, allOf: [{ claim: "x-ms-attestation-type", condition: "equals", value: "sevsnpvm" }] }],
  });
  assert.equal(evaluatePolicy(legacy, claims).allowed, true);
  assert.equal(evaluatePolicy(legacy, { ...claims, "x-ms-attestation-type": "sgx" }).allowed, false);
});

Deno.test("malformed policies are rejected with the reason", () => {
  assert.throws(() => parsePolicy({ version: "9", anyOf: [] }), /Unsupported policy version/);
  assert.throws(() => parsePolicy({ version: "1.0.0", anyOf: [{ authority: "http://x", allOf: [] }] }), /https URL/);
  assert.throws(() => parsePolicy({ version: "1.0.0", anyOf: [{ authority: MAA, allOf: [{ claim: "a" }] }] }), /exactly one operator/);
  assert.throws(
    () => parsePolicy({ version: "1.0.0", anyOf: [{ authority: MAA, allOf: [{ claim: "a", equals: { x: 1 } }] }] }),
    /objects and arrays are not allowed/,
  );
  assert.throws(() => parsePolicy({ version: "1.0.0", anyOf: [{ authority: MAA, allOf: [{ claim: "a", equals: 1 }], anyOf: [] }] }), /both/);
});
