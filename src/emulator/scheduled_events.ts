/**
 * IMDS scheduled events of the emulated VM: `GET /metadata/scheduledevents` with
 * `DocumentIncarnation` and `Events`, `POST` with `StartRequests` to start an event early, and a
 * control endpoint (`POST /emulator/scheduled-events`) for tests to schedule one.
 * @module
 */
import { guid, isObject, jsonResponse, readJson } from "./http_util.ts";
import type { ImdsRoute } from "./imds_server.ts";
import type { VirtualMachine } from "./world.ts";

/** One scheduled event, in the wire shape. */
export interface ScheduledEvent {
  EventId: string;
  EventType: string;
  ResourceType: "VirtualMachine";
  Resources: string[];
  EventStatus: "Scheduled" | "Started";
  NotBefore: string;
  Description: string;
  EventSource: "Platform" | "User";
  DurationInSeconds: number;
}

const VERSIONS = ["2017-08-01", "2017-11-01", "2019-01-01", "2019-04-01", "2019-08-01", "2020-07-01"];
const TYPES = ["Reboot", "Redeploy", "Freeze", "Preempt", "Terminate"];

/** Builds the IMDS route and the control route for scheduled events of `vm`. */
export function scheduledEventRoutes(vm: VirtualMachine): { imds: ImdsRoute; control: ImdsRoute } {
  let incarnation = 1;
  const events: ScheduledEvent[] = [];
  const imds: ImdsRoute = async (request, url, path) => {
    if (path !== "/metadata/scheduledevents") return undefined;
    const version = url.searchParams.get("api-version");
    if (!version || !VERSIONS.includes(version)) {
      return jsonResponse(400, {
        error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
        "newest-versions": ["2020-07-01", "2019-08-01", "2019-04-01"],
      });
    }
    if (request.method === "POST") {
      const parsed = await readJson(request);
      const starts = "value" in parsed && isObject(parsed.value) && Array.isArray(parsed.value.StartRequests) ? parsed.value.StartRequests : undefined;
      if (!starts || !starts.every((s) => isObject(s) && typeof s.EventId === "string")) {
        return jsonResponse(400, { error: 'Bad request. The body must be {"StartRequests":[{"EventId":"..."}]}.' });
      }
      for (const s of starts as { EventId: string }[]) {
        const event = events.find((e) => e.EventId === s.EventId);
        if (event && event.EventStatus === "Scheduled") {
          event.EventStatus = "Started";
          event.NotBefore = "";
          incarnation++;
        }
      }
      return new Response(null, { status: 200 });
    }
    return jsonResponse(200, { DocumentIncarnation: incarnation, Events: events });
  };
  const control: ImdsRoute = async (request, _url, path) => {
    if (path !== "/emulator/scheduled-events" || request.method !== "POST") return undefined;
    const parsed = await readJson(request);
    const body = "value" in parsed && isObject(parsed.value) ? parsed.value : {};
    const type = typeof body.EventType === "string" ? body.EventType : "Reboot";
    if (!TYPES.includes(type)) return jsonResponse(400, { error: `EventType must be one of ${TYPES.join(", ")}` });
    const notBefore = new Date(Date.now() + (typeof body.NotBeforeSeconds === "number" ? body.NotBeforeSeconds : 900) * 1000);
    const event: ScheduledEvent = {
      EventId: guid().toUpperCase(),
      EventType: type,
      ResourceType: "VirtualMachine",
      Resources: [vm.name],
      EventStatus: "Scheduled",
      NotBefore: notBefore.toUTCString(),
      Description: typeof body.Description === "string"
        ? body.Description
        : `Virtual machine is going to be ${type === "Reboot" ? "restarted" : "updated"} as requested by an emulator test.`,
      EventSource: body.EventSource === "User" ? "User" : "Platform",
      DurationInSeconds: typeof body.DurationInSeconds === "number" ? body.DurationInSeconds : -1,
    };
    events.push(event);
    incarnation++;
    return jsonResponse(200, event);
  };
  return { imds, control };
}
