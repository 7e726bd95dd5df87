/**
 * Facts about the machine a benchmark ran on, for the JSON files and the printed header:
 * core count, CPU model, load average, memory, Deno and Node versions.
 *
 * @example
 * ```ts
 * import { loadAverage, machineFacts } from "./machine.ts";
 * const facts = await machineFacts();
 * console.log(facts.nproc, facts.cpuModel, loadAverage());
 * ```
 * @module
 */

/** What a result file records about the machine. */
export interface MachineFacts {
  nproc: number;
  cpuModel: string;
  memTotalMiB: number;
  kernel: string;
  deno: string;
  node: string;
}

/** The 1, 5 and 15 minute load averages from /proc/loadavg (empty when unreadable). */
export function loadAverage(): number[] {
  try {
    return Deno.readTextFileSync("/proc/loadavg").trim().split(/\s+/).slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

/** MemAvailable from /proc/meminfo in MiB (NaN when unreadable). */
export function memAvailableMiB(): number {
  return meminfo("MemAvailable");
}

function meminfo(key: string): number {
  try {
    const m = Deno.readTextFileSync("/proc/meminfo").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/** Core count, CPU model, memory and tool versions. */
export async function machineFacts(): Promise<MachineFacts> {
  let cpuModel = "unknown";
  try {
    cpuModel = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? cpuModel;
  } catch { /* not Linux */ }
  return {
    nproc: navigator.hardwareConcurrency,
    cpuModel,
    memTotalMiB: meminfo("MemTotal"),
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    node: await nodeVersion(),
  };
}

/** The version of /usr/bin/node, or "absent". */
export async function nodeVersion(node = "/usr/bin/node"): Promise<string> {
  try {
    const out = await new Deno.Command(node, { args: ["--version"], stdout: "piped", stderr: "null" }).output();
    return new TextDecoder().decode(out.stdout).trim() || "absent";
  } catch {
    return "absent";
  }
}

/** The kernel's count of TCP connections opened by this host (`Tcp: ActiveOpens` in /proc/net/snmp); NaN when unreadable. */
export function tcpActiveOpens(): number {
  try {
    const [header, values] = Deno.readTextFileSync("/proc/net/snmp").split("\n").filter((l) => l.startsWith("Tcp:")).map((l) => l.trim().split(/\s+/));
    return Number(values[header.indexOf("ActiveOpens")]);
  } catch {
    return NaN;
  }
}
