/**
 * The Key Vault cryptographic operations on a key version, with the real algorithm names:
 * encrypt, decrypt, wrapkey and unwrapkey (RSA-OAEP, RSA-OAEP-256, RSA1_5) and sign and verify
 * of a caller-supplied digest (RS*, PS*, ES256/384/512, ES256K; in digest_signing.ts).
 * @module
 */
import { constants, createPublicKey, privateDecrypt, publicEncrypt } from "node:crypto";
import { base64url } from "jose";
import type { KeyVersion } from "./key_store.ts";
import { akvError, requestObject, type VaultRequest } from "./vault_server.ts";
import { algorithmMismatch, digestLengthProblem, signDigest, verifyDigest } from "./digest_signing.ts";

const ENCRYPTION: Record<string, { padding: number; oaepHash?: string }> = {
  "RSA-OAEP": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
  "RSA-OAEP-256": { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
  RSA1_5: { padding: constants.RSA_PKCS1_PADDING },
};

/** One operation's input, already checked against the key's `key_ops`. */
interface Operation {
  req: VaultRequest;
  v: KeyVersion;
  op: string;
  alg: string;
  value: Uint8Array;
  body: Record<string, unknown>;
  kid: string;
}

/** Runs `op` (encrypt, decrypt, wrapkey, unwrapkey, sign, verify) with key version `v`, whose id is `kid`. */
export async function cryptoOperation(req: VaultRequest, v: KeyVersion, op: string, kid: string): Promise<Response> {
  const body = await requestObject(req);
  if (body instanceof Response) return body;
  const alg = typeof body.alg === "string" ? body.alg : "";
  const opName = op === "wrapkey" ? "wrapKey" : op === "unwrapkey" ? "unwrapKey" : op;
  if (!v.keyOps.includes(opName)) {
    return req.respond(400, akvError("BadParameter", `Operation ${opName} is not allowed by the key's key_ops (${v.keyOps.join(", ")}).`));
  }
  if (typeof body.value !== "string") return req.respond(400, akvError("BadParameter", "Property 'value' (base64url) is required."));
  const operation: Operation = { req, v, op, alg, value: base64url.decode(body.value), body, kid };
  try {
    if (op === "encrypt" || op === "wrapkey" || op === "decrypt" || op === "unwrapkey") return encryption(operation);
    return signature(operation);
  } catch (error) {
    return req.respond(400, akvError("BadParameter", `The ${op} operation failed: ${(error as Error).message}.`));
  }
}

function encryption({ req, v, op, alg, value, kid }: Operation): Response {
  const scheme = ENCRYPTION[alg];
  if (!v.kty.startsWith("RSA") || !scheme) {
    return req.respond(400, akvError("BadParameter", `The algorithm '${alg}' is not valid for this key: use RSA-OAEP, RSA-OAEP-256 or RSA1_5 with RSA keys.`));
  }
  const forward = op === "encrypt" || op === "wrapkey";
  const options = { key: forward ? createPublicKey(v.privateKey) : v.privateKey, padding: scheme.padding, oaepHash: scheme.oaepHash };
  const out = forward ? publicEncrypt(options, value) : privateDecrypt(options, value);
  return req.respond(200, { kid, value: base64url.encode(new Uint8Array(out)) });
}

function signature({ req, v, op, alg, value, body, kid }: Operation): Response {
  const mismatch = algorithmMismatch(alg, v.kty, v.publicJwk.crv);
  if (mismatch) return req.respond(400, akvError("BadParameter", mismatch));
  if (op === "sign") {
    const problem = digestLengthProblem(alg, "value", value);
    if (problem) return req.respond(400, akvError("BadParameter", problem));
    return req.respond(200, { kid, value: base64url.encode(signDigest(alg, v.privateKey, value)) });
  }
  if (typeof body.digest !== "string") return req.respond(400, akvError("BadParameter", "Property 'digest' (base64url) is required."));
  const digest = base64url.decode(body.digest);
  const problem = digestLengthProblem(alg, "digest", digest);
  if (problem) return req.respond(400, akvError("BadParameter", problem));
  return req.respond(200, { value: verifyDigest(alg, v.privateKey, digest, value) });
}
