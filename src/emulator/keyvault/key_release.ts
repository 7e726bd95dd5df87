/**
 * `POST /keys/{name}/{version}/release`, as Key Vault does it: verify the attestation token
 * against its issuer's OpenID configuration and JWKS, match `iss` to a policy authority and
 * evaluate its conditions, take the first RSA encryption key in the token's top-level
 * `x-ms-runtime.keys`, wrap the private key as `key_hsm` (`skr/key_wrap.ts`), and answer a JWS
 * signed by the vault with an `x5c` chain. The client's side is `keyvault/key_release.ts`.
 * @module
 */
import { base64url, CompactSign, compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from "jose";
import type { KeyEntry, KeyVersion } from "./key_store.ts";
import { keyBundle, publicKeyJwk } from "./key_bundle.ts";
import { akvError, type VaultRequest } from "./vault_server.ts";
import { isObject, readJson } from "../http_util.ts";
import { type CertificateAuthority, issueRsaSigningIdentity } from "../tls.ts";
import { evaluatePolicy, parsePolicy } from "../../skr/release_policy.ts";
import { isReleaseEnc, wrapKeyHsm } from "../../skr/key_wrap.ts";

/** The vault's release-signing identity: an RSA key and its certificate chain (leaf first). */
export interface ReleaseSigner {
  privateKey: CryptoKey;
  /** Standard-base64 DER certificates, leaf first. */
  x5c: string[];
  /** Uppercase hex SHA-1 of the leaf. */
  kid: string;
  x5t: string;
  x5tS256: string;
}

/** Fetches JSON from an attestation issuer (https, trusting the emulator CA). */
export type IssuerFetch = (url: string) => Promise<unknown>;

const NOT_VERIFIABLE = "Target environment attestation statement cannot be verified.";

/** Builds the release handler. */
export function createReleaseHandler(signer: ReleaseSigner, fetchIssuer: IssuerFetch) {
  return async (req: VaultRequest, entry: KeyEntry, v: KeyVersion, versionInUrl: string): Promise<Response> => {
    const parsed = await readJson(req.request);
    const body = "value" in parsed && isObject(parsed.value) ? parsed.value : undefined;
    if (!body || typeof body.target !== "string" || body.target === "") {
      return req.respond(400, akvError("BadParameter", "Property 'target' (the attestation token) is required."));
    }
    const enc = typeof body.enc === "string" ? body.enc : "CKM_RSA_AES_KEY_WRAP";
    if (!isReleaseEnc(enc)) {
      return req.respond(400, akvError("BadParameter", `Invalid enc '${enc}': use CKM_RSA_AES_KEY_WRAP, RSA_AES_KEY_WRAP_256 or RSA_AES_KEY_WRAP_384.`));
    }
    if (!v.attributes.exportable || !v.releasePolicy) {
      return req.respond(
        403,
        akvError(
          "Forbidden",
          `Operation release is not allowed on a non-exportable key: key ${entry.name} was not created with exportable=true and a release policy.`,
          "KeyNotExportable",
        ),
      );
    }
    const verified = await verifyTarget(body.target, fetchIssuer);
    if (typeof verified === "string") return req.respond(403, akvError("Forbidden", `${NOT_VERIFIABLE} ${verified}`));
    const policyJson = JSON.parse(new TextDecoder().decode(base64url.decode(v.releasePolicy.data)));
    const evaluation = evaluatePolicy(parsePolicy(policyJson), verified);
    if (!evaluation.allowed) {
      return req.respond(
        403,
        akvError("Forbidden", `Target environment attestation does not meet key release policy requirements. ${evaluation.reason}`, "PolicyNotSatisfied"),
      );
    }
    const kek = transferKey(verified);
    if (typeof kek === "string") return req.respond(400, akvError("BadParameter", kek));
    const keyHsm = wrapKeyHsm(new Uint8Array(v.privateKey.export({ type: "pkcs8", format: "der" })), {
      kid: String(kek.kid),
      n: String(kek.n),
      e: String(kek.e),
    }, enc);
    const base = `${req.vault.url}/keys/${entry.name}`;
    const payload = {
      request: {
        "api-version": req.url.searchParams.get("api-version"),
        enc,
        kid: versionInUrl ? `${base}/${versionInUrl}` : base,
        ...(typeof body.nonce === "string" ? { nonce: body.nonce } : {}),
      },
      response: { key: { ...keyBundle(req, entry, v), key: { ...publicKeyJwk(req, entry, v), key_hsm: keyHsm }, tags: v.tags ?? {} } },
    };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: "RS256", kid: signer.kid, x5t: signer.x5t, typ: "JWT", "x5t#S256": signer.x5tS256, x5c: signer.x5c })
      .sign(signer.privateKey);
    return req.respond(200, { value: jws });
  };
}

