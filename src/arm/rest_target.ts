/**
 * Where a `kvmi rest` request goes and which token it carries, like `az rest`: a relative URL
 * goes to the cloud's ARM endpoint; an absolute URL to a known Azure service gets that service's
 * audience (ARM, Key Vault, Microsoft Graph, Attestation); any other host gets no token unless
 * the user names the audience with `--resource`.
 * @module
 */
import { type Cloud, originOf, serviceForUrl } from "../cloud/cloud.ts";
import { usageError } from "../core/errors.ts";
import { queryNames } from "../http/query_string.ts";

/** The resolved request target. */
export interface RestTarget {
  url: URL;
  /** The token audience, or undefined to send no token. */
  resource?: string;
  /** Origins the user explicitly allowed to receive a token (`--resource` on an unknown host). */
  allowedOrigins: string[];
  /** Whether the URL is on the ARM endpoint (which requires an api-version). */
  isArm: boolean;
}

/** Resolves `--url` (and optional `--resource`) against the cloud. */
export function resolveRestTarget(urlText: string, cloud: Cloud, resourceOption?: string): RestTarget {
  let url: URL;
  if (urlText.startsWith("/")) {
    url = new URL(cloud.armEndpoint + urlText);
  } else {
    try {
      url = new URL(urlText);
    } catch {
      throw usageError(`'${urlText}' is not a URL.`, "Use a path such as /subscriptions/{id}/resourceGroups?api-version=2021-04-01, or an https URL.");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw usageError(`Unsupported URL scheme '${url.protocol}'.`);
  }
  const service = serviceForUrl(url, cloud);
  const known = service && { resource: service.audience, isArm: service.name === "arm" };
  if (known?.isArm && !queryNames(url).includes("api-version")) {
    throw usageError(
      `The ARM URL has no api-version query parameter: ${url.pathname}.`,
      "ARM requires one on every request, e.g. append ?api-version=2022-03-01 (see the REST reference of the resource type).",
    );
  }
  if (resourceOption !== undefined) {
    return { url, resource: resourceOption, allowedOrigins: known ? [] : [originOf(url)], isArm: known?.isArm ?? false };
  }
  return { url, resource: known?.resource, allowedOrigins: [], isArm: known?.isArm ?? false };
}
