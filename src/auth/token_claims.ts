/**
 * Reading the claims of a JWT access token without verifying it: kvmi shows who it is
 * (tenant, object id, client id, resource id, expiry), never the token itself.
 * @module
 */
import { decodeJwt } from "jose";

/** The identity claims kvmi displays. */
export interface IdentityClaims {
  tenantId?: string;
  objectId?: string;
  clientId?: string;
  resourceId?: string;
  audience?: string;
  issuer?: string;
  expiresOn?: number;
}

/** Decodes the payload of a compact JWT (with `jose`, unverified); returns undefined when the token is not a JWT. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

/** Extracts the identity claims Entra puts in access tokens (`tid`, `oid`, `appid`/`azp`, `xms_mirid`). */
export function identityClaims(token: string): IdentityClaims {
  const p = decodeJwtPayload(token) ?? {};
  const str = (k: string) => (typeof p[k] === "string" ? p[k] as string : undefined);
  const aud = Array.isArray(p.aud) ? String(p.aud[0]) : str("aud");
  return {
    tenantId: str("tid"),
    objectId: str("oid"),
    clientId: str("appid") ?? str("azp"),
    resourceId: str("xms_mirid"),
    audience: aud,
    issuer: str("iss"),
    expiresOn: typeof p.exp === "number" ? p.exp : undefined,
  };
}
