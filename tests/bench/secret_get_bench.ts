/**
 * Benchmark of a cold and a warm `kvmi secret get` on the local emulator, in one run with
 * alternating fresh processes (floor, kvmi dev cold and warm, packaged, Node SDK, two curls,
 * repeated N times):
 *
 * 1. the Deno floor — floor_secret_get.ts, just the two fetches;
 * 2. kvmi as `deno run src/main.ts secret get …` (the dev form), cold: token cache off, so an
 *    IMDS token request and the Key Vault GET;
 * 2b. the same, warm: the token from the per-user token cache (filled by the warm-up), so the
 *    Key Vault GET only;
 * 3. the packaged kvmi: `KVMI_BENCH_PACKAGED`, else the Linux zip built from the current source by
 *    `build.ts package --platform linux-x64` (the release build) and unpacked into
 *    `tests/.out/bench-packaged/` (never a zip lying in dist/, which may be older than the source),
 *    compared with the floor and also with 3b;
 * 3b. the floor script on the package's own `runtime/deno` with its launcher's flags;
 * 4. `@azure/identity` + `@azure/keyvault-secrets` on Node (installed by npm into tests/.out/bench-node/);
 * 5. two `curl -s` calls, for reference.
 *
 * Then `kvmi --help` against an empty Deno script, the same way (packaged: also against the empty
 * script on the package runtime). Reports wall time including the spawn, CPU (user + sys), peak
 * RSS, ratios of all three against the floor and the HTTP calls each variant
 * made (from the emulator's counters); writes it all to tests/.out/bench-secret-get.json.
 * Ratios are reported, never asserted.
 *
 * @example
 * ```sh
 * npx --yes deno@2.9.5 task bench 15
 * KVMI_BENCH_PACKAGED=dist/kvmi-linux/kvmi npx --yes deno@2.9.5 task bench 15
 * ```
 * @module
 */
import { VERSION } from "../../src/main.ts";
import { startEmulator } from "../fixtures/emulator.ts";
import { loadAverage, machineFacts, memAvailableMiB } from "./machine.ts";
import { prepareNodePeer } from "./node_sdk.ts";
import { cleanupMeasure, measure, type ProcessRun, type ProcessSpec, resourceSource } from "./process.ts";
import { ratios, type RatioSummary, round, summarize, type Summary } from "./stats.ts";

/** One contender: how to start it and how to recognise a correct answer. */
interface Variant {
  key: string;
  label: string;
  spec: ProcessSpec;
  ok: (run: ProcessRun) => boolean;
  /** A second floor (another variant's key) it is also compared with: the same script on its own runtime. */
  ownFloor?: string;
}

/** Ratios of one variant against one floor, run by run from the same rounds. */
interface FloorRatios {
  wall: RatioSummary;
  cpu: RatioSummary | null;
  rss: RatioSummary | null;
}

/** A variant's figures. */
interface VariantResult {
  label: string;
  command: string;
  wallMs: Summary;
  cpuMs: Summary | null;
  maxRssMiB: Summary | null;
  httpCalls?: Record<string, number>;
  httpCallsTotal?: number;
}

/** A group of alternating variants measured against the first one (the floor). */
interface GroupResult {
  floor: string;
  variants: Record<string, VariantResult>;
  ratiosToFloor: Record<string, FloorRatios>;
  /** For variants with an `ownFloor`: the ratios against it, and its key. */
  ratiosToOwnFloor: Record<string, FloorRatios & { floor: string }>;
  skipped: Record<string, string>;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const SECRET = "this-is-test-secret";
const runs = Math.max(1, Number(Deno.args[0] ?? "40"));
const DENO_RUN = ["run", "--allow-all", "--quiet"];

/**
 * Builds the Linux package of the source as it is now (`build.ts package --platform linux-x64`,
 * the same build the release uses) and unpacks it; returns its kvmi, or undefined when the build
 * fails. A zip lying in dist/ may be older than the source, so none is reused.
 */
async function freshPackage(): Promise<string | undefined> {
  const root = new URL("../../", import.meta.url).pathname;
  const out = `${root}tests/.out/bench-package`;
  const build = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", `${root}build.ts`, "package", "--platform", "linux-x64", "--out", out],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!build.success) {
    Deno.stderr.writeSync(new TextEncoder().encode(`package build failed: ${new TextDecoder().decode(build.stderr)}\n`));
    return undefined;
  }
  const target = `${root}tests/.out/bench-packaged`;
  await Deno.remove(target, { recursive: true }).catch(() => {});
  const unzip = await new Deno.Command("unzip", { args: ["-q", `${out}/kvmi-${VERSION}-linux-x64.zip`, "-d", target] }).output();
  return unzip.success ? `${target}/kvmi` : undefined;
}

