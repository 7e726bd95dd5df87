/**
 * Turning ARM error responses into {@link KvmiError}s; `AuthorizationFailed` names the action,
 * the scope and a built-in role that grants it.
 * @module
 */
import { roleForAction } from "./action_roles.ts";
import { parseJsonObject } from "../core/json_body.ts";
import { isTransientStatus, kindForStatus, KvmiError } from "../core/errors.ts";
import type { HttpResponse } from "../http/http_client.ts";

/** Builds the error for a failed ARM (or other Azure REST) response. */
export function armError(response: HttpResponse, service = "ARM"): KvmiError {
  const error = parseJsonObject(response.body)?.error;
  const e = typeof error === "object" && error !== null ? error as Record<string, unknown> : {};
  const code = typeof e.code === "string" ? e.code : `HTTP${response.status}`;
  const message = typeof e.message === "string" ? e.message.split(/\r?\n/)[0] : response.body.slice(0, 300) || `HTTP ${response.status}`;
  const status = response.status;
  if (code === "AuthorizationFailed") {
    const action = message.match(/perform action '([^']+)'/)?.[1] ?? "(unknown action)";
    const scope = message.match(/over scope '([^']+)'/)?.[1] ?? "(unknown scope)";
    const oid = message.match(/object id '([^']+)'/)?.[1];
    const role = roleForAction(action);
    return new KvmiError(`AuthorizationFailed: the caller${oid ? ` (object id ${oid})` : ""} is not allowed the action '${action}' over scope '${scope}'.`, {
      code,
      status,
      kind: "forbidden",
      hint: `Assign a role that grants it, e.g. the built-in '${role.name}' (${role.id}) at that scope or above` +
        `${oid ? `: kvmi role assign --assignee ${oid} --role "${role.name}" --scope ${scope}` : ""}; role changes can take a few minutes to apply.`,
    });
  }
  const hints: Record<string, string> = {
    ExpiredAuthenticationToken: "The token expired: check the machine clock, then retry.",
    InvalidAuthenticationTokenAudience: "The token was issued for another resource: pass the right --resource.",
    InvalidAuthenticationToken: "The token was refused: check the identity and the tenant.",
    SubscriptionNotFound: "Check the subscription id and that the identity has a role in it.",
    ResourceGroupNotFound: "Check the resource group name.",
    MissingApiVersionParameter: "Add ?api-version=... to the URL.",
    NoRegisteredProviderFound: "Use one of the api-versions the message lists.",
  };
  return new KvmiError(`${service}: ${code}: ${message}`, {
    code,
    status,
    kind: kindForStatus(status),
    hint: hints[code] ?? (isTransientStatus(status) ? `${service} kept failing after retries; try again later.` : undefined),
  });
}
