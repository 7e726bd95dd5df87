/**
 * `kvmi doctor`: checks what managed-identity scripts depend on, each with a pass/fail line and
 * what to do next: proxy settings that would capture IMDS traffic, IMDS reachability, instance
 * metadata, clock skew, a token per audience, and DNS/TLS to ARM and the vault.
 * @module
 */
import { COMMON_HELP, COMMON_OPTIONS, IDENTITY_HELP, IDENTITY_OPTIONS, outputFormat, parseOptions, stringOption } from "../cli/args.ts";
import { KvmiError } from "../core/errors.ts";
import { printJson } from "../cli/output.ts";
import { writeStdout } from "../core/stdio.ts";
import { originOf } from "../cloud/cloud.ts";
import { type HttpClient, probeOrigin } from "../http/http_client.ts";
import { ImdsClient } from "../imds/imds_client.ts";
import { resolveVaultUrl } from "../keyvault/vault_address.ts";
import { applyTimeout, createAzureContext } from "./context.ts";
import { DOCTOR_DEADLINE_MS } from "../core/limits.ts";

/** Help text. */
export const DOCTOR_HELP = `Usage: kvmi doctor [--vault NAME|URL] [identity options]

Checks this machine for managed-identity scripts and prints one PASS/WARN/FAIL line per check
with what to do next: proxy variables that would capture IMDS traffic, IMDS reachability,
instance metadata, clock skew, token acquisition for ARM and Key Vault, and DNS/TLS to the ARM
endpoint (and the vault, with --vault). Exits 0 when nothing failed, 1 otherwise.
  --vault NAME|URL      Also check DNS/TLS to this vault
${IDENTITY_HELP}
${COMMON_HELP}

Example:
  kvmi doctor --vault kv-demo
`;

/** One check's outcome. */
export interface CheckResult {
  check: string;
  status: "pass" | "warn" | "fail";
  detail: string;
  next?: string;
}

