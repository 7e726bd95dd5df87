import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { PUBLIC_ROOT_FINGERPRINTS } from "../../src/skr/release_verify.ts";

Deno.test("the pinned public roots are the real certificates (Debian ca-certificates)", () => {
  const files: Record<string, string> = {
    "DigiCert Global Root G2": "DigiCert_Global_Root_G2.pem",
    "DigiCert Global Root CA": "DigiCert_Global_Root_CA.pem",
    "Baltimore CyberTrust Root": "Baltimore_CyberTrust_Root.pem",
    "Microsoft RSA Root Certificate Authority 2017": "Microsoft_RSA_Root_Certificate_Authority_2017.pem",
  };
  for (const [name, fingerprint] of Object.entries(PUBLIC_ROOT_FINGERPRINTS)) {
    const cert = new X509Certificate(Deno.readTextFileSync(`/etc/ssl/certs/${files[name]}`));
    assert.match(cert.subject, new RegExp(name.replace("Root CA", "Root CA").split(" ").slice(0, 2).join(" ")), name);
    assert.equal(createHash("sha256").update(cert.raw).digest("hex"), fingerprint, name);
  }
});
