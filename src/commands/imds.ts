/**
 * `kvmi imds instance|scheduled-events|attested`: the instance metadata endpoints as JSON,
 * straight from IMDS (no token, never through a proxy).
 * @module
 */
import { ImdsClient } from "../imds/imds_client.ts";
import { COMMON_HELP, COMMON_OPTIONS, outputFormat, parseOptions, stringOption, subcommandHelp } from "../cli/args.ts";
import { usageError } from "../core/errors.ts";
import { printJson, renderProperties, renderTable } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { createCloudContext } from "./context.ts";

/** Help text. */
export const IMDS_HELP = `Usage: kvmi imds <instance|scheduled-events|attested> [options]

Reads the Azure Instance Metadata Service of this VM.

  instance [--path compute/vmId]       The instance metadata document, or one node of it
  scheduled-events [--approve EVENT_ID] Pending maintenance events; --approve starts one early
  attested [--nonce N]                  The signed attested-data document (PKCS#7)
${COMMON_HELP}

Examples:
  kvmi imds instance --path compute/subscriptionId -o raw
  kvmi imds scheduled-events -o table
`;

/** Runs `kvmi imds ...`. */
export async function runImds(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, IMDS_HELP);
  if (helped !== undefined) return helped;
  if (!["instance", "scheduled-events", "attested"].includes(sub)) {
    throw usageError(`Unknown imds subcommand '${sub}'.`, "Use instance, scheduled-events or attested.");
  }
  const values = parseOptions(rest, {
    ...COMMON_OPTIONS,
    path: { type: "string" },
    approve: { type: "string" },
    nonce: { type: "string" },
    cloud: { type: "string" },
  }, IMDS_HELP);
  if (!values) return 0;
  const format = outputFormat(values);
  const nonce = stringOption(values, "nonce");
  if (nonce !== undefined && !/^[0-9]{1,32}$/.test(nonce)) throw usageError("--nonce must be up to 32 digits.");
  const approveOption = stringOption(values, "approve");
  if (approveOption !== undefined && !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(approveOption)) {
    throw usageError("--approve takes a scheduled event's EventId (a GUID).");
  }
  const path = stringOption(values, "path");
  if (path !== undefined && !/^[A-Za-z0-9/]+$/.test(path)) throw usageError(`'${path}' is not a metadata path such as compute/vmId.`);
  const { cloud, http } = createCloudContext(values);
  const imds = new ImdsClient(http, cloud.imdsEndpoint);
  try {
    if (sub === "instance") {
      let node: unknown = await imds.instance();
      for (const segment of (path ?? "").split("/").filter(Boolean)) {
        node = node !== null && typeof node === "object" && Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
      }
      if (node === undefined) throw usageError(`No metadata node '${path}'.`);
      if (format === "raw" && typeof node === "string") writeStdout(node + "\n");
      else if (format === "table" && typeof node === "object" && node !== null && !Array.isArray(node)) {
        writeStdout(renderProperties(flatten(node as Record<string, unknown>)));
      } else printJson(node);
    } else if (sub === "scheduled-events") {
      const approve = stringOption(values, "approve");
      if (approve !== undefined) await imds.approveScheduledEvent(approve);
      const events = await imds.scheduledEvents();
      if (format === "table") {
        writeStdout(
          renderTable((events.Events ?? []) as Record<string, unknown>[], ["EventId", "EventType", "EventStatus", "NotBefore", "Resources", "Description"]),
        );
      } else printJson(events);
    } else {
      printJson(await imds.attestedDocument(nonce));
    }
  } finally {
    http.close();
  }
  return 0;
}

function flatten(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => typeof v !== "object" || v === null));
}
