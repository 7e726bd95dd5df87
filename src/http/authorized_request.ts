/**
 * Sending a request with a bearer token: check the destination, get the token, send with the
 * service retry policy. A 401 makes the credential forget the refused token (memory and the
 * per-user token cache); when that token came from the cache (revoked, or its claims are out of
 * date) the request is sent once more with a fresh one. Shared by the Key Vault and ARM clients.
 * @module
 */
import type { AccessToken, TokenCredential } from "../core/credential.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "./http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "./retry.ts";
import { assertTokenDestination } from "./token_destination.ts";
import { verbose } from "../core/verbose.ts";

/** What an authorized request needs besides the request itself. */
export interface Authorization {
  http: HttpClient;
  credential: TokenCredential;
  cloud: Cloud;
  /** The token audience. */
  resource: string;
  /** `host:port` origins the user explicitly allowed to receive tokens. */
  allowedOrigins?: string[];
}

/** Sends `request` with `Authorization: Bearer ...`, retrying transient failures, and once after a 401 to a cached token. */
export async function sendAuthorized(auth: Authorization, request: HttpRequest): Promise<HttpResponse> {
  assertTokenDestination(request.url, auth.cloud, auth.allowedOrigins);
  const token = await auth.credential.getToken(auth.resource);
  const response = await sendWithToken(auth, request, token);
  if (response.status !== 401 || !auth.credential.invalidate) return response;
  await auth.credential.invalidate(token);
  if (!token.fromCache) return response;
  verbose("401 to a token from the token cache: dropped it; retrying once with a fresh token");
  return await sendWithToken(auth, request, await auth.credential.getToken(auth.resource));
}

function sendWithToken(auth: Authorization, request: HttpRequest, token: AccessToken): Promise<HttpResponse> {
  const headers = {
    Accept: "application/json",
    "User-Agent": "kvmi/0.1",
    "x-ms-client-request-id": crypto.randomUUID(),
    ...request.headers,
    Authorization: `Bearer ${token.token}`,
  };
  return sendWithRetry(() => auth.http.send({ ...request, headers }), serviceRetryPolicy);
}
