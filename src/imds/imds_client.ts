/**
 * The non-token IMDS endpoints: instance metadata (subscription, resource group, cloud),
 * scheduled events and attested data. Always direct, always `Metadata: true`, with the IMDS
 * retry policy.
 *
 * @example
 * ```ts
 * import { ImdsClient } from "./imds_client.ts";
 * import { HttpClient } from "../http/http_client.ts";
 * const imds = new ImdsClient(new HttpClient(), "http://169.254.169.254");
 * const { subscriptionId, resourceGroupName, azEnvironment } = await imds.compute();
 * ```
 * @module
 */
import { parseJsonObject } from "../core/json_body.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import { withQuery } from "../http/query_string.ts";
import type { HttpClient } from "../http/http_client.ts";
import { imdsRetryPolicy, sendWithRetry } from "../http/retry.ts";
import { withShortFirstAnswer } from "../http/first_answer.ts";

/** Api-versions kvmi sends to each IMDS endpoint. */
export const IMDS_API_VERSIONS = { instance: "2021-02-01", scheduledEvents: "2020-07-01", attested: "2021-02-01" };

/** The compute fields kvmi uses. */
export interface ComputeMetadata {
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
  location: string;
  resourceId: string;
  azEnvironment: string;
  vmId: string;
}

/** What {@link ImdsClient.probe} saw. */
export interface ImdsProbe {
  status: number;
  /** Round trip in milliseconds. */
  ms: number;
  /** IMDS's clock, from its `Date` header. */
  serverDate?: Date;
  /** The compute fields, on a 200. */
  compute?: Record<string, string>;
}

/** Talks to IMDS at `endpoint` (e.g. `http://169.254.169.254`). */
export class ImdsClient {
  #http: HttpClient;
  #endpoint: string;

  constructor(http: HttpClient, endpoint: string) {
    this.#http = http;
    this.#endpoint = endpoint;
  }

  /** GET a metadata path and parse the JSON body. */
  async get(path: string, query: Record<string, string>): Promise<Record<string, unknown>> {
    return await this.#send("GET", path, query);
  }

  /** POST a JSON body to a metadata path. */
  async post(path: string, query: Record<string, string>, body: unknown): Promise<Record<string, unknown>> {
    return await this.#send("POST", path, query, JSON.stringify(body));
  }

  /** The full `/metadata/instance` document. */
  async instance(): Promise<Record<string, unknown>> {
    return await this.get("/metadata/instance", { "api-version": IMDS_API_VERSIONS.instance });
  }

  /** The compute fields kvmi needs for defaults. */
  async compute(): Promise<ComputeMetadata> {
    const compute = (await this.instance()).compute as Record<string, unknown> | undefined;
    const field = (k: string) => (typeof compute?.[k] === "string" ? compute[k] as string : "");
    return {
      subscriptionId: field("subscriptionId"),
      resourceGroupName: field("resourceGroupName"),
      name: field("name"),
      location: field("location"),
      resourceId: field("resourceId"),
      azEnvironment: field("azEnvironment"),
      vmId: field("vmId"),
    };
  }

  /** The scheduled events document (`/metadata/scheduledevents`). */
  async scheduledEvents(): Promise<Record<string, unknown>> {
    return await this.get("/metadata/scheduledevents", { "api-version": IMDS_API_VERSIONS.scheduledEvents });
  }

  /** Approves (starts) scheduled event `eventId` now. */
  async approveScheduledEvent(eventId: string): Promise<void> {
    await this.post("/metadata/scheduledevents", { "api-version": IMDS_API_VERSIONS.scheduledEvents }, { StartRequests: [{ EventId: eventId }] });
  }

  /** The signed attested data document, with an optional nonce (up to 32 digits). */
  async attestedDocument(nonce?: string): Promise<Record<string, unknown>> {
    return await this.get("/metadata/attested/document", { "api-version": IMDS_API_VERSIONS.attested, ...(nonce ? { nonce } : {}) });
  }

  /**
   * One quick look at `/metadata/instance/compute`, without retries, for `kvmi doctor`: how IMDS
   * answered, how fast, its clock (`Date`), and the compute fields on a 200. Network failures throw.
   */
  async probe(timeoutMs = 3000): Promise<ImdsProbe> {
    const url = withQuery(`${this.#endpoint}/metadata/instance/compute`, { "api-version": IMDS_API_VERSIONS.instance });
    const started = performance.now();
    const response = await this.#http.send({ method: "GET", url, headers: { Metadata: "true" }, direct: true, timeoutMs });
    const ms = Math.round(performance.now() - started);
    const date = response.headers.get("date");
    return {
      status: response.status,
      ms,
      serverDate: date ? new Date(date) : undefined,
      compute: response.status === 200 ? JSON.parse(response.body) as Record<string, string> : undefined,
    };
  }

  async #send(method: string, path: string, query: Record<string, string>, body?: string): Promise<Record<string, unknown>> {
    const url = withQuery(`${this.#endpoint}${path}`, query);
    let response;
    try {
      response = await sendWithRetry(
        withShortFirstAnswer(url, (timeoutMs) =>
          this.#http.send({
            method,
            url,
            body,
            headers: { Metadata: "true", ...(body ? { "Content-Type": "application/json" } : {}) },
            direct: true,
            timeoutMs,
          })),
        imdsRetryPolicy,
      );
    } catch (error) {
      if (error instanceof KvmiError && error.code === "DeadlineExceeded") throw error;
      throw new KvmiError(`IMDS at ${this.#endpoint} could not be reached: ${(error as Error).message}`, {
        code: "ImdsUnreachable",
        kind: "unavailable",
        hint:
          "Instance metadata exists only on Azure VMs (or the kvmi emulator via AZURE_POD_IDENTITY_AUTHORITY_HOST); pass --subscription and --resource-group explicitly elsewhere.",
      });
    }
    if (response.status < 300 && response.body.trim() === "") return {};
    const json = parseJsonObject(response.body);
    if (response.status >= 300 || !json) {
      const message = typeof json?.error === "string" ? json.error : response.body.slice(0, 200);
      throw new KvmiError(`IMDS ${path} answered ${response.status}: ${message}`, {
        code: "ImdsError",
        status: response.status,
        kind: response.status === 404 ? "notFound" : isTransientStatus(response.status) ? "unavailable" : "other",
      });
    }
    return json;
  }
}
