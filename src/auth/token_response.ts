/**
 * Parsing token responses, one home for every identity source: the managed-identity shape
 * (IMDS, App Service, Arc: `access_token` and `expires_on`, a string or a number) and the Entra
 * OAuth 2.0 shape (`access_token` and `expires_in`).
 * @module
 */
import type { AccessToken } from "../core/credential.ts";
import { KvmiError } from "../core/errors.ts";
import { parseJsonObject, stringField } from "../core/json_body.ts";

/** Parses a managed-identity token response (`expires_on` as string or number). */
export function parseManagedIdentityToken(body: string, resource: string, source: string): AccessToken {
  const json = parseJsonObject(body);
  const token = stringField(json, "access_token");
  const expiresOn = Number(json?.expires_on);
  if (!token || !Number.isFinite(expiresOn)) {
    throw new KvmiError("The managed identity endpoint answered 200 without a usable access_token/expires_on.", {
      code: "InvalidTokenResponse",
      kind: "authentication",
      hint: "A proxy may be answering instead of the identity endpoint; make sure it is reached directly.",
    });
  }
  return { token, expiresOn, resource, source };
}

/** Parses an Entra ID token response (`expires_in` seconds from now). */
export function parseEntraToken(json: Record<string, unknown> | undefined, resource: string, source: string): AccessToken {
  const token = stringField(json, "access_token");
  const expiresIn = Number(json?.expires_in);
  if (!token || !Number.isFinite(expiresIn)) {
    throw new KvmiError("Entra ID answered 200 without a usable access_token/expires_in.", {
      code: "InvalidTokenResponse",
      kind: "authentication",
    });
  }
  return { token, expiresOn: Math.floor(Date.now() / 1000) + expiresIn, resource, source };
}
