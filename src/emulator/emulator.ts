/**
 * Starting the whole emulator: IMDS (http), Entra ID, ARM and one https listener per vault, all
 * on loopback with ephemeral ports, then the manifest once everything listens.
 * @module
 */
import { base64url } from "jose";
import { authorizationRoute } from "./arm/authorization_api.ts";
import { createComputeRoute } from "./arm/compute_api.ts";
import { resourcesRoute } from "./arm/resources_api.ts";
import { type ArmRoute, createArmHandler } from "./arm/arm_server.ts";
import { AttestedDataSigner } from "./attested_data.ts";
import { createEntraHandler } from "./entra_server.ts";
import { Faults } from "./faults.ts";
import { hostingRoutes } from "./hosting_endpoints.ts";
import { createImdsHandler, type ImdsRoute } from "./imds_server.ts";
import { createReleaseHandler, type ReleaseSigner } from "./keyvault/key_release.ts";
import { createKeysRoute } from "./keyvault/keys_api.ts";
import { secretsRoute } from "./keyvault/secrets_api.ts";
import { createMaaHandler, createMaaSigner } from "./attestation/maa_server.ts";
import { SimulatedCvm } from "./attestation/snp_report.ts";
import { createVaultHandler, type VaultRoute } from "./keyvault/vault_server.ts";
import { type Manifest, manifestEnv, writeManifest } from "./manifest.ts";
import { scheduledEventRoutes } from "./scheduled_events.ts";
import { DEMO, seedCvmKey, type SeedName, seedWorld } from "./seed.ts";
import { type CertificateAuthority, issueRsaSigningIdentity, issueServerCertificate, loadOrCreateCa } from "./tls.ts";
import { TokenIssuer } from "./token_issuer.ts";
import type { VirtualMachine, World } from "./world.ts";
import { isObject, jsonResponse, readJson } from "./http_util.ts";

/** How to start the emulator. */
export interface EmulatorOptions {
  /** Interface to listen on (default 127.0.0.1). */
  hostname: string;
  seed: SeedName;
  /** Folder holding (or receiving) the CA: ca.pem and ca.key.pem. */
  caDir: string;
  /** Where to write the manifest. */
  manifestPath: string;
  /** How long a deleted secret stays invisible to GET /deletedsecrets/{name}. */
  deleteDelayMs: number;
  /** VMs per page of an ARM list. */
  armPageSize: number;
}

/** A running emulator. */
export interface RunningEmulator {
  manifest: Manifest;
  world: World;
  /** Stops every listener. */
  close(): Promise<void>;
}

/** Feature modules plug routes in here (ARM providers, vault APIs, IMDS extras). */
export interface EmulatorRoutes {
  arm: ArmRoute[];
  vault: VaultRoute[];
  imds: ImdsRoute[];
  control: ImdsRoute[];
}

