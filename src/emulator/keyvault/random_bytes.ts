/**
 * `POST /rng` (GetRandomBytes, api-version 7.3 and later). The service draws the bytes from a
 * Managed HSM; a vault answers 400 (what the SDK maintainers report; the body text is not
 * recorded, so this one says what happened). The request is still read as the service's model
 * does: `count` is a required integer from 1 to 128.
 * @module
 */
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";

/** The bounds of `count`. */
export const RNG_MIN_COUNT = 1;
/** The bounds of `count`. */
export const RNG_MAX_COUNT = 128;

/** Why a `/rng` body is refused; undefined when `count` is valid. */
export function randomBytesProblem(body: Record<string, unknown>): string | undefined {
  const count = body.count;
  if (count === undefined || count === null) return "Property 'count' is required.";
  if (typeof count !== "number" || !Number.isInteger(count) || count < RNG_MIN_COUNT || count > RNG_MAX_COUNT) {
    return `Invalid count ${JSON.stringify(count)}: the number of random bytes must be an integer from ${RNG_MIN_COUNT} to ${RNG_MAX_COUNT}.`;
  }
  return undefined;
}

/** Answers `POST /rng` on a vault: 400 for a bad `count`, then 400 because only a Managed HSM serves it. */
export async function randomBytes(req: VaultRequest): Promise<Response | undefined> {
  if (!req.api.keyRotation) return undefined;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const problem = randomBytesProblem(body);
  if (problem) return req.respond(400, akvError("BadParameter", problem));
  return req.respond(
    400,
    akvError("BadParameter", "GetRandomBytes is only available on a Managed HSM (https://{hsm}.managedhsm.azure.net); this is a key vault."),
  );
}
