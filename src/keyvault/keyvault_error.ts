/**
 * Turning Key Vault error responses into {@link KvmiError}s that say what happened and what to
 * do next: for a `ForbiddenByRbac` refusal, the missing data action and the role that grants it.
 * @module
 */
import { roleForDataAction } from "./data_action_roles.ts";
import { parseJsonObject } from "../core/json_body.ts";
import { isTransientStatus, kindForStatus, KvmiError } from "../core/errors.ts";
import type { HttpResponse } from "../http/http_client.ts";

/** The parts of a Key Vault error body kvmi uses. */
export interface KeyVaultErrorBody {
  code: string;
  message: string;
  innerCode?: string;
}

/** Reads `{"error":{"code","message","innererror":{"code"}}}`; tolerates other bodies. */
export function parseKeyVaultError(response: HttpResponse): KeyVaultErrorBody {
  const error = parseJsonObject(response.body)?.error;
  if (typeof error === "object" && error !== null) {
    const e = error as Record<string, unknown>;
    const inner = e.innererror as Record<string, unknown> | undefined;
    return {
      code: String(e.code ?? `HTTP${response.status}`),
      message: String(e.message ?? ""),
      innerCode: typeof inner?.code === "string" ? inner.code : undefined,
    };
  }
  return { code: `HTTP${response.status}`, message: response.body.slice(0, 300) };
}

/** Reads one `Name: 'value'` line of a ForbiddenByRbac message. */
export function rbacMessageField(message: string, field: string): string | undefined {
  const match = message.match(new RegExp(`${field}: '?([^'\\r\\n]*)'?`));
  return match?.[1]?.trim();
}

/** Builds the error for a failed Key Vault response. */
export function keyVaultError(response: HttpResponse): KvmiError {
  const body = parseKeyVaultError(response);
  const status = response.status;
  if (status === 403 && body.innerCode === "ForbiddenByRbac") return forbiddenByRbac(body);
  if (status === 403 && (body.innerCode === "AccessDenied" || body.innerCode === "ForbiddenByPolicy")) {
    const policy = forbiddenByPolicy(body);
    if (policy) return policy;
  }
  const code = body.innerCode ?? body.code;
  const message = body.message.split(/\r?\n/)[0];
  const hints: Record<string, string> = {
    SecretNotFound: "Check the vault and secret name; if it was deleted, see `kvmi secret show-deleted` and `kvmi secret recover`.",
    KeyNotFound: "Check the vault and key name; if it was deleted, it may be recoverable.",
    CertificateNotFound: "Check the vault and certificate name; if it was deleted, see `kvmi cert recover`.",
    SecretDisabled: "The secret version is disabled; enable it or read another version.",
    ObjectIsDeletedButRecoverable: "Recover it with `kvmi secret recover` or purge it with `kvmi secret purge` first.",
    Throttled: "Key Vault is throttling this vault; slow down or spread the calls.",
  };
  const hint = hints[code] ??
    (status === 401
      ? "The token was refused: check the identity, the tenant and the machine clock."
      : isTransientStatus(status)
      ? "Key Vault kept failing after retries; try again later."
      : undefined);
  return new KvmiError(`Key Vault: ${code}: ${message}`, { code, status, kind: kindForStatus(status), hint });
}

function forbiddenByRbac(body: KeyVaultErrorBody): KvmiError {
  const action = rbacMessageField(body.message, "Action") ?? "(unknown action)";
  const resource = rbacMessageField(body.message, "Resource") ?? "(unknown resource)";
  const caller = rbacMessageField(body.message, "Caller");
  const role = roleForDataAction(action);
  const oid = caller?.match(/oid=([^;]+)/)?.[1];
  return new KvmiError(
    `ForbiddenByRbac: the caller${oid ? ` (object id ${oid})` : ""} is not allowed the data action '${action}' on '${resource}'.`,
    {
      code: "ForbiddenByRbac",
      status: 403,
      kind: "forbidden",
      hint: role
        ? `Assign the built-in role '${role.name}' (${role.id}) to this identity at the vault or object scope` +
          `${
            oid ? `, e.g. kvmi role assign --assignee ${oid} --role "${role.name}" --scope <vault resource id>` : ""
          }; role changes can take a few minutes to apply.`
        : "Assign a role that grants this data action; role changes can take a few minutes to apply.",
    },
  );
}

/**
 * An access-policy refusal (a vault with the access-policy permission model): names the missing
 * permission and how to grant it; undefined when the message is not the known layout.
 */
function forbiddenByPolicy(body: KeyVaultErrorBody): KvmiError | undefined {
  const match = body.message.match(/oid=([^;']+);.*does not have (\w+) (\w+) permission on key vault '([^;']+)/);
  if (!match) return undefined;
  const [, oid, kind, permission, vault] = match;
  return new KvmiError(
    `ForbiddenByPolicy: the caller (object id ${oid}) lacks the '${permission}' permission on ${kind} in the access policies of vault '${vault}'.`,
    {
      code: "ForbiddenByPolicy",
      status: 403,
      kind: "forbidden",
      hint: kind === "secrets" || kind === "keys"
        ? `This vault uses access policies, not Azure RBAC (role assignments do not apply). Grant it: kvmi vault set-policy --name ${vault} --assignee ${oid} --${
          kind === "secrets" ? "secret" : "key"
        }-permissions ${permission}`
        : `This vault uses access policies, not Azure RBAC (role assignments do not apply): grant '${permission}' on ${kind} to ${oid} in its access policies.`,
    },
  );
}
