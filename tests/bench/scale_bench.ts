/**
 * Scaling of `kvmi secret get` on the local emulator: bursts of 1, 10, 50 and 200 concurrent
 * fresh `deno run src/main.ts secret get` processes started at once, with the per-user token
 * cache off (every process asks IMDS, which limits each VM to 20 token requests per second and 5
 * at once, as Azure does) and on (an empty cache folder per burst, as for scheduled tasks of one
 * user starting together). For each burst: wall time of the whole burst, per-process wall
 * p50/max, IMDS token requests and Key Vault GETs (from the emulator's counters), failures
 * (non-zero exit or wrong output) and processes killed at the deadline. Bounded: each burst is killed after `--timeout` seconds (120 by default), and the
 * number in flight is capped when memory (MemAvailable / a measured run's peak RSS, halved)
 * would not hold them; the cap is reported. Writes tests/.out/bench-scale.json.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task bench:scale               # 1, 10, 50, 200
 * npx --yes deno@2.9.5 task bench:scale 1,10 --timeout 60 --token-cache on
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { startEmulator } from "../fixtures/emulator.ts";
import { loadAverage, machineFacts, memAvailableMiB } from "./machine.ts";
import { cleanupMeasure, measure } from "./process.ts";
import { percentile, round } from "./stats.ts";

/** One burst's figures. */
interface BurstResult {
  /** The token cache: `off` (every process asks IMDS) or `on` (shared, empty at the burst's start). */
  tokenCache: "off" | "on";
  processes: number;
  maxInFlight: number;
  burstWallMs: number;
  perProcessWallMs: { p50: number; max: number };
  ok: number;
  failures: number;
  killedAtDeadline: number;
  imdsTokenRequests: number;
  keyvaultRequests: number;
  imdsTokenRequestsPerSecond: number;
  loadavgAfter: number[];
  firstFailure?: string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const SECRET = "this-is-test-secret";
const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { timeout: { type: "string", default: "120" }, "token-cache": { type: "string", default: "both" } },
});
const cacheModes = (values["token-cache"] === "both" ? ["off", "on"] : [values["token-cache"]]) as BurstResult["tokenCache"][];
if (!cacheModes.every((m) => m === "on" || m === "off")) throw new Error("--token-cache is on, off or both");
const levels = (positionals[0] ?? "1,10,50,200").split(",").map(Number).filter((n) => Number.isInteger(n) && n > 0);
const timeoutMs = Number(values.timeout) * 1000;
const kvmiArgs = ["run", "--allow-all", "--quiet", `${ROOT}src/main.ts`, "secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"];

/** Runs `n` kvmi processes, at most `inFlight` at a time, all killed at the deadline. */
async function burst(
  n: number,
  inFlight: number,
  env: Record<string, string>,
): Promise<Omit<BurstResult, "tokenCache" | "imdsTokenRequests" | "keyvaultRequests" | "imdsTokenRequestsPerSecond" | "loadavgAfter">> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const walls: number[] = [];
  let ok = 0;
  let failures = 0;
  let killed = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < n && !deadline.signal.aborted) {
      next++;
      const t0 = performance.now();
      try {
        const out = await new Deno.Command(Deno.execPath(), {
          args: kvmiArgs,
          env,
          clearEnv: true,
          cwd: ROOT,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
          signal: deadline.signal,
        }).output();
        const stdout = new TextDecoder().decode(out.stdout).trim();
        if (deadline.signal.aborted && out.signal) {
          killed++;
          continue;
        }
        walls.push(performance.now() - t0);
        if (out.success && stdout === SECRET) ok++;
        else {
          failures++;
          firstFailure ??= `exit ${out.code}: ${new TextDecoder().decode(out.stderr).slice(0, 300)}`;
        }
      } catch (error) {
        if (deadline.signal.aborted) killed++;
        else {
          failures++;
          firstFailure ??= (error as Error).message;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, inFlight) }, worker));
  clearTimeout(timer);
  const burstWallMs = performance.now() - started;
  const notStarted = n - next;
  return {
    processes: n,
    maxInFlight: Math.min(n, inFlight),
    burstWallMs,
    perProcessWallMs: { p50: percentile(walls, 50), max: walls.length ? Math.max(...walls) : NaN },
    ok,
    failures,
    killedAtDeadline: killed + notStarted,
    firstFailure,
  };
}

