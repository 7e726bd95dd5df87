/**
 * Key rotation over REST (api-version 7.3 and later): `POST /keys/{n}/rotate` makes a new
 * current version of the same type and size or curve (key_ops, tags and release policy carried
 * over; `exp` = now + the policy's `expiryTime` when it has one), and `GET`/`PUT
 * /keys/{n}/rotationpolicy` read and set the policy (rules in rotation_policy.ts). Automatic
 * rotation on the policy's schedule is not emulated.
 * @module
 */
import { keyBundle, keyNotFound, managedKeyRefusal } from "./key_bundle.ts";
import { badName, decodeSegment, OBJECT_NAME } from "./object_names.ts";
import { generateLike, publicMembers } from "./key_generation.ts";
import { latest } from "./object_store.ts";
import { defaultRotationPolicy, durationSeconds, readRotationPolicy, rotationPolicyJson } from "./rotation_policy.ts";
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";
import { nowSeconds } from "../http_util.ts";

const KEYS = "Microsoft.KeyVault/vaults/keys";
const POLICIES = "Microsoft.KeyVault/vaults/keyrotationpolicies";

/** Answers rotate and rotation-policy requests; undefined for any other path (or before 7.3). */
export async function keyRotationRoute(req: VaultRequest, path: string): Promise<Response | undefined> {
  if (!req.api.keyRotation) return undefined;
  const method = req.request.method;
  let m: RegExpMatchArray | null;
  if ((m = path.match(/^\/keys\/([^/]+)\/(rotate|rotationpolicy)\/?$/i))) {
    const name = decodeSegment(m[1]);
    if (!OBJECT_NAME.test(name)) return badName(req, name);
    if (m[2].toLowerCase() === "rotate") return method === "POST" ? rotateKey(req, name) : undefined;
    if (method === "GET") return getPolicy(req, name);
    if (method === "PUT") return await setPolicy(req, name);
  }
  return undefined;
}

function rotateKey(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${KEYS}/rotate/action`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  const managed = managedKeyRefusal(req, entry, "rotate");
  if (managed) return managed;
  const current = latest(entry);
  const generated = generateLike(current.kty, current.privateKey);
  if (typeof generated === "string") return req.respond(400, akvError("BadParameter", generated));
  const now = nowSeconds();
  const expiry = req.vault.keys.rotationPolicy(name)?.expiryTime;
  const v = req.vault.keys.add(name, {
    kty: current.kty,
    keyOps: [...current.keyOps],
    attributes: {
      enabled: true,
      created: now,
      updated: now,
      exportable: current.attributes.exportable,
      ...(expiry ? { exp: now + durationSeconds(expiry)! } : {}),
    },
    tags: current.tags ? { ...current.tags } : undefined,
    releasePolicy: current.releasePolicy,
    privateKey: generated.privateKey,
    publicJwk: publicMembers(generated.privateKey),
  });
  return req.respond(200, keyBundle(req, entry, v));
}

function policyId(req: VaultRequest, name: string): string {
  return `${req.vault.url}/keys/${name}/rotationpolicy`;
}

function getPolicy(req: VaultRequest, name: string): Response {
  const denied = req.authorize(`${POLICIES}/read`, `/keys/${name}`);
  if (denied) return denied;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  return req.respond(200, rotationPolicyJson(policyId(req, entry.name), req.vault.keys.rotationPolicy(name) ?? defaultRotationPolicy()));
}

async function setPolicy(req: VaultRequest, name: string): Promise<Response> {
  const denied = req.authorize(`${POLICIES}/write`, `/keys/${name}`);
  if (denied) return denied;
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const entry = req.vault.keys.live(name);
  if (!entry) return keyNotFound(req, name);
  const policy = readRotationPolicy(body, nowSeconds(), req.vault.keys.rotationPolicy(name));
  if (typeof policy === "string") return req.respond(400, akvError("BadParameter", policy));
  req.vault.keys.setRotationPolicy(name, policy);
  return req.respond(200, rotationPolicyJson(policyId(req, entry.name), policy));
}
