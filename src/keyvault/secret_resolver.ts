/**
 * Resolving secret references to their values for `kvmi run` and `kvmi inject`: every reference
 * before anything is used, one {@link SecretClient} per vault, the same credential (so the same
 * Key Vault token) for all of them. A failure names the reference and keeps the kind, code and
 * status of the underlying error, so it exits as `kvmi secret get` would.
 *
 * @example
 * ```ts
 * import { resolveSecretReferences } from "./secret_resolver.ts";
 * import { parseSecretReference } from "./secret_reference.ts";
 * import { createAzureContext, keyVaultAuthorization } from "../commands/context.ts";
 * const context = createAzureContext({});
 * const [value] = await resolveSecretReferences([{ label: "DB_PASSWORD", reference: parseSecretReference("kv://kv-demo/db") }], keyVaultAuthorization(context));
 * ```
 * @module
 */
import { KvmiError } from "../core/errors.ts";
import type { Authorization } from "../http/authorized_request.ts";
import { SecretClient } from "./secret_client.ts";
import { referenceVaultUrl, type SecretReference } from "./secret_reference.ts";

/** A reference and where it was written (an environment variable's name, a template's line), for messages. */
export interface LabelledReference {
  label: string;
  reference: SecretReference;
}

/**
 * Resolves every reference in order and returns the values in the same order. Vault URLs are all
 * checked before the first request; the first failure stops and is rethrown naming its reference.
 */
export async function resolveSecretReferences(references: LabelledReference[], auth: Authorization): Promise<string[]> {
  const urls = references.map((r) => referenceVaultUrl(r.reference, auth.cloud));
  const clients = new Map<string, SecretClient>();
  const values: string[] = [];
  for (const [i, { label, reference }] of references.entries()) {
    const origin = urls[i].origin;
    let client = clients.get(origin);
    if (!client) clients.set(origin, client = new SecretClient(urls[i], auth));
    try {
      values.push((await client.get(reference.name, reference.version)).value ?? "");
    } catch (error) {
      throw inReference(error, label, reference);
    }
  }
  return values;
}

function inReference(error: unknown, label: string, reference: SecretReference): unknown {
  if (!(error instanceof KvmiError)) return error;
  return new KvmiError(`${label} (${reference.text}): ${error.message}`, { code: error.code, kind: error.kind, status: error.status, hint: error.hint });
}
