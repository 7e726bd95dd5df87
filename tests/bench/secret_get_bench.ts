/**
 * Benchmark: a cold `kvmi secret get` (one process, no cache) against the official Azure SDK
 * doing the same in a fresh process, both on the local emulator, in the same run. Reports the
 * medians, the ratio and the HTTP calls each made. Run: deno run -A tests/bench/secret_get_bench.ts [N]
 */
import { startEmulator } from "../fixtures/emulator.ts";

const runs = Number(Deno.args[0] ?? "15");
const emu = await startEmulator();
const root = new URL("../../", import.meta.url).pathname;

async function timed(args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, env, clearEnv: true, stdout: "piped", stderr: "piped" }).output();
  const ms = performance.now() - started;
  if (!out.success || new TextDecoder().decode(out.stdout) !== "this-is-test-secret") {
    throw new Error(`run failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return ms;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function calls(args: string[], env: Record<string, string>): Promise<Record<string, number>> {
  await emu.resetFaults();
  await timed(args, env);
  return await emu.requests();
}

try {
  const env = { ...emu.env, NODE_EXTRA_CA_CERTS: emu.manifest.caCertFile };
  const kvmi = ["run", "--allow-all", "--quiet", `${root}src/main.ts`, "secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"];
  const peer = ["run", "--allow-all", "--quiet", `${root}tests/bench/peer_secret_get.ts`, emu.manifest.vaults["kv-demo"], "secret-for-vm"];
  await timed(kvmi, env);
  await timed(peer, env);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await timed(kvmi, env));
    b.push(await timed(peer, env));
  }
  const kvmiCalls = await calls(kvmi, env);
  const peerCalls = await calls(peer, env);
  console.log(`cold secret get, ${runs} runs each, same machine, same emulator (deno run, not compiled):`);
  console.log(`  kvmi:              median ${median(a).toFixed(0)} ms, HTTP calls ${JSON.stringify(kvmiCalls)}`);
  console.log(`  @azure/identity + @azure/keyvault-secrets: median ${median(b).toFixed(0)} ms, HTTP calls ${JSON.stringify(peerCalls)}`);
  console.log(`  ratio kvmi/peer: ${(median(a) / median(b)).toFixed(2)}`);
} finally {
  await emu.stop();
}
