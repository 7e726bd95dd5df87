/**
 * The network namespace of real-address mode (Linux, root, `ip` from iproute2): created (or
 * reused) with only loopback up and 169.254.169.254 on it, so nothing inside has a route out; its
 * own view of `/etc/hosts` and of the system certificate store (`/etc/ssl`, the host's copy plus
 * the emulator's CA) under `/etc/netns/NAME/`, which `ip netns exec` mounts over `/etc` for the
 * processes it starts. The machine's own hosts file, certificate store and routes are never
 * touched; everything created here is removed again by {@link removeNamespace}.
 * @module
 */
import { IMDS_ADDRESS } from "./real_addresses.ts";

/** The namespace name used when none is given. */
export const DEFAULT_NETNS = "kvmi-emu";

/** What {@link prepareNamespace} made, so {@link removeNamespace} removes exactly that. */
export interface PreparedNamespace {
  name: string;
  /** Whether the namespace was created here (a reused one is left in place). */
  created: boolean;
  /** `/etc/netns/NAME`. */
  etcDir: string;
  /** Whether `/etc/netns/NAME` was created here (otherwise only the files written are removed). */
  createdEtcDir: boolean;
}

/** Why real-address mode cannot run here, or undefined when it can (Linux, root, `ip netns`). */
export async function namespaceUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "real addresses need Linux network namespaces";
  if (Deno.uid() !== 0) return "real addresses need root (to create a network namespace and listen on ports 80 and 443)";
  try {
    const out = await new Deno.Command("ip", { args: ["netns", "list"], stdout: "null", stderr: "null" }).output();
    return out.success ? undefined : "`ip netns list` failed";
  } catch {
    return "the `ip` command (iproute2) is not installed";
  }
}

/** Whether a namespace name is safe as a file name and an `ip` argument. */
export function validNamespaceName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name) && name !== "." && name !== "..";
}

async function ip(args: string[]): Promise<string> {
  const out = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(out.stderr).trim()}`);
  return text;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The OpenSSL subject hash of a PEM certificate (for the `HASH.0` link of a certificate folder), if openssl is installed. */
async function subjectHash(pemFile: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("openssl", { args: ["x509", "-hash", "-noout", "-in", pemFile], stdout: "piped", stderr: "null" }).output();
    const hash = new TextDecoder().decode(out.stdout).trim();
    return out.success && /^[0-9a-f]{8}$/.test(hash) ? hash : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the namespace's `/etc/ssl`: a copy of the host's with the emulator CA added to the bundle and the certificate folder. */
async function writeTrustStore(etcDir: string, caPem: string): Promise<void> {
  const ssl = `${etcDir}/ssl`;
  await Deno.remove(ssl, { recursive: true }).catch(() => {});
  if (await exists("/etc/ssl")) {
    const copy = await new Deno.Command("cp", { args: ["-a", "/etc/ssl", ssl] }).output();
    if (!copy.success) throw new Error("could not copy /etc/ssl for the namespace");
  }
  await Deno.mkdir(`${ssl}/certs`, { recursive: true });
  const bundle = `${ssl}/certs/ca-certificates.crt`;
  const existing = await Deno.readTextFile(bundle).catch(() => "");
  await Deno.remove(bundle).catch(() => {});
  await Deno.writeTextFile(bundle, `${existing}${existing.endsWith("\n") || existing === "" ? "" : "\n"}${caPem.trim()}\n`);
  const caFile = `${ssl}/certs/kvmi-emulator-ca.pem`;
  await Deno.writeTextFile(caFile, caPem.trim() + "\n");
  const hash = await subjectHash(caFile);
  if (hash) await Deno.symlink("kvmi-emulator-ca.pem", `${ssl}/certs/${hash}.0`).catch(() => {});
}

/** Creates (or reuses) the namespace and writes its hosts file and certificate store. */
export async function prepareNamespace(name: string, hosts: string, caPem: string): Promise<PreparedNamespace> {
  const listed = await ip(["netns", "list"]);
  const present = listed.split("\n").some((line) => line.split(" ")[0] === name);
  if (!present) await ip(["netns", "add", name]);
  const etcDir = `/etc/netns/${name}`;
  const createdEtcDir = !(await exists(etcDir));
  const prepared = { name, created: !present, etcDir, createdEtcDir };
  try {
    await ip(["-n", name, "link", "set", "lo", "up"]);
    await ip(["-n", name, "addr", "replace", `${IMDS_ADDRESS}/32`, "dev", "lo"]);
    await Deno.mkdir(etcDir, { recursive: true });
    await Deno.writeTextFile(`${etcDir}/hosts`, hosts);
    await writeTrustStore(etcDir, caPem);
  } catch (error) {
    await removeNamespace(prepared);
    throw error;
  }
  return prepared;
}

/** Removes what {@link prepareNamespace} created. */
export async function removeNamespace(prepared: PreparedNamespace): Promise<void> {
  if (prepared.createdEtcDir) {
    await Deno.remove(prepared.etcDir, { recursive: true }).catch(() => {});
  } else {
    await Deno.remove(`${prepared.etcDir}/hosts`).catch(() => {});
    await Deno.remove(`${prepared.etcDir}/ssl`, { recursive: true }).catch(() => {});
  }
  if (prepared.created) await ip(["netns", "del", prepared.name]).catch(() => {});
}

/** The command line that runs `command` inside the namespace (with its `/etc` view). */
export function namespaceCommand(name: string, command: string[]): string[] {
  return ["ip", "netns", "exec", name, ...command];
}
