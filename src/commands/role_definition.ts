/**
 * `kvmi role definition list|create|delete`: Azure role definitions, like
 * `az role definition list|create|delete`, with custom roles created from the same JSON.
 * @module
 */
import { RestClient } from "../arm/arm_client.ts";
import { customRoleBody, RoleDefinitions } from "../arm/role_definitions.ts";
import { checkScope } from "../arm/role_assignments.ts";
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  outputFormat,
  parseOptions,
  requiredOption,
  stringOption,
  subcommandHelp,
} from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import { printJson, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { armAuthorization } from "./context.ts";
import { createPlacedContext } from "./vm_defaults.ts";

/** Help text. */
export const ROLE_DEFINITION_HELP = `Usage: kvmi role definition <list|create|delete> [options]

Azure role definitions through ARM.

  list   [--scope SCOPE] [--custom-role-only]
  create --role-definition JSON|@FILE
         The az role definition create JSON: Name, Description, Actions, NotActions,
         DataActions, NotDataActions, AssignableScopes. Created at its first assignable scope.
  delete --name NAME|GUID [--scope SCOPE]

Scope defaults to this VM's subscription (from IMDS).
${IDENTITY_HELP}
${COMMON_HELP}

Example:
  kvmi role definition create --role-definition @backup-keys-operator.json
`;

/** Runs `kvmi role definition ...`. */
export async function runRoleDefinition(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, ROLE_DEFINITION_HELP);
  if (helped !== undefined) return helped;
  if (!["list", "create", "delete"].includes(sub)) throw usageError(`Unknown role definition subcommand '${sub}'.`, "Use list, create or delete.");
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    scope: { type: "string" },
    subscription: { type: "string" },
    name: { type: "string", short: "n" },
    "role-definition": { type: "string" },
    "custom-role-only": { type: "boolean" },
  }, ROLE_DEFINITION_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const body = sub === "create" ? customRoleBody(await readDefinition(requiredOption(values, "role-definition"))) : undefined;
  const name = sub === "delete" ? requiredOption(values, "name") : undefined;
  const scopeOption = stringOption(values, "scope");
  const scopeGiven = scopeOption === undefined ? (body ? checkScope(body.properties.assignableScopes[0]) : undefined) : checkScope(scopeOption);
  const { context, placement } = await createPlacedContext(values, false);
  try {
    const definitions = new RoleDefinitions(new RestClient(context.http, armAuthorization(context)), context.cloud.armEndpoint);
    const scope = scopeGiven ?? `/subscriptions/${placement.subscriptionId}`;
    if (sub === "list") {
      const list = await definitions.list(scope, values["custom-role-only"] === true);
      if (format === "table") writeStdout(renderTable(list as unknown as Record<string, unknown>[], ["roleName", "type", "id"]));
      else printJson(list);
    } else if (sub === "create") {
      printJson(await definitions.create(body!));
    } else {
      printJson({ removed: await definitions.delete(scope, name!) });
    }
  } finally {
    context.http.close();
  }
  return 0;
}

async function readDefinition(text: string): Promise<unknown> {
  const source = text.startsWith("@") ? await Deno.readTextFile(text.slice(1)) : text;
  try {
    return JSON.parse(source);
  } catch (error) {
    throw usageError(`--role-definition is not valid JSON: ${(error as Error).message}`);
  }
}
