/**
 * The emulator's Entra ID signing key: it mints RS256 access tokens with the claims real ones
 * carry, publishes the JWKS, and verifies tokens for Key Vault and ARM with precise reasons.
 * @module
 */
import { base64url, calculateJwkThumbprint, compactVerify, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** Who a token is for. */
export interface TokenSubject {
  tenantId: string;
  /** Object id of the service principal (`oid`, `sub`). */
  objectId: string;
  /** Application (client) id (`appid`). */
  appId: string;
  /** ARM id of the managed identity's resource (`xms_mirid`), for managed identities. */
  managedIdentityResourceId?: string;
  /** `appidacr`: "2" for managed identities and certificates, "1" for client secrets. */
  appidacr: "1" | "2";
}

/** A minted token with its times (Unix seconds). */
export interface IssuedToken {
  token: string;
  issuedAt: number;
  notBefore: number;
  expiresOn: number;
}

/** Why a token was refused. */
export type TokenProblem = "missing" | "malformed" | "signature" | "audience" | "issuer" | "expired" | "notYetValid";

/** The result of {@link TokenIssuer.verify}. */
export type VerifyResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; problem: TokenProblem; claims?: Record<string, unknown>; header?: string };

/** The v1 issuer Entra puts in tokens for a tenant. */
export function issuerFor(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/** An `rh` claim shaped as Entra's: `0.A` and an opaque base64url blob ending in a dot. */
function refreshHint(tenantId: string): string {
  const tenant = Uint8Array.from(tenantId.replaceAll("-", "").match(/../g) ?? [], (h) => parseInt(h, 16));
  return `0.A${base64url.encode(new Uint8Array([...tenant, ...crypto.getRandomValues(new Uint8Array(24))]))}.`;
}

/** A key of jose's key pair, typed as jose returns it (DOM or Node webcrypto typings, whichever the type graph holds). */
type IssuerKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

/** Signs and verifies tokens with one RSA key. */
export class TokenIssuer {
  #privateKey: IssuerKey;
  #publicKey: IssuerKey;
  #jwk: JWK;

  private constructor(privateKey: IssuerKey, publicKey: IssuerKey, jwk: JWK) {
    this.#privateKey = privateKey;
    this.#publicKey = publicKey;
    this.#jwk = jwk;
  }

  /** Creates an issuer with a fresh 2048-bit RSA key. */
  static async create(): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new TokenIssuer(privateKey, publicKey, { ...jwk, kid, use: "sig", alg: "RS256", x5t: kid });
  }

  /** The key id in every token header. */
  get keyId(): string {
    return this.#jwk.kid!;
  }

  /** The JWKS document (`{"keys":[...]}`) published by the Entra endpoint. */
  get jwks(): { keys: JWK[] } {
    return { keys: [this.#jwk] };
  }

  /** Mints a token for `audience`, valid from now (or `now`) for `lifetimeSeconds`. */
  async issue(subject: TokenSubject, audience: string, lifetimeSeconds: number, now = Math.floor(Date.now() / 1000)): Promise<IssuedToken> {
    const issuer = issuerFor(subject.tenantId);
    const claims: Record<string, unknown> = {
      aio: base64url.encode(crypto.getRandomValues(new Uint8Array(24))),
      appid: subject.appId,
      appidacr: subject.appidacr,
      idp: issuer,
      idtyp: "app",
      oid: subject.objectId,
      rh: refreshHint(subject.tenantId),
      sub: subject.objectId,
      tid: subject.tenantId,
      uti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
      ver: "1.0",
    };
    if (subject.managedIdentityResourceId) claims.xms_mirid = subject.managedIdentityResourceId;
    const nbf = now - 300;
    const exp = now + lifetimeSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ typ: "JWT", alg: "RS256", x5t: this.keyId, kid: this.keyId })
      .setAudience(audience)
      .setIssuer(issuer)
      .setIssuedAt(nbf)
      .setNotBefore(nbf)
      .setExpirationTime(exp)
      .sign(this.#privateKey);
    return { token, issuedAt: nbf, notBefore: nbf, expiresOn: exp };
  }

  /** Verifies signature, audience (one of `audiences`, exact), issuer and time window. */
  async verify(token: string | undefined, audiences: string[], tenantId: string, now = Math.floor(Date.now() / 1000)): Promise<VerifyResult> {
    if (!token) return { ok: false, problem: "missing" };
    const parts = token.split(".");
    if (parts.length !== 3) return { ok: false, problem: "malformed" };
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(new TextDecoder().decode(base64url.decode(parts[1])));
      JSON.parse(new TextDecoder().decode(base64url.decode(parts[0])));
    } catch {
      return { ok: false, problem: "malformed" };
    }
    try {
      await compactVerify(token, this.#publicKey, { algorithms: ["RS256"] });
    } catch {
      return { ok: false, problem: "signature", claims, header: parts[0] };
    }
    const aud = claims.aud;
    if (typeof aud !== "string" || !audiences.includes(aud)) return { ok: false, problem: "audience", claims };
    if (claims.iss !== issuerFor(tenantId)) return { ok: false, problem: "issuer", claims };
    if (typeof claims.exp !== "number" || claims.exp <= now) return { ok: false, problem: "expired", claims };
    if (typeof claims.nbf === "number" && claims.nbf > now + 300) return { ok: false, problem: "notYetValid", claims };
    return { ok: true, claims };
  }
}