/** The packaged launcher from KVMI_BENCH_PACKAGED or the release zip, or why there is none. */
async function packagedKvmi(): Promise<{ path: string } | { skipped: string }> {
  const path = Deno.env.get("KVMI_BENCH_PACKAGED") ?? (await freshPackage());
  if (!path) return { skipped: "the package build failed (see above); or set KVMI_BENCH_PACKAGED to a kvmi launcher" };
  try {
    const info = await Deno.stat(path);
    if (!info.isFile || ((info.mode ?? 0o111) & 0o111) === 0) return { skipped: `KVMI_BENCH_PACKAGED=${path} is not an executable file` };
  } catch {
    return { skipped: `KVMI_BENCH_PACKAGED=${path} does not exist` };
  }
  return { path: await Deno.realPath(path) };
}

/**
 * The package's own runtime and the flags its launcher passes it (`runtime/deno run … lib/main.js`),
 * read from the launcher, so the floor can run on exactly what the packaged kvmi runs on.
 */
async function packagedRuntime(launcher: string): Promise<{ deno: string; runArgs: string[] } | undefined> {
  const text = await Deno.readTextFile(launcher).catch(() => "");
  const exec = text.match(/exec "\$home\/runtime\/deno" (run(?: --[a-z-]+)*) "\$home\/lib\/main\.js" "\$@"/);
  if (!exec) return undefined;
  return { deno: `${launcher.replace(/\/[^/]+$/, "")}/runtime/deno`, runArgs: exec[1].split(" ") };
}

/** Measures `variants` in alternating rounds after one checked warm-up each; returns the runs per variant. */
async function alternate(variants: Variant[], rounds: number): Promise<Map<string, ProcessRun[]>> {
  const results = new Map<string, ProcessRun[]>(variants.map((v) => [v.key, []]));
  for (const v of variants) check(v, await measure(v.spec));
  for (let i = 0; i < rounds; i++) {
    for (const v of variants) results.get(v.key)!.push(check(v, await measure(v.spec)));
    Deno.stderr.writeSync(new TextEncoder().encode(`\r  round ${i + 1}/${rounds}`));
  }
  Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  return results;
}

function check(v: Variant, run: ProcessRun): ProcessRun {
  if (!v.ok(run)) throw new Error(`${v.label} failed (exit ${run.code}): ${run.stdout.slice(0, 200)} ${run.stderr.slice(0, 800)}`);
  return run;
}

function describe(spec: ProcessSpec): string {
  return [spec.cmd, ...spec.args].map((a) => a.replace(ROOT, "")).join(" ");
}

