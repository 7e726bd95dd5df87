/**
 * `kvmi rest`: any Azure REST call with the machine's identity, like `az rest` and
 * `Invoke-AzRestMethod`: relative URLs go to ARM, known Azure hosts get their audience,
 * `--paginate` merges every page, `--wait` follows long-running operations.
 * @module
 */
import { readStdinBounded, readTextFileBounded } from "../core/bounded_read.ts";
import { parseJsonInput } from "../core/json_input.ts";
import { REQUEST_BODY_MAX_BYTES } from "../core/limits.ts";
import { RestClient } from "../arm/arm_client.ts";
import { resolveRestTarget } from "../arm/rest_target.ts";
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  IDENTITY_HELP,
  IDENTITY_OPTIONS,
  listOption,
  outputFormat,
  parseOptions,
  requiredOption,
  stringOption,
} from "../cli/args.ts";
import { KvmiError, usageError } from "../core/errors.ts";
import { printJson, renderProperties, renderTable } from "../cli/output.ts";
import { writeStderr, writeStdout } from "../core/stdio.ts";
import type { HttpResponse } from "../http/http_client.ts";
import { authorizationFor, createAzureContext, resourceOption } from "./context.ts";

/** Help text. */
export const REST_HELP = `Usage: kvmi rest --url URL [--method GET|PUT|PATCH|POST|DELETE] [--body JSON|@FILE|@-]
                 [--header K=V ...] [--resource AUDIENCE] [--paginate] [--wait] [--include]

Calls an Azure REST API with the machine's identity, like 'az rest' and Invoke-AzRestMethod.

  --url URL             A path such as /subscriptions/{id}/resourceGroups?api-version=2021-04-01 goes
                        to the cloud's ARM endpoint (an api-version is required there). An https URL
                        of ARM, Key Vault, Microsoft Graph or Attestation gets that service's token;
                        any other host gets no token unless --resource names its audience.
  --method M            HTTP method (default GET)
  --body JSON|@F|@-     Request body: JSON text, @file, or @- for stdin
  --header K=V          Extra request header (repeatable)
  --resource AUDIENCE   Token audience to use (and permission to send a token to that host)
  --paginate            Follow nextLink and print one merged {"value":[...]}
  --wait                Follow a long-running operation (Azure-AsyncOperation/Location) to its end
  --include             Print {"status","headers","body","content"} instead of the body
                        (body parsed as JSON when it is JSON; content the raw text as sent)
${IDENTITY_HELP}
${COMMON_HELP}

Examples:
  kvmi rest --url "/subscriptions/SUB/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines?api-version=2022-03-01"
  kvmi rest --method PUT --url "/subscriptions/SUB/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01" --body @vm.json --wait
  kvmi rest --url https://graph.microsoft.com/v1.0/servicePrincipals?$top=1
`;

const METHODS = ["GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"];

