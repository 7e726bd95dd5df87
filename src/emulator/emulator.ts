/**
 * Starting the whole emulator: IMDS (http), Entra ID, ARM and one https listener per vault, all
 * on loopback with ephemeral ports, each behind a connection front with its service's limits
 * (http_front/: head timeout, head and body caps, ALPN), then the manifest once everything listens.
 *
 * @example
 * ```ts
 * import { startEmulator } from "./emulator.ts";
 * const emulator = await startEmulator({
 *   hostname: "127.0.0.1",
 *   seed: "demo",
 *   caDir: "./ca",
 *   manifestPath: "./kvmi-emulator.json",
 *   deleteDelayMs: 0,
 *   armPageSize: 50,
 * });
 * console.log(emulator.manifest.imdsEndpoint);
 * await emulator.close();
 * ```
 * @module
 */
import { authorizationRoute } from "./arm/authorization_api.ts";
import { createComputeRoute } from "./arm/compute_api.ts";
import { resourcesRoute } from "./arm/resources_api.ts";
import { createResourceListRoute } from "./arm/resource_list_api.ts";
import { type ArmRoute, createArmHandler } from "./arm/arm_server.ts";
import { AttestedDataSigner, attestedRoute } from "./attested_data.ts";
import { createEntraHandler } from "./entra_server.ts";
import { Faults } from "./faults.ts";
import { hostingRoutes } from "./hosting_endpoints.ts";
import { createImdsHandler, type ImdsRoute } from "./imds_server.ts";
import { AZURE_IMDS_LIMITS, ImdsLimiter } from "./imds_limits.ts";
import { createReleaseHandler, createReleaseSigner } from "./keyvault/key_release.ts";
import { createKeysRoute } from "./keyvault/keys_api.ts";
import { secretsRoute } from "./keyvault/secrets_api.ts";
import { certificatesRoute } from "./keyvault/certificates_api.ts";
import { createMaaHandler, createMaaSigner } from "./attestation/maa_server.ts";
import { cvmControlRoute, SimulatedCvm } from "./attestation/snp_report.ts";
import { createVaultHandler, type VaultRoute } from "./keyvault/vault_server.ts";
import { type Manifest, manifestEnv, writeManifest } from "./manifest.ts";
import { scheduledEventRoutes } from "./scheduled_events.ts";
import { DEMO, seedCvmKey, type SeedName, seedWebCertificate, seedWorld } from "./seed.ts";
import { issueServerCertificate, loadOrCreateCa } from "./tls.ts";
import { type FrontHandler, type FrontServer, serveFront } from "./http_front/connection_front.ts";
import { frontLimits, type FrontService } from "./http_front/limits.ts";
import { TokenIssuer } from "./token_issuer.ts";
import type { Vault, World } from "./world.ts";
import { createKeyVaultRoute } from "./arm/keyvault_api.ts";
import { createVmActionsRoute } from "./arm/vm_actions_api.ts";
import { ArmThrottle, VaultThrottle } from "./throttling.ts";
import { planHostNames, realAddressPlan, type RealHost } from "./real_addresses.ts";

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
  /** Whether IMDS enforces Azure's limits (20 token requests/s, 5 concurrent); default true. */
  imdsLimits?: boolean;
  /**
   * Listen on Azure's real addresses (IMDS on 169.254.169.254:80, every https service on port 443
   * of its own loopback address, see real_addresses.ts); only inside the emulator's network namespace.
   */
  realAddresses?: boolean;
  /** Seconds before role-assignment changes take effect (Azure: up to ten minutes); default 0. */
  rbacDelaySeconds?: number;
  /** Whether Key Vault and ARM enforce their documented request limits (429); default true. */
  throttling?: boolean;
  /** Milliseconds a client may take to send a request head before its connection is closed (http_front/limits.ts). */
  headTimeoutMs?: number;
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
  // The demo certificate's RSA key is made while the listeners start; the manifest waits for it.
  const webCertificate = options.seed === "demo" ? seedWebCertificate(world) : Promise.resolve();
  world.rbacDelayMs = (options.rbacDelaySeconds ?? 0) * 1000;
  const issuer = await TokenIssuer.create();
  const faults = new Faults();
  const ca = await loadOrCreateCa(options.caDir);
  const plan = options.realAddresses ? realAddressPlan([...world.vaults.keys()].map((k) => world.vaults.get(k)!.name)) : undefined;
  const tls = await issueServerCertificate(ca, plan ? planHostNames(plan) : []);
  const caCertFile = `${options.caDir}/ca.pem`;
  const servers: FrontServer[] = [];
  const computeState = { pageSize: options.armPageSize, pollsUntilDone: 2, operations: new Map() };
  const compute = createComputeRoute(computeState);
  const issuerClient = Deno.createHttpClient({ caCerts: [tls.caCertPem] });
  const fetchIssuer = async (url: string) => {
    if (!url.startsWith("https://")) throw new Error("the issuer must use https");
    const res = await fetch(url, { client: issuerClient, signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
    return await res.json();
  };
  const vaultHosts = plan ? Object.values(plan.vaults).map((v) => v.host) : [];
  const keysRoute = createKeysRoute(createReleaseHandler(await createReleaseSigner(ca, vaultHosts), fetchIssuer));
  const routes: EmulatorRoutes = {
    arm: [authorizationRoute, compute, resourcesRoute, createResourceListRoute(options.armPageSize)],
    vault: [secretsRoute, keysRoute, certificatesRoute],
    imds: [],
    control: [],
  };
  // A vault's data plane: one https listener each (seeded vaults, and vaults created through ARM later).
  const startVault = (vault: Vault): string => {
    const throttle = options.throttling === false ? undefined : new VaultThrottle();
    const handler = createVaultHandler({ world, vault, issuer, faults, options: { deleteDelayMs: options.deleteDelayMs, throttle }, routes: routes.vault });
    return https("keyvault", (request, info) => handler(request, info.remoteAddr.hostname), plan?.vaults[vault.name]);
  };
  routes.arm.push(createKeyVaultRoute(startVault), createVmActionsRoute(computeState));
  // Every listener is a connection front (http_front/): Azure's head timeout, size limits and ALPN.
  const front = (service: FrontService, listen: { hostname: string; port: number }, handler: FrontHandler, secure: boolean) => {
    const limits = frontLimits(service, options.headTimeoutMs);
    const server = serveFront({ ...listen, limits, tls: secure ? { cert: tls.certChainPem, key: tls.keyPem } : undefined }, handler);
    servers.push(server);
    return server;
  };
  const https = (service: FrontService, handler: FrontHandler, real?: RealHost) => {
    const listen = real ? { hostname: real.ip, port: 443 } : { hostname: options.hostname, port: 0 };
    const server = front(service, listen, handler, true);
    return real ? `https://${real.host}` : `https://${options.hostname}:${server.addr.port}`;
  };

  const vm = [...world.virtualMachines.values()].find((v) => v.name === DEMO.vm)!;
  const events = scheduledEventRoutes(vm);
  routes.imds.push(events.imds, attestedRoute(world, vm, await AttestedDataSigner.create(ca)));
  routes.control.push(events.control);
  const cvm = await SimulatedCvm.create(ca);
  routes.control.push(cvmControlRoute(cvm));
  const limiter = options.imdsLimits === false ? undefined : new ImdsLimiter(AZURE_IMDS_LIMITS);
  const imdsContext = { world, vm, issuer, faults, extraRoutes: routes.imds, controlRoutes: routes.control, hostRoutes: [] as ImdsRoute[], limiter };
  const imds = front("imds", { hostname: plan?.imds.ip ?? options.hostname, port: plan?.imds.port ?? 0 }, createImdsHandler(imdsContext), false);
  const imdsEndpoint = plan ? `http://${plan.imds.ip}` : `http://${options.hostname}:${imds.addr.port}`;
  const arcTokenDir = `${options.manifestPath.replace(/[\\/][^\\/]*$/, "")}/arc-tokens`;
  await Deno.mkdir(arcTokenDir, { recursive: true, mode: 0o700 });
  const hosting = hostingRoutes(imdsContext, { arcTokenDir, baseUrl: () => imdsEndpoint });
  imdsContext.hostRoutes.push(hosting.host);
  routes.control.push(hosting.control);
  let authorityHost = "";
  authorityHost = https("entra", createEntraHandler({ world, issuer, faults, baseUrl: () => authorityHost }), plan?.entra);
  let armEndpoint = "";
  armEndpoint = https(
    "arm",
    createArmHandler({
      world,
      issuer,
      faults,
      routes: routes.arm,
      baseUrl: () => armEndpoint,
      throttle: options.throttling === false ? undefined : new ArmThrottle(),
    }),
    plan?.arm,
  );
  let attestationEndpoint = "";
  attestationEndpoint = https(
    "attestation",
    createMaaHandler({ signer: await createMaaSigner(), ca, faults, baseUrl: () => attestationEndpoint }),
    plan?.attestation,
  );
  if (options.seed === "demo") seedCvmKey(world, attestationEndpoint);
  const vaults: Record<string, string> = {};
  for (const vault of world.vaults.values()) vaults[vault.name] = vault.url = startVault(vault);

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
  const manifest: Manifest = { ...base, env: plan ? {} : manifestEnv(base, options.manifestPath) };
  await webCertificate;
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
