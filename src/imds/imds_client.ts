/**
 * The non-token IMDS endpoints: instance metadata (subscription, resource group, cloud),
 * scheduled events and attested data. Always direct, always `Metadata: true`, with the IMDS
 * retry policy.
 * @module
 */
import { parseJsonObject } from "../core/json_body.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import type { HttpClient } from "../http/http_client.ts";
import { imdsRetryPolicy, sendWithRetry } from "../http/retry.ts";

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

  async #send(method: string, path: string, query: Record<string, string>, body?: string): Promise<Record<string, unknown>> {
    const url = new URL(`${this.#endpoint}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let response;
    try {
      response = await sendWithRetry(
        () =>
          this.#http.send({
            method,
            url,
            body,
            headers: { Metadata: "true", ...(body ? { "Content-Type": "application/json" } : {}) },
            direct: true,
            timeoutMs: 5000,
          }),
        imdsRetryPolicy,
      );
    } catch (error) {
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
