/**
 * The emulator's own throughput on loopback, with the small Deno load generator in load.ts
 * (no wrk, hey or ab here): Key Vault secret GET over one keep-alive client, Key Vault secret GET
 * with a new TLS connection per request, and IMDS token GET (plain http, keep-alive). Each
 * scenario runs for `--seconds` (5) or `--max` requests (2000), whichever comes first, with
 * `--workers` (16) concurrent workers. The generator shares the machine with the emulator. The
 * TCP connections opened during each scenario (the kernel's system-wide `ActiveOpens`, so other
 * programs can add a few) show whether connections were reused. The emulator runs with Azure's
 * limits off (`--imds-limits off --throttling off`): with them on, most answers past the first
 * few would be the cheap 429s, which is not the throughput of the service.
 * Writes tests/.out/bench-emulator.json.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task bench:emulator
 * npx --yes deno@2.9.5 task bench:emulator --seconds 2 --max 500 --workers 8
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { startEmulator, vmToken } from "../fixtures/emulator.ts";
import { type LoadOptions, type LoadResult, loadTest } from "./load.ts";
import { loadAverage, machineFacts, tcpActiveOpens } from "./machine.ts";
import { round } from "./stats.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: { seconds: { type: "string", default: "5" }, max: { type: "string", default: "2000" }, workers: { type: "string", default: "16" } },
});
const budget = { seconds: Number(values.seconds), maxRequests: Number(values.max), workers: Number(values.workers), warmup: 20 };

const machine = await machineFacts();
const loadStart = loadAverage();
const emu = await startEmulator({ imdsLimits: "off", throttling: "off" });
try {
  const ca = await Deno.readTextFile(emu.manifest.caCertFile);
  const token = await vmToken(emu, "https://vault.azure.net");
  const secretUrl = `${emu.manifest.vaults["kv-demo"].replace(/\/$/, "")}/secrets/secret-for-vm?api-version=7.5`;
  const scenarios: Record<string, LoadOptions> = {
    keyvaultGetKeepAlive: { ...budget, url: secretUrl, caCerts: [ca], headers: { Authorization: `Bearer ${token}` }, connection: "keep-alive" },
    keyvaultGetNewTls: { ...budget, url: secretUrl, caCerts: [ca], headers: { Authorization: `Bearer ${token}` }, connection: "new-connection" },
    imdsTokenKeepAlive: {
      ...budget,
      url: `${emu.manifest.imdsEndpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net`,
      headers: { Metadata: "true" },
      connection: "keep-alive",
    },
  };
  const results: Record<string, LoadResult & { tcpConnectionsOpened: number }> = {};
  for (const [name, options] of Object.entries(scenarios)) {
    console.error(`  ${name}…`);
    const opensBefore = tcpActiveOpens();
    const result = await loadTest(options);
    results[name] = { ...result, tcpConnectionsOpened: tcpActiveOpens() - opensBefore };
  }
  const loadEnd = loadAverage();
  const file = {
    date: new Date().toISOString(),
    machine: { ...machine, loadavgStart: loadStart, loadavgEnd: loadEnd },
    note: "load generator (Deno, tests/bench/load.ts) and emulator (deno run) share the machine; loopback only",
    budget,
    scenarios: Object.fromEntries(
      Object.entries(results).map(([k, r]) => [k, {
        ...r,
        seconds: round(r.seconds, 2),
        requestsPerSecond: round(r.requestsPerSecond),
        latencyMs: { p50: round(r.latencyMs.p50, 2), p99: round(r.latencyMs.p99, 2), max: round(r.latencyMs.max, 2) },
      }]),
    ),
  };
  await Deno.mkdir(`${ROOT}tests/.out`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}tests/.out/bench-emulator.json`, JSON.stringify(file, null, 2) + "\n");
  console.log(`${machine.nproc} cores, ${machine.cpuModel}; loadavg ${loadStart.join(" ")} → ${loadEnd.join(" ")}`);
  console.log(`emulator throughput, ${budget.workers} workers, ${budget.seconds} s or ${budget.maxRequests} requests per scenario:`);
  console.log(
    `  ${"scenario".padEnd(36)} ${"requests".padStart(8)} ${"req/s".padStart(8)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)} ${
      "TCP opens".padStart(9)
    } errors`,
  );
  const labels: Record<string, string> = {
    keyvaultGetKeepAlive: "Key Vault GET, keep-alive",
    keyvaultGetNewTls: "Key Vault GET, new TLS conn/request",
    imdsTokenKeepAlive: "IMDS token GET (http), keep-alive",
  };
  for (const [k, r] of Object.entries(results)) {
    console.log(
      `  ${labels[k].padEnd(36)} ${String(r.requests).padStart(8)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${r.latencyMs.p50.toFixed(1).padStart(8)} ${
        r.latencyMs.p99.toFixed(1).padStart(8)
      } ${r.latencyMs.max.toFixed(1).padStart(8)} ${String(r.tcpConnectionsOpened).padStart(9)} ${r.errors}${r.firstError ? ` (first: ${r.firstError})` : ""}`,
    );
  }
  console.log("written to tests/.out/bench-emulator.json");
} finally {
  await emu.stop();
}