const machine = await machineFacts();
const loadStart = loadAverage();
const emu = await startEmulator();
try {
  // One measured run sizes the memory cap and warms Deno's module cache.
  const probe = await measure({ name: "probe", cmd: Deno.execPath(), args: kvmiArgs, env: emu.env, cwd: ROOT });
  if (probe.code !== 0 || probe.stdout.trim() !== SECRET) throw new Error(`kvmi secret get failed: ${probe.stderr}`);
  const rssMiB = (probe.maxRssKiB ?? 100 * 1024) / 1024;
  const memCap = Math.max(1, Math.floor((memAvailableMiB() * 0.5) / rssMiB));
  const results: BurstResult[] = [];
  for (const tokenCache of cacheModes) {
    for (const n of levels) {
      await emu.resetFaults();
      const cacheDir = tokenCache === "on" ? await Deno.makeTempDir({ prefix: "kvmi-scale-cache-" }) : undefined;
      const env = cacheDir ? { ...emu.env, KVMI_TOKEN_CACHE: "on", KVMI_TOKEN_CACHE_DIR: cacheDir } : emu.env;
      const r = await burst(n, memCap, env);
      if (cacheDir) await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
      const counts = await emu.requests();
      const imds = counts["imds-token"] ?? 0;
      results.push({
        tokenCache,
        ...r,
        imdsTokenRequests: imds,
        keyvaultRequests: counts["keyvault"] ?? 0,
        imdsTokenRequestsPerSecond: imds / (r.burstWallMs / 1000),
        loadavgAfter: loadAverage(),
      });
      console.error(`  token cache ${tokenCache}: ${n} processes done in ${(r.burstWallMs / 1000).toFixed(1)} s`);
    }
  }
  const loadEnd = loadAverage();
  await Deno.mkdir(`${ROOT}tests/.out`, { recursive: true });
  const file = {
    date: new Date().toISOString(),
    machine: { ...machine, loadavgStart: loadStart, loadavgEnd: loadEnd },
    form: "deno run --allow-all --quiet src/main.ts secret get (dev form), fresh processes, one emulator",
    timeoutSeconds: timeoutMs / 1000,
    memoryCapProcesses: memCap,
    probePeakRssMiB: round(rssMiB),
    bursts: results.map((r) => ({
      ...r,
      burstWallMs: round(r.burstWallMs),
      perProcessWallMs: { p50: round(r.perProcessWallMs.p50), max: round(r.perProcessWallMs.max) },
      imdsTokenRequestsPerSecond: round(r.imdsTokenRequestsPerSecond),
    })),
  };
  await Deno.writeTextFile(`${ROOT}tests/.out/bench-scale.json`, JSON.stringify(file, null, 2) + "\n");
  console.log(`${machine.nproc} cores, ${machine.cpuModel}; loadavg ${loadStart.join(" ")} → ${loadEnd.join(" ")}; deadline ${timeoutMs / 1000} s per burst`);
  console.log(`concurrent kvmi secret get (dev form), memory cap ${memCap} in flight (probe peak RSS ${rssMiB.toFixed(0)} MiB):`);
  console.log(
    `  ${"cache".padStart(5)} ${"processes".padStart(9)} ${"in flight".padStart(9)} ${"burst wall".padStart(11)} ${"p50/max per process".padStart(20)} ${
      "IMDS tokens".padStart(11)
    } ${"tokens/s".padStart(8)} ${"KV GETs".padStart(7)} failures killed`,
  );
  for (const r of results) {
    console.log(
      `  ${r.tokenCache.padStart(5)} ${String(r.processes).padStart(9)} ${String(r.maxInFlight).padStart(9)} ${
        `${(r.burstWallMs / 1000).toFixed(2)} s`.padStart(11)
      } ${`${(r.perProcessWallMs.p50 / 1000).toFixed(2)}/${(r.perProcessWallMs.max / 1000).toFixed(2)} s`.padStart(20)} ${
        String(r.imdsTokenRequests).padStart(11)
      } ${r.imdsTokenRequestsPerSecond.toFixed(1).padStart(8)} ${String(r.keyvaultRequests).padStart(7)} ${String(r.failures).padStart(8)} ${
        String(r.killedAtDeadline).padStart(6)
      }`,
    );
    if (r.firstFailure) console.log(`      first failure: ${r.firstFailure.replaceAll("\n", " ")}`);
  }
  console.log("(IMDS allows 20 token requests per second and 5 at once per VM; the emulator answers more with IMDS's 429, which kvmi retries as documented)");
  console.log("written to tests/.out/bench-scale.json");
} finally {
  await emu.stop();
  await cleanupMeasure();
}