/** Verifies the attestation token with its issuer's published keys; returns its claims or why not. */
async function verifyTarget(token: string, fetchIssuer: IssuerFetch): Promise<Record<string, unknown> | string> {
  let claims: Record<string, unknown>;
  let kid: string | undefined;
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return "The target is not a JWT.";
  }
  const iss = typeof claims.iss === "string" ? claims.iss : "";
  if (!/^https:\/\//.test(iss)) return "The token has no https issuer (iss).";
  let jwks: { keys: JWK[] };
  try {
    const config = await fetchIssuer(`${iss.replace(/\/+$/, "")}/.well-known/openid-configuration`) as { jwks_uri?: string };
    if (!config?.jwks_uri) return `The issuer ${iss} publishes no jwks_uri.`;
    jwks = await fetchIssuer(config.jwks_uri) as { keys: JWK[] };
  } catch (error) {
    return `The issuer's OpenID metadata could not be fetched (${(error as Error).message}).`;
  }
  if (!kid || !jwks.keys?.some((k) => k.kid === kid)) return "The token's signing key (kid) is not published by its issuer.";
  try {
    await compactVerify(token, createLocalJWKSet({ keys: jwks.keys.map(({ x5c: _x5c, ...k }) => k) }), { algorithms: ["RS256"] });
  } catch {
    return "The token's signature does not verify with its issuer's key.";
  }
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === "number" && claims.exp <= now) return `The token expired at ${new Date(claims.exp * 1000).toISOString()}.`;
  if (typeof claims.nbf === "number" && claims.nbf > now + 300) return "The token is not yet valid (nbf).";
  return claims;
}

/** The first RSA key in `x-ms-runtime.keys` usable for encryption. */
function transferKey(claims: Record<string, unknown>): JWK | string {
  const runtime = claims["x-ms-runtime"];
  const keys = isObject(runtime) && Array.isArray(runtime.keys) ? runtime.keys as JWK[] : [];
  const kek = keys.find((k) => k.kty === "RSA" && (k.use === "enc" || (k as { key_use?: string }).key_use === "enc" || k.key_ops?.includes("encrypt")));
  if (!kek) return "The attestation token's x-ms-runtime.keys holds no RSA key usable for encryption (use 'enc' or key_ops 'encrypt').";
  if (!kek.kid) return "The transfer key in x-ms-runtime.keys has no kid.";
  return kek;
}

/** Issues the vault's release-signing identity: an RSA key and a certificate chain from the emulator CA. */
export async function createReleaseSigner(ca: CertificateAuthority, dnsNames: readonly string[] = []): Promise<ReleaseSigner> {
  const { privateKey, chainDer } = await issueRsaSigningIdentity(ca, dnsNames);
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", new Uint8Array(chainDer[0])));
  const sha256 = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(chainDer[0])));
  return {
    privateKey,
    x5c: chainDer.map(b64),
    kid: Array.from(sha1, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase(),
    x5t: base64url.encode(sha1),
    x5tS256: base64url.encode(sha256),
  };
}