/** Runs `kvmi doctor`. */
export async function runDoctor(args: string[]): Promise<number> {
  const values = parseOptions(args, { ...COMMON_OPTIONS, ...IDENTITY_OPTIONS, vault: { type: "string" } }, DOCTOR_HELP);
  if (!values) return 0;
  const json = stringOption(values, "output") !== undefined && outputFormat(values) === "json";
  const context = createAzureContext({ ...values, "no-token-cache": true }); // the checks ask the identity source itself
  applyTimeout(values, DOCTOR_DEADLINE_MS);
  const vaultOption = stringOption(values, "vault");
  const vault = vaultOption !== undefined ? resolveVaultUrl(vaultOption, context.cloud) : undefined;
  const results: CheckResult[] = [];
  const imdsUrl = new URL(context.cloud.imdsEndpoint);
  try {
    results.push(proxyCheck(imdsUrl));
    const imds = await imdsCheck(new ImdsClient(context.http, context.cloud.imdsEndpoint), context.cloud.imdsEndpoint);
    results.push(imds.result);
    if (imds.serverDate) results.push(clockCheck(imds.serverDate));
    const imdsSilent = imds.silent === true && context.credential.source.includes("IMDS");
    for (const [label, resource] of [["ARM", context.cloud.armResource], ["Key Vault", context.cloud.keyVaultResource]]) {
      results.push(imdsSilent ? skippedTokenCheck(label, imds.result) : await tokenCheck(context, label, resource));
    }
    results.push(await tlsCheck(context.http, "ARM endpoint", new URL(context.cloud.armEndpoint)));
    if (vault) results.push(await tlsCheck(context.http, `vault ${vault.host}`, vault));
  } finally {
    context.http.close();
  }
  if (json) printJson(results);
  else {
    for (const r of results) {
      writeStdout(`[${r.status.toUpperCase()}] ${r.check}: ${r.detail}\n`);
      if (r.next) writeStdout(`       next: ${r.next}\n`);
    }
  }
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

function proxyCheck(imds: URL): CheckResult {
  const env = (n: string) => Deno.env.get(n) ?? Deno.env.get(n.toLowerCase());
  const proxies = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"].filter((n) => env(n));
  if (proxies.length === 0) return { check: "proxy", status: "pass", detail: "no HTTP_PROXY/HTTPS_PROXY/ALL_PROXY set" };
  const noProxy = (env("NO_PROXY") ?? "").split(",").map((s) => s.trim().toLowerCase());
  const host = imds.hostname.toLowerCase();
  const bypassed = noProxy.includes(host) || (host.startsWith("169.254.") && noProxy.includes("169.254.0.0/16"));
  if (bypassed) return { check: "proxy", status: "pass", detail: `${proxies.join(", ")} set; NO_PROXY covers ${host}` };
  return {
    check: "proxy",
    status: "warn",
    detail: `${
      proxies.join(", ")
    } set and NO_PROXY does not cover ${host}: kvmi reaches IMDS directly anyway, but the Azure SDK and other tools will send IMDS traffic to the proxy, which Azure does not support`,
    next: `add ${host} to NO_PROXY (e.g. NO_PROXY=${[...noProxy.filter(Boolean), host].join(",")})`,
  };
}

async function imdsCheck(imds: ImdsClient, endpoint: string): Promise<{ result: CheckResult; serverDate?: Date; silent?: boolean }> {
  try {
    const probe = await imds.probe();
    if (probe.status !== 200 || !probe.compute) {
      return {
        result: { check: "imds", status: "fail", detail: `IMDS at ${endpoint} answered ${probe.status}`, next: "IMDS may be updating; retry in a minute" },
      };
    }
    const compute = probe.compute;
    return {
      result: {
        check: "imds",
        status: "pass",
        detail: `reachable at ${endpoint} in ${probe.ms} ms; VM ${compute.name} in ${compute.resourceGroupName} (${compute.azEnvironment})`,
      },
      serverDate: probe.serverDate,
    };
  } catch (error) {
    return {
      silent: true,
      result: {
        check: "imds",
        status: "fail",
        detail: `IMDS at ${endpoint} is not reachable: ${(error as Error).message}`,
        next:
          "run on an Azure VM (or Arc server) with a managed identity, check that no firewall blocks 169.254.169.254, or use a service principal (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)",
      },
    };
  }
}

function clockCheck(serverDate: Date): CheckResult {
  const skew = Math.round((Date.now() - serverDate.getTime()) / 1000);
  if (Math.abs(skew) <= 300) return { check: "clock", status: "pass", detail: `skew ${skew} s against IMDS` };
  return {
    check: "clock",
    status: "fail",
    detail: `this machine's clock is ${skew} s off`,
    next: "sync the clock (w32tm /resync): tokens look expired or not yet valid past 5 minutes of skew",
  };
}

function skippedTokenCheck(label: string, imds: CheckResult): CheckResult {
  return { check: `token ${label}`, status: "fail", detail: "not tried: the managed identity is IMDS, which did not answer", next: imds.next };
}

async function tokenCheck(context: ReturnType<typeof createAzureContext>, label: string, resource: string): Promise<CheckResult> {
  try {
    const token = await context.credential.getToken(resource);
    return {
      check: `token ${label}`,
      status: "pass",
      detail: `${token.source} issued a token for ${resource}, valid until ${new Date(token.expiresOn * 1000).toISOString()}`,
    };
  } catch (error) {
    const e = error instanceof KvmiError ? error : undefined;
    return { check: `token ${label}`, status: "fail", detail: (error as Error).message, next: e?.hint };
  }
}

async function tlsCheck(http: HttpClient, label: string, url: URL): Promise<CheckResult> {
  try {
    const status = await probeOrigin(http, url);
    return { check: `tls ${label}`, status: "pass", detail: `DNS and TLS to ${originOf(url)} work (HTTP ${status} without a token)` };
  } catch (error) {
    return {
      check: `tls ${label}`,
      status: "fail",
      detail: (error as Error).message,
      next: "check DNS, the firewall and any TLS-inspecting proxy (DENO_TLS_CA_STORE=system,mozilla trusts the Windows store)",
    };
  }
}
