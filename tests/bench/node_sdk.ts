/**
 * The benchmark's own setup step for the Node peer: installs `@azure/identity` and
 * `@azure/keyvault-secrets` with npm (the version ranges kvmi's deno.json uses) into
 * tests/.out/bench-node/ (gitignored), copies node_peer_secret_get.mjs next to them, and says
 * which versions it got. Installs only when the folder is missing or the ranges changed.
 *
 * @example
 * ```ts
 * import { prepareNodePeer } from "./node_sdk.ts";
 * const peer = await prepareNodePeer();
 * if ("skipped" in peer) console.log(peer.skipped); else console.log(peer.script, peer.versions);
 * ```
 * @module
 */

/** The Node peer, ready to run, or why it cannot be. */
export type NodePeer = { node: string; script: string; dir: string; versions: Record<string, string> } | { skipped: string };

const ROOT = new URL("../../", import.meta.url).pathname;
const PACKAGES = ["@azure/identity", "@azure/keyvault-secrets"] as const;

/** The npm version ranges of the SDK packages, read from deno.json's imports (`npm:NAME@RANGE`). */
export async function sdkRanges(): Promise<Record<string, string>> {
  const config: { imports: Record<string, string> } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const ranges: Record<string, string> = {};
  for (const name of PACKAGES) {
    const spec = config.imports[name] ?? "";
    ranges[name] = spec.startsWith(`npm:${name}@`) ? spec.slice(`npm:${name}@`.length) : "latest";
  }
  return ranges;
}

/** Installs the SDK for Node if needed and returns how to run the peer. */
export async function prepareNodePeer(node = "/usr/bin/node"): Promise<NodePeer> {
  try {
    await Deno.stat(node);
  } catch {
    return { skipped: `${node} not found` };
  }
  const dir = `${ROOT}tests/.out/bench-node`;
  await Deno.mkdir(dir, { recursive: true });
  const manifest = JSON.stringify({ name: "kvmi-bench-node-peer", private: true, type: "module", dependencies: await sdkRanges() }, null, 2) + "\n";
  const current = await Deno.readTextFile(`${dir}/package.json`).catch(() => "");
  const installed = await Promise.all(PACKAGES.map((p) => Deno.stat(`${dir}/node_modules/${p}/package.json`).then(() => true, () => false)));
  if (current !== manifest || installed.includes(false)) {
    await Deno.writeTextFile(`${dir}/package.json`, manifest);
    console.error(`installing ${PACKAGES.join(" and ")} for Node with npm into tests/.out/bench-node/ …`);
    const out = await new Deno.Command("npm", {
      args: ["install", "--no-audit", "--no-fund", "--omit=dev", "--no-package-lock", "--loglevel=error"],
      cwd: dir,
      stdin: "null",
      stdout: "inherit",
      stderr: "inherit",
    }).output().catch((e: Error) => ({ success: false, code: -1, message: e.message }));
    if (!out.success) return { skipped: `npm install failed in ${dir} (exit ${out.code})` };
  }
  const script = `${dir}/node_peer_secret_get.mjs`;
  await Deno.copyFile(`${ROOT}tests/bench/node_peer_secret_get.mjs`, script);
  const versions: Record<string, string> = {};
  for (const p of PACKAGES) versions[p] = JSON.parse(await Deno.readTextFile(`${dir}/node_modules/${p}/package.json`)).version;
  return { node, script, dir, versions };
}