/** Runs `kvmi rest`. */
export async function runRest(args: string[]): Promise<number> {
  const values = parseOptions(args, {
    ...COMMON_OPTIONS,
    ...IDENTITY_OPTIONS,
    method: { type: "string", short: "m" },
    url: { type: "string", short: "u" },
    body: { type: "string", short: "b" },
    header: { type: "string", multiple: true },
    resource: { type: "string" },
    paginate: { type: "boolean" },
    wait: { type: "boolean" },
    include: { type: "boolean" },
  }, REST_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const method = (stringOption(values, "method") ?? "GET").toUpperCase();
  if (!METHODS.includes(method)) throw usageError(`Unknown method '${method}'.`, `Use one of: ${METHODS.join(", ")}.`);
  const headers = parseHeaders(listOption(values, "header"));
  const bodyOption = stringOption(values, "body");
  if (bodyOption !== undefined && (method === "GET" || method === "HEAD")) {
    throw usageError(`A ${method} request cannot have a body.`, "Drop --body, or use --method POST, PUT or PATCH.");
  }
  const body = await readBody(bodyOption);
  if (values.paginate && method !== "GET") throw usageError("--paginate only applies to GET.");
  const context = createAzureContext(values);
  const target = resolveRestTarget(requiredOption(values, "url"), context.cloud, resourceOption(values));
  const client = new RestClient(
    context.http,
    target.resource ? authorizationFor(context, target.resource, target.allowedOrigins) : undefined,
  );
  try {
    const request = { method, url: target.url, body, headers };
    if (values.paginate) {
      const { response, value } = await client.paginate(target.url);
      print({ status: response.status, headers: response.headers, body: JSON.stringify({ value }) }, format, Boolean(values.include));
      return 0;
    }
    let response = await client.sendOk(request);
    if (values.wait) {
      const progress = Deno.stderr.isTerminal() ? (s: string) => writeStderr(`\rkvmi: waiting for the operation: ${s}   `) : () => {};
      response = await client.waitForCompletion(request, response, progress);
      if (Deno.stderr.isTerminal()) writeStderr("\n");
    }
    if (response.status >= 300 && response.status < 400) {
      const location = URL.parse(response.headers.get("location") ?? "", target.url);
      throw new KvmiError(`The service answered ${response.status} (a redirect${location ? ` to ${location.origin}` : ""}); kvmi does not follow redirects.`, {
        code: "Redirect",
        kind: "other",
        status: response.status,
        hint: "Call the URL it names directly (a token is never sent along a redirect).",
      });
    }
    print(response, format, Boolean(values.include));
  } finally {
    context.http.close();
  }
  return 0;
}

function parseHeaders(list: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of list) {
    const eq = h.indexOf("=");
    if (eq <= 0) throw usageError(`Header '${h}' must look like NAME=VALUE.`);
    const name = h.slice(0, eq).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw usageError(`Header name ${JSON.stringify(name.slice(0, 60))} is not a valid HTTP header name.`);
    if (/[\r\n\0]/.test(h.slice(eq + 1))) throw usageError(`The value of header '${name}' has a line break or NUL.`);
    if (name.toLowerCase() === "authorization") throw usageError("Do not pass an Authorization header: kvmi adds the token itself.");
    headers[name] = h.slice(eq + 1);
  }
  return headers;
}

async function readBody(option: string | undefined): Promise<string | undefined> {
  if (option === undefined) return undefined;
  let text = option;
  if (option === "@-") text = new TextDecoder().decode(await readStdinBounded(REQUEST_BODY_MAX_BYTES, "--body"));
  else if (option.startsWith("@")) text = await readTextFileBounded(option.slice(1), REQUEST_BODY_MAX_BYTES, "--body file");
  else if (new TextEncoder().encode(text).length > REQUEST_BODY_MAX_BYTES) throw usageError(`--body is larger than ${REQUEST_BODY_MAX_BYTES} bytes.`);
  parseJsonInput(text, "--body");
  return text;
}

function print(response: HttpResponse, format: string, include: boolean): void {
  let parsed: unknown = undefined;
  try {
    parsed = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    parsed = undefined;
  }
  if (include) {
    printJson({ status: response.status, headers: Object.fromEntries(response.headers), body: parsed ?? (response.body || null), content: response.body });
    return;
  }
  if (format === "raw" || (parsed === undefined && response.body)) {
    writeStdout(response.body);
    return;
  }
  if (format === "table" && typeof parsed === "object" && parsed !== null) {
    const obj = parsed as Record<string, unknown>;
    if (Array.isArray(obj.value)) {
      const rows = obj.value as Record<string, unknown>[];
      writeStdout(renderTable(rows, ["name", "type", "location", "id"].filter((c) => rows.some((r) => r[c] !== undefined))));
    } else writeStdout(renderProperties(obj));
    return;
  }
  if (parsed !== undefined) printJson(parsed);
}
