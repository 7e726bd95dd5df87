import assert from "node:assert/strict";
import { arcTokenDirectory, checkArcRealm } from "../../src/auth/managed_identity_arc.ts";

Deno.test("the Arc challenge file must be a .key file directly in the agent's token folder", () => {
  const dir = "/var/opt/azcmagent/tokens";
  assert.equal(checkArcRealm(`${dir}/abc123.key`, dir), `${dir}/abc123.key`);
  for (const realm of ["/etc/shadow", `${dir}/abc.txt`, `${dir}/sub/abc.key`, `${dir}/../../../etc/x.key`, "/var/opt/azcmagent/tokensX/a.key"]) {
    assert.throws(() => checkArcRealm(realm, dir), /refusing/, realm);
  }
});

Deno.test("the token folder is the agent's unless KVMI_ARC_TOKEN_DIR says otherwise", () => {
  if (Deno.build.os !== "windows") assert.equal(arcTokenDirectory(() => undefined), "/var/opt/azcmagent/tokens");
  assert.equal(arcTokenDirectory((n) => (n === "KVMI_ARC_TOKEN_DIR" ? "/x/y/" : undefined)), "/x/y");
});
