/**
 * Object names in Key Vault request paths, one way for every route: the service's name rule
 * (1-127 letters, digits and hyphens), a path segment decoded without throwing (a malformed
 * percent-escape stays as it is, so the name check refuses it), and the service's 400 for a bad name.
 * @module
 */
import { akvError, type VaultRequest } from "./vault_server.ts";

/** Secret, key, certificate and issuer names: 1-127 letters, digits and hyphens. */
export const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** A path segment percent-decoded; a malformed escape leaves it as it is (and the name check then fails). */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The service's 400 for a name that breaks {@link OBJECT_NAME}. */
export function badName(req: VaultRequest, name: string): Response {
  return req.respond(400, akvError("BadParameter", `The request URI contains an invalid name: ${name}`));
}
