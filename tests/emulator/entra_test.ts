import assert from "node:assert/strict";
import { jwtClaims, startEmulator } from "../fixtures/emulator.ts";

Deno.test("Entra ID: OpenID configuration, JWKS and client credentials with AADSTS errors", async () => {
  const emu = await startEmulator();
  const { authorityHost, tenantId, admin } = emu.manifest;
  const post = async (form: Record<string, string>, tenant = tenantId) => {
    const res = await fetch(`${authorityHost}/${tenant}/oauth2/v2.0/token`, { method: "POST", client: emu.http, body: new URLSearchParams(form) });
    return { status: res.status, body: await res.json() };
  };
  try {
    const config = await (await fetch(`${authorityHost}/${tenantId}/v2.0/.well-known/openid-configuration`, { client: emu.http })).json();
    for (const k of ["authorization_endpoint", "token_endpoint", "issuer", "jwks_uri"]) assert.equal(typeof config[k], "string", k);
    const jwks = await (await fetch(config.jwks_uri, { client: emu.http })).json();
    assert.equal(jwks.keys[0].kty, "RSA");

    const ok = await post({
      grant_type: "client_credentials",
      client_id: admin.clientId,
      client_secret: admin.clientSecret,
      scope: "https://vault.azure.net/.default",
    });
    assert.equal(ok.status, 200);
    assert.equal(typeof ok.body.expires_in, "number");
    const claims = jwtClaims(ok.body.access_token);
    assert.equal(claims.aud, "https://vault.azure.net");
    assert.equal(claims.oid, admin.principalId);
    assert.equal(claims.xms_mirid, undefined);
    assert.equal(jwks.keys[0].kid, JSON.parse(atob(ok.body.access_token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/"))).kid);

    const cases: [Record<string, string>, string | undefined, number, string, number][] = [
      [
        { grant_type: "client_credentials", client_id: admin.clientId, client_secret: "nope", scope: "https://vault.azure.net/.default" },
        undefined,
        401,
        "invalid_client",
        7000215,
      ],
      [
        { grant_type: "client_credentials", client_id: "00000000-0000-0000-0000-000000000000", client_secret: "x", scope: "https://vault.azure.net/.default" },
        undefined,
        400,
        "unauthorized_client",
        700016,
      ],
      [
        { grant_type: "client_credentials", client_id: admin.clientId, client_secret: admin.clientSecret, scope: "https://vault.azure.net" },
        undefined,
        400,
        "invalid_scope",
        1002012,
      ],
      [
        { grant_type: "client_credentials", client_id: admin.clientId, client_secret: admin.clientSecret, scope: "https://unknown.example/.default" },
        undefined,
        400,
        "invalid_resource",
        500011,
      ],
      [{ grant_type: "password", client_id: admin.clientId }, undefined, 400, "unsupported_grant_type", 70003],
      [
        { grant_type: "client_credentials", client_id: admin.clientId, client_secret: admin.clientSecret, scope: "https://vault.azure.net/.default" },
        "11111111-2222-3333-4444-555555555555",
        400,
        "invalid_request",
        90002,
      ],
    ];
    for (const [form, tenant, status, error, code] of cases) {
      const r = await post(form, tenant);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error, error);
      assert.deepEqual(r.body.error_codes, [code]);
      assert.match(r.body.error_description, new RegExp(`^AADSTS${code}: `));
      assert.ok(!JSON.stringify(r.body).includes(admin.clientSecret));
    }
  } finally {
    await emu.stop();
  }
});
