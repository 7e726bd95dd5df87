/**
 * Reading `IDENTITY_ENDPOINT`, which the App Service and Azure Arc identity sources share, and
 * telling whether a URL points at this machine.
 * @module
 */
import { KvmiError } from "../core/errors.ts";

/** Whether the URL's host is this machine (localhost, 127.0.0.1 or [::1]). */
export function isLoopbackUrl(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

/** Parses `IDENTITY_ENDPOINT`; a value that is not a URL is an identity failure (exit 3). */
export function parseIdentityEndpoint(endpoint: string): URL {
  try {
    return new URL(endpoint);
  } catch {
    throw new KvmiError(`IDENTITY_ENDPOINT is not a URL: '${endpoint}'.`, { code: "InvalidIdentityEndpoint", kind: "authentication" });
  }
}