/** Starts every endpoint and writes the manifest. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const world = seedWorld(options.seed);
  const issuer = await TokenIssuer.create();
  const faults = new Faults();
  const ca = await loadOrCreateCa(options.caDir);
  const tls = await issueServerCertificate(ca);
  const caCertFile = `${options.caDir}/ca.pem`;
  const servers: Deno.HttpServer[] = [];
  const compute = createComputeRoute({ pageSize: options.armPageSize, pollsUntilDone: 2, operations: new Map() });
  const issuerClient = Deno.createHttpClient({ caCerts: [tls.caCertPem] });
  const fetchIssuer = async (url: string) => {
    if (!url.startsWith("https://")) throw new Error("the issuer must use https");
    const res = await fetch(url, { client: issuerClient, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
    return await res.json();
  };
  const keysRoute = createKeysRoute(createReleaseHandler(await releaseSigner(ca), fetchIssuer));
  const routes: EmulatorRoutes = { arm: [authorizationRoute, compute, resourcesRoute], vault: [secretsRoute, keysRoute], imds: [], control: [] };
  const https = (handler: (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Response | Promise<Response>) => {
    const server = Deno.serve({ hostname: options.hostname, port: 0, cert: tls.certChainPem, key: tls.keyPem, onListen: () => {} }, handler);
    servers.push(server);
    return `https://${options.hostname}:${server.addr.port}`;
  };

  const vm = [...world.virtualMachines.values()].find((v) => v.name === DEMO.vm)!;
  const events = scheduledEventRoutes(vm);
  routes.imds.push(events.imds, attestedRoute(world, vm, await AttestedDataSigner.create(ca)));
  routes.control.push(events.control);
  const cvm = await SimulatedCvm.create(ca);
  routes.control.push(cvmControlRoute(cvm));
  const imdsContext = { world, vm, issuer, faults, extraRoutes: routes.imds, controlRoutes: routes.control, hostRoutes: [] as ImdsRoute[] };
  const imds = Deno.serve({ hostname: options.hostname, port: 0, onListen: () => {} }, createImdsHandler(imdsContext));
  servers.push(imds);
  const imdsEndpoint = `http://${options.hostname}:${imds.addr.port}`;
  const arcTokenDir = `${options.manifestPath.replace(/[\\/][^\\/]*$/, "")}/arc-tokens`;
  await Deno.mkdir(arcTokenDir, { recursive: true, mode: 0o700 });
  const hosting = hostingRoutes(imdsContext, { arcTokenDir, baseUrl: () => imdsEndpoint });
  imdsContext.hostRoutes.push(hosting.host);
  routes.control.push(hosting.control);
  let authorityHost = "";
  authorityHost = https(createEntraHandler({ world, issuer, faults, baseUrl: () => authorityHost }));
  let armEndpoint = "";
  armEndpoint = https(createArmHandler({ world, issuer, faults, routes: routes.arm, baseUrl: () => armEndpoint }));
  let attestationEndpoint = "";
  attestationEndpoint = https(createMaaHandler({ signer: await createMaaSigner(), ca, faults, baseUrl: () => attestationEndpoint }));
  if (options.seed === "demo") seedCvmKey(world, attestationEndpoint);
  const vaults: Record<string, string> = {};
  for (const vault of world.vaults.values()) {
    const handler = createVaultHandler({ world, vault, issuer, faults, options: { deleteDelayMs: options.deleteDelayMs }, routes: routes.vault });
    vault.url = https((request, info) => handler(request, info.remoteAddr.hostname));
    vaults[vault.name] = vault.url;
  }

  const vmPrincipal = world.principals.get(vm.systemIdentity!)!;
  const admin = [...world.principals.values()].find((p) => p.kind === "ServicePrincipal")!;
  const base = {
    imdsEndpoint,
    authorityHost,
    armEndpoint,
    vaults,
    caCertFile,
    tenantId: world.tenantId,
    subscriptionId: world.subscriptionId,
    resourceGroup: DEMO.resourceGroup,
    vm: { name: vm.name, resourceId: vm.id, principalId: vmPrincipal.objectId, clientId: vmPrincipal.appId },
    admin: { clientId: admin.appId, clientSecret: admin.secret!, principalId: admin.objectId },
    attestationEndpoint,
  };
  const manifest: Manifest = { ...base, env: manifestEnv(base, options.manifestPath) };
  await writeManifest(options.manifestPath, manifest);
  return {
    manifest,
    world,
    async close() {
      await Promise.all(servers.map((s) => s.shutdown()));
      issuerClient.close();
    },
  };
}

/** `GET /metadata/attested/document?nonce=…`: the VM's signed identity document. */
function attestedRoute(world: World, vm: VirtualMachine, signer: AttestedDataSigner): ImdsRoute {
  return async (_request, url, path) => {
    if (path !== "/metadata/attested/document") return undefined;
    if (!url.searchParams.get("api-version")) {
      return jsonResponse(400, {
        error: "Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds",
      });
    }
    const nonce = url.searchParams.get("nonce") ?? String(Date.now()).padEnd(10, "0").slice(0, 10);
    if (!/^[0-9]{1,32}$/.test(nonce)) return jsonResponse(400, { error: "Bad request. The nonce must be up to 32 digits." });
    const now = new Date();
    const document = {
      licenseType: "Windows_Server",
      nonce,
      plan: { name: "", product: "", publisher: "" },
      sku: "2022-datacenter-azure-edition",
      subscriptionId: world.subscriptionId,
      timeStamp: { createdOn: stamp(now), expiresOn: stamp(new Date(now.getTime() + 6 * 3600_000)) },
      vmId: vm.vmId,
    };
    return jsonResponse(200, { encoding: "pkcs7", signature: await signer.sign(document) });
  };
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${
    p(d.getUTCSeconds())
  } -0000`;
}

async function releaseSigner(ca: CertificateAuthority): Promise<ReleaseSigner> {
  const { privateKey, chainDer } = await issueRsaSigningIdentity(ca);
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", new Uint8Array(chainDer[0])));
  const sha256 = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(chainDer[0])));
  return {
    privateKey,
    x5c: chainDer.map(b64),
    kid: Array.from(sha1, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase(),
    x5t: base64url.encode(sha1),
    x5tS256: base64url.encode(sha256),
  };
}

/**
 * The simulated confidential VM's controls: `POST /emulator/cvm` sets its state
 * (`{"compliant":bool,"debuggable":bool}`); `POST /emulator/cvm/report` with
 * `{"reportData":"<base64url, up to 64 bytes>"}` returns a signed SEV-SNP report and the VCEK
 * chain, as a CVM's guest would read them.
 */
function cvmControlRoute(cvm: SimulatedCvm): ImdsRoute {
  return async (request, _url, path) => {
    if (request.method !== "POST" || (path !== "/emulator/cvm" && path !== "/emulator/cvm/report")) return undefined;
    const parsed = await readJson(request);
    const body = "value" in parsed && isObject(parsed.value) ? parsed.value : {};
    if (path === "/emulator/cvm") {
      if (typeof body.compliant === "boolean") cvm.state.compliant = body.compliant;
      if (typeof body.debuggable === "boolean") cvm.state.debuggable = body.debuggable;
      return jsonResponse(200, cvm.state);
    }
    if (typeof body.reportData !== "string") return jsonResponse(400, { error: "reportData (base64url) is required" });
    let data: Uint8Array;
    try {
      data = base64url.decode(body.reportData);
    } catch {
      return jsonResponse(400, { error: "reportData must be base64url" });
    }
    if (data.length > 64) return jsonResponse(400, { error: "reportData is at most 64 bytes" });
    const report = await cvm.report(data);
    return jsonResponse(200, { SnpReport: base64url.encode(report), VcekCertChain: base64url.encode(cvm.vcekCertChainPem) });
  };
}