function summarizeGroup(variants: Variant[], results: Map<string, ProcessRun[]>, skipped: Record<string, string>): GroupResult {
  const floor = variants[0];
  const group: GroupResult = { floor: floor.key, variants: {}, ratiosToFloor: {}, ratiosToOwnFloor: {}, skipped };
  for (const v of variants) {
    const r = results.get(v.key)!;
    const cpu = r.map((x) => x.cpuMs).filter((x): x is number => x !== null);
    const rss = r.map((x) => x.maxRssKiB).filter((x): x is number => x !== null).map((k) => k / 1024);
    group.variants[v.key] = {
      label: v.label,
      command: describe(v.spec),
      wallMs: summarize(r.map((x) => x.wallMs)),
      cpuMs: cpu.length === r.length ? summarize(cpu) : null,
      maxRssMiB: rss.length === r.length ? summarize(rss) : null,
    };
    if (v === floor) continue;
    group.ratiosToFloor[v.key] = floorRatios(r, results.get(floor.key)!);
    if (v.ownFloor && results.has(v.ownFloor)) group.ratiosToOwnFloor[v.key] = { floor: v.ownFloor, ...floorRatios(r, results.get(v.ownFloor)!) };
  }
  return group;
}

/** Wall, CPU and peak RSS of `runs` against `floorRuns`, pair by pair (CPU and RSS only where both have them). */
function floorRatios(runs: ProcessRun[], floorRuns: ProcessRun[]): FloorRatios {
  const measured = (pick: (run: ProcessRun) => number | null): RatioSummary | null => {
    const values = runs.map(pick);
    const floorValues = floorRuns.map(pick);
    return [...values, ...floorValues].every((x) => x !== null) ? ratios(values as number[], floorValues as number[]) : null;
  };
  return { wall: ratios(runs.map((x) => x.wallMs), floorRuns.map((x) => x.wallMs)), cpu: measured((x) => x.cpuMs), rss: measured((x) => x.maxRssKiB) };
}

