/**
 * A small HTTP load generator for loopback (the machine has no wrk, hey or ab): N concurrent
 * workers send requests until a time or request budget runs out, either through one shared
 * `Deno.HttpClient` (keep-alive, connections reused) or through a new client per request (a new
 * TCP and TLS connection each time). Reports requests/s, p50/p99/max latency and errors.
 *
 * @example
 * ```ts
 * import { loadTest } from "./load.ts";
 * const r = await loadTest({ url: "http://127.0.0.1:8080/", workers: 8, seconds: 2, maxRequests: 500, connection: "keep-alive" });
 * console.log(r.requestsPerSecond, r.latencyMs.p99);
 * ```
 * @module
 */
import { percentile } from "./stats.ts";

/** One load scenario. */
export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  /** PEM CA certificates to trust (for https). */
  caCerts?: string[];
  workers: number;
  /** Stop after this many seconds… */
  seconds: number;
  /** …or this many requests, whichever comes first. */
  maxRequests: number;
  /** `keep-alive`: one client for every request; `new-connection`: a new client (connection, TLS handshake) per request. */
  connection: "keep-alive" | "new-connection";
  /** Requests sent first and not counted. */
  warmup?: number;
}

/** What a scenario measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  workers: number;
  connection: LoadOptions["connection"];
}

/** Runs one scenario and returns its figures. */
export async function loadTest(options: LoadOptions): Promise<LoadResult> {
  const shared = Deno.createHttpClient({ caCerts: options.caCerts ?? [] });
  const once = async (): Promise<string | undefined> => {
    const client = options.connection === "keep-alive" ? shared : Deno.createHttpClient({ caCerts: options.caCerts ?? [] });
    try {
      const res = await fetch(options.url, { client, headers: options.headers });
      await res.arrayBuffer();
      return res.status === 200 ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      return (error as Error).message;
    } finally {
      if (client !== shared) client.close();
    }
  };
  try {
    for (let i = 0; i < (options.warmup ?? 0); i++) await once();
    const latencies: number[] = [];
    let issued = 0;
    let errors = 0;
    let firstError: string | undefined;
    const started = performance.now();
    const stopAt = started + options.seconds * 1000;
    const worker = async () => {
      while (issued < options.maxRequests && performance.now() < stopAt) {
        issued++;
        const t0 = performance.now();
        const error = await once();
        latencies.push(performance.now() - t0);
        if (error !== undefined) {
          errors++;
          firstError ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: options.workers }, worker));
    const seconds = (performance.now() - started) / 1000;
    return {
      requests: latencies.length,
      errors,
      firstError,
      seconds,
      requestsPerSecond: latencies.length / seconds,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length ? Math.max(...latencies) : NaN },
      workers: options.workers,
      connection: options.connection,
    };
  } finally {
    shared.close();
  }
}
