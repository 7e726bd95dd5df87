/**
 * Sending a request with a bearer token: check the destination, get the token, send with the
 * service retry policy. Shared by the Key Vault and ARM clients.
 * @module
 */
import type { TokenCredential } from "../core/credential.ts";
import type { Cloud } from "../cloud/cloud.ts";
import type { HttpClient, HttpRequest, HttpResponse } from "./http_client.ts";
import { sendWithRetry, serviceRetryPolicy } from "./retry.ts";
import { assertTokenDestination } from "./token_destination.ts";

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

/** Sends `request` with `Authorization: Bearer …`, retrying transient failures. */
export async function sendAuthorized(auth: Authorization, request: HttpRequest): Promise<HttpResponse> {
  assertTokenDestination(request.url, auth.cloud, auth.allowedOrigins);
  const token = await auth.credential.getToken(auth.resource);
  const headers = {
    Accept: "application/json",
    "User-Agent": "kvmi/0.1",
    "x-ms-client-request-id": crypto.randomUUID(),
    ...request.headers,
    Authorization: `Bearer ${token.token}`,
  };
  return await sendWithRetry(() => auth.http.send({ ...request, headers }), serviceRetryPolicy);
}