function fmtSummary(s: Summary | null, unit: string, digits = 0): string {
  if (!s) return "n/a".padEnd(22);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}) ${unit}`.padEnd(22);
}

function fmtRatios(r: FloorRatios): string {
  const pair = (x: RatioSummary) => `${x.ofMedians.toFixed(2)} (per pair ${x.perPairMedian.toFixed(2)}, ${x.perPairMin.toFixed(2)}–${x.perPairMax.toFixed(2)})`;
  return `wall ${pair(r.wall)}${r.cpu ? `, CPU ${pair(r.cpu)}` : ""}${r.rss ? `, RSS ${r.rss.ofMedians.toFixed(2)}` : ""}`;
}

function printGroup(title: string, group: GroupResult): void {
  console.log(`\n${title}`);
  console.log(`  ${"variant".padEnd(34)} ${"wall incl. spawn".padEnd(22)} ${"CPU user+sys".padEnd(22)} ${"peak RSS".padEnd(22)} HTTP calls`);
  for (const [key, v] of Object.entries(group.variants)) {
    const calls = v.httpCalls ? `${v.httpCallsTotal} ${JSON.stringify(v.httpCalls)}` : "";
    console.log(`  ${v.label.padEnd(34)} ${fmtSummary(v.wallMs, "ms")} ${fmtSummary(v.cpuMs, "ms")} ${fmtSummary(v.maxRssMiB, "MiB")} ${calls}`);
    const r = group.ratiosToFloor[key];
    if (r) console.log(`  ${"".padEnd(34)} / ${group.floor}: ${fmtRatios(r)}`);
    const own = group.ratiosToOwnFloor[key];
    if (own) console.log(`  ${"".padEnd(34)} / ${own.floor}: ${fmtRatios(own)}`);
  }
  for (const [key, why] of Object.entries(group.skipped)) console.log(`  ${key.padEnd(34)} skipped: ${why}`);
}

/** Rounds every number in a result for the JSON file. */
function rounded(value: unknown): unknown {
  if (typeof value === "number") return round(value, 2);
  if (Array.isArray(value)) return value.map(rounded);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)]));
  return value;
}

const loadStart = loadAverage();
const machine = await machineFacts();
const nodePeer = await prepareNodePeer();
const packaged = await packagedKvmi();
const emu = await startEmulator();
const cacheDir = await Deno.makeTempDir({ prefix: "kvmi-bench-cache-" });
try {
  const env = emu.env;
  const warmEnv = { ...env, KVMI_TOKEN_CACHE: "on", KVMI_TOKEN_CACHE_DIR: cacheDir };
  const vault = emu.manifest.vaults["kv-demo"];
  const kvmiArgs = ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"];
  const exact = (run: ProcessRun) => run.code === 0 && run.stdout.trim() === SECRET;
  const secretSkipped: Record<string, string> = {};
  const secretVariants: Variant[] = [
    {
      key: "floor",
      label: "Deno floor (2 fetches)",
      spec: {
        name: "floor",
        cmd: Deno.execPath(),
        args: [...DENO_RUN, `${ROOT}tests/bench/floor_secret_get.ts`, emu.manifest.imdsEndpoint, vault, "secret-for-vm", emu.manifest.caCertFile],
        env,
        cwd: ROOT,
      },
      ok: exact,
    },
    {
      key: "kvmiDev",
      label: "kvmi dev cold (no token cache)",
      spec: { name: "kvmiDev", cmd: Deno.execPath(), args: [...DENO_RUN, `${ROOT}src/main.ts`, ...kvmiArgs], env, cwd: ROOT },
      ok: exact,
    },
    {
      key: "kvmiDevWarm",
      label: "kvmi dev warm (token cache)",
      spec: { name: "kvmiDevWarm", cmd: Deno.execPath(), args: [...DENO_RUN, `${ROOT}src/main.ts`, ...kvmiArgs], env: warmEnv, cwd: ROOT },
      ok: exact,
    },
  ];
  const runtime = "path" in packaged ? await packagedRuntime(packaged.path) : undefined;
  if ("path" in packaged && runtime) {
    // The same floor script on the package's runtime file with its launcher's flags (no deno.json, no
    // lock file): what the packaged kvmi adds over a bare script on exactly what it runs on. The two
    // runtime files are the same build, but their pages are cached differently, which alone moves
    // peak RSS and CPU by several per cent (a freshly unpacked file is all in the page cache).
    secretVariants.push({
      key: "floorPackagedRuntime",
      label: "Deno floor on the package runtime",
      spec: {
        name: "floorPackagedRuntime",
        cmd: runtime.deno,
        args: [...runtime.runArgs, `${ROOT}tests/bench/floor_secret_get.ts`, emu.manifest.imdsEndpoint, vault, "secret-for-vm", emu.manifest.caCertFile],
        env,
        cwd: ROOT,
      },
      ok: exact,
    });
    secretVariants.push({
      key: "packaged",
      label: "kvmi packaged",
      spec: { name: "packaged", cmd: packaged.path, args: kvmiArgs, env, cwd: ROOT },
      ok: exact,
      ownFloor: "floorPackagedRuntime",
    });
  } else secretSkipped.packaged = "path" in packaged ? `${packaged.path} does not run runtime/deno the way the release launcher does` : packaged.skipped;
  if ("script" in nodePeer) {
    secretVariants.push({
      key: "nodeSdk",
      label: `Node ${machine.node} + Azure SDK`,
      spec: {
        name: "nodeSdk",
        cmd: nodePeer.node,
        args: [nodePeer.script, vault, "secret-for-vm"],
        env: { ...env, NODE_EXTRA_CA_CERTS: emu.manifest.caCertFile },
        cwd: nodePeer.dir,
      },
      ok: exact,
    });
  } else secretSkipped.nodeSdk = nodePeer.skipped;
  const curlScript = 'set -e; t=$(curl -s -H Metadata:true "$1/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net" ' +
    '| sed \'s/.*"access_token":"\\([^"]*\\)".*/\\1/\'); ' +
    'curl -s --cacert "$3" -H "Authorization: Bearer $t" "${2%/}/secrets/secret-for-vm?api-version=7.5"';
  secretVariants.push({
    key: "twoCurls",
    label: "two curls (reference)",
    spec: { name: "twoCurls", cmd: "/bin/sh", args: ["-c", curlScript, "sh", emu.manifest.imdsEndpoint, vault, emu.manifest.caCertFile], env, cwd: ROOT },
    ok: (run) => run.code === 0 && run.stdout.includes(`"value":"${SECRET}"`),
  });

  console.error(`secret get: ${secretVariants.length} variants × ${runs} alternating rounds (plus one warm-up each)`);
  const secretRuns = await alternate(secretVariants, runs);
  const secretGet = summarizeGroup(secretVariants, secretRuns, secretSkipped);
  for (const v of secretVariants) {
    await emu.resetFaults();
    check(v, await measure(v.spec));
    const calls = await emu.requests();
    secretGet.variants[v.key].httpCalls = calls;
    secretGet.variants[v.key].httpCallsTotal = Object.values(calls).reduce((a, b) => a + b, 0);
  }

  const helpSkipped: Record<string, string> = {};
  const helpOk = (run: ProcessRun) => run.code === 0 && run.stdout.includes("Usage: kvmi");
  const helpVariants: Variant[] = [
    {
      key: "emptyDeno",
      label: "deno run empty.ts",
      spec: { name: "emptyDeno", cmd: Deno.execPath(), args: [...DENO_RUN, `${ROOT}tests/bench/empty.ts`], env, cwd: ROOT },
      ok: (run) => run.code === 0,
    },
    {
      key: "kvmiDevHelp",
      label: "kvmi dev --help",
      spec: { name: "kvmiDevHelp", cmd: Deno.execPath(), args: [...DENO_RUN, `${ROOT}src/main.ts`, "--help"], env, cwd: ROOT },
      ok: helpOk,
    },
  ];
  if ("path" in packaged && runtime) {
    helpVariants.push({
      key: "emptyPackagedRuntime",
      label: "empty.ts on the package runtime",
      spec: { name: "emptyPackagedRuntime", cmd: runtime.deno, args: [...runtime.runArgs, `${ROOT}tests/bench/empty.ts`], env, cwd: ROOT },
      ok: (run) => run.code === 0,
    });
    helpVariants.push({
      key: "packagedHelp",
      label: "kvmi packaged --help",
      spec: { name: "packagedHelp", cmd: packaged.path, args: ["--help"], env, cwd: ROOT },
      ok: helpOk,
      ownFloor: "emptyPackagedRuntime",
    });
  } else helpSkipped.packagedHelp = secretSkipped.packaged;
  console.error(`--help: ${helpVariants.length} variants × ${runs} alternating rounds`);
  const help = summarizeGroup(helpVariants, await alternate(helpVariants, runs), helpSkipped);

  const loadEnd = loadAverage();
  const result = {
    date: new Date().toISOString(),
    machine: { ...machine, loadavgStart: loadStart, loadavgEnd: loadEnd, memAvailableMiBEnd: memAvailableMiB() },
    note: "wall time includes process creation; every run is a fresh process; the emulator (deno run) shares the machine",
    runsPerVariant: runs,
    resources: await resourceSource(),
    nodeSdkVersions: "versions" in nodePeer ? nodePeer.versions : null,
    secretGet,
    help,
  };
  const outDir = `${ROOT}tests/.out`;
  await Deno.mkdir(outDir, { recursive: true });
  await Deno.writeTextFile(`${outDir}/bench-secret-get.json`, JSON.stringify(rounded(result), null, 2) + "\n");

  console.log(`${machine.nproc} cores, ${machine.cpuModel}, Deno ${machine.deno}, Node ${machine.node}; loadavg ${loadStart.join(" ")} → ${loadEnd.join(" ")}`);
  console.log(`${runs} alternating rounds per group, fresh process per run, medians (min–max); CPU and RSS: ${result.resources}`);
  printGroup("secret get (kv-demo/secret-for-vm), cold and warm token cache, same emulator:", secretGet);
  printGroup("kvmi --help against an empty Deno script:", help);
  console.log(`\nwritten to tests/.out/bench-secret-get.json`);
} finally {
  await emu.stop();
  await cleanupMeasure();
  await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
}
