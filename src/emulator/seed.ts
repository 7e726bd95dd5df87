/**
 * The emulator's starting states. `demo` is the admin's first story: VM `vm-demo` whose system
 * identity reads `secret-for-vm` from vault `kv-demo` (Key Vault Secrets User) and reads the
 * subscription (Reader); an admin service principal with Owner and Key Vault Administrator.
 * `demo` also holds certificate `web-cert` (CN=web.contoso.internal, exportable, PFX), whose
 * backing secret the VM identity can read as a Secrets User.
 * `empty` has the same tenant, VM, vault and admin but no secrets and no roles for the VM.
 * @module
 */
import { newVault } from "./keyvault/new_vault.ts";
import { generateKeyPairSync } from "node:crypto";
import { base64url } from "jose";
import { FIRST_PARTY_RESOURCES } from "./first_party_resources.ts";
import { issueVersion } from "./keyvault/certificate_backing.ts";
import { generateKeyPair, selfSigned } from "./keyvault/certificate_issuing.ts";
import { readPolicy } from "./keyvault/certificate_policy.ts";
import { defaultCvmPolicy } from "../skr/release_policy.ts";
import { guid, nowSeconds } from "./http_util.ts";
import { type AccessPolicy, resourceGroupId, type RoleAssignment, type Vault, vaultResourceId, type VirtualMachine, type World } from "./world.ts";

/** Names accepted by `--seed`. */
export const SEEDS = ["demo", "empty"] as const;

/** One of {@link SEEDS}. */
export type SeedName = typeof SEEDS[number];

/** The audiences (app ID URIs) the emulated tenant issues tokens for: Microsoft's first-party ones and the demo's own API. */
export const KNOWN_RESOURCES = [...FIRST_PARTY_RESOURCES, "api://kvmi-demo-api"];

/** Role GUIDs the seed assigns. */
const ROLE = {
  owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  keyVaultAdministrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  keyVaultCryptoServiceReleaseUser: "08bbd89e-9f13-488c-ac41-acfcb10c90ab",
};

/** The well-known names of the demo seed. */
export const DEMO = {
  resourceGroup: "rg-demo",
  location: "japaneast",
  vm: "vm-demo",
  appVm: "vm-app-01",
  vault: "kv-demo",
  secretName: "secret-for-vm",
  secretValue: "this-is-test-secret",
  userAssignedIdentity: "id-demo-scripts",
  cvmKey: "cvm-key",
  webCertificate: "web-cert",
  webCertificateSubject: "CN=web.contoso.internal",
  /** A vault with the access-policy permission model: the VM identity may get and list secrets. */
  policyVault: "kv-demo-policy",
};

/** Builds a fresh world for a seed. */
export function seedWorld(seed: SeedName): World {
  const subscriptionId = guid();
  const world: World = {
    tenantId: guid(),
    subscriptionId,
    subscriptionName: "kvmi emulator subscription",
    principals: new Map(),
    resources: [...KNOWN_RESOURCES],
    resourceGroups: new Map([[DEMO.resourceGroup, { name: DEMO.resourceGroup, location: DEMO.location, tags: {} }]]),
    virtualMachines: new Map(),
    vaults: new Map(),
    roleAssignments: new Map(),
  };
  const rgId = resourceGroupId(world, DEMO.resourceGroup);
  const vm = addVm(world, DEMO.vm, true);
  const uami = {
    objectId: guid(),
    appId: guid(),
    displayName: DEMO.userAssignedIdentity,
    kind: "UserAssignedIdentity" as const,
    resourceId: `${rgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${DEMO.userAssignedIdentity}`,
  };
  world.principals.set(uami.objectId, uami);
  vm.userAssignedIdentities.push(uami.objectId);
  const admin = { objectId: guid(), appId: guid(), displayName: "kvmi-emulator-admin", kind: "ServicePrincipal" as const, secret: adminSecret() };
  world.principals.set(admin.objectId, admin);
  const vault = newVault({ name: DEMO.vault, resourceGroup: DEMO.resourceGroup, location: DEMO.location });
  world.vaults.set(vault.name, vault);
  const subscriptionScope = `/subscriptions/${subscriptionId}`;
  const vaultScope = vaultResourceId(world, vault);
  assign(world, admin.objectId, "ServicePrincipal", ROLE.owner, subscriptionScope);
  assign(world, admin.objectId, "ServicePrincipal", ROLE.keyVaultAdministrator, vaultScope);
  if (seed === "demo") {
    addVm(world, DEMO.appVm, false);
    vault.secrets.set(DEMO.secretName, DEMO.secretValue, { contentType: "text/plain" }, nowSeconds());
    assign(world, vm.systemIdentity!, "ServicePrincipal", ROLE.keyVaultSecretsUser, vaultScope);
    assign(world, vm.systemIdentity!, "ServicePrincipal", ROLE.reader, subscriptionScope);
    const policyVault = addPolicyVault(world, DEMO.policyVault);
    policyVault.secrets.set(DEMO.secretName, DEMO.secretValue, { contentType: "text/plain" }, nowSeconds());
    policyVault.accessPolicies!.push(
      policy(world, vm.systemIdentity!, { secrets: ["get", "list"] }),
      policy(world, admin.objectId, { secrets: ["all"], keys: ["all"], certificates: ["all"] }),
    );
  }
  return world;
}

/** Adds a vault with the access-policy permission model (no policies yet) to the demo resource group. */
export function addPolicyVault(world: World, name: string): Vault {
  const vault = newVault({
    name,
    resourceGroup: DEMO.resourceGroup,
    location: DEMO.location,
    enableRbacAuthorization: false,
    accessPolicies: [],
    sku: "standard",
  });
  world.vaults.set(name, vault);
  return vault;
}

/** An access policy for a principal of the tenant. */
export function policy(world: World, objectId: string, permissions: { secrets?: string[]; keys?: string[]; certificates?: string[] }): AccessPolicy {
  return {
    tenantId: world.tenantId,
    objectId,
    permissions: { secrets: permissions.secrets ?? [], keys: permissions.keys ?? [], certificates: permissions.certificates ?? [], storage: [] },
  };
}

/** Adds a VM in the demo resource group, optionally with a system-assigned identity. */
export function addVm(world: World, name: string, systemIdentity: boolean): VirtualMachine {
  const id = `${resourceGroupId(world, DEMO.resourceGroup)}/providers/Microsoft.Compute/virtualMachines/${name}`;
  const vm: VirtualMachine = {
    id,
    name,
    resourceGroup: DEMO.resourceGroup,
    location: DEMO.location,
    vmId: guid(),
    vmSize: "Standard_D2s_v5",
    osType: "Windows",
    computerName: name,
    tags: { environment: "demo" },
    userAssignedIdentities: [],
    timeCreated: new Date().toISOString(),
    extraProperties: {},
  };
  if (systemIdentity) {
    const principal = { objectId: guid(), appId: guid(), displayName: name, kind: "SystemAssignedIdentity" as const, resourceId: id };
    world.principals.set(principal.objectId, principal);
    vm.systemIdentity = principal.objectId;
  }
  world.virtualMachines.set(id.toLowerCase(), vm);
  return vm;
}

/** Adds a role assignment with a fresh GUID name. */
export function assign(world: World, principalId: string, principalType: string, roleId: string, scope: string): RoleAssignment {
  const now = new Date().toISOString();
  const assignment = { name: guid(), scope, roleDefinitionId: roleId, principalId, principalType, createdOn: now, updatedOn: now, createdBy: "seed" };
  world.roleAssignments.set(assignment.name, assignment);
  return assignment;
}

function adminSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(30));
  return "kvE8Q~" + btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "").slice(0, 34);
}

/**
 * Adds the demo's `cvm-key` (RSA-HSM 3072, exportable, the default CVM release policy for the
 * emulator's attestation authority) and lets the VM identity release it.
 */
export function seedCvmKey(world: World, attestationAuthority: string): void {
  const vault = world.vaults.get(DEMO.vault)!;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072, publicExponent: 65537 });
  const jwk = privateKey.export({ format: "jwk" }) as Record<string, string>;
  const now = nowSeconds();
  const data = base64url.encode(JSON.stringify(defaultCvmPolicy(attestationAuthority)));
  vault.keys.add(DEMO.cvmKey, {
    kty: "RSA-HSM",
    keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"],
    attributes: { enabled: true, created: now, updated: now, exportable: true },
    releasePolicy: { contentType: "application/json; charset=utf-8", immutable: false, data },
    privateKey,
    publicJwk: { n: jwk.n, e: jwk.e },
  });
  const vm = [...world.virtualMachines.values()].find((v) => v.name === DEMO.vm)!;
  assign(world, vm.systemIdentity!, "ServicePrincipal", ROLE.keyVaultCryptoServiceReleaseUser, `${vaultResourceId(world, vault)}/keys/${DEMO.cvmKey}`);
}

/** Adds the demo's `web-cert`: a self-signed, exportable PFX certificate with its backing key and secret, issued now. */
export async function seedWebCertificate(world: World): Promise<void> {
  const vault = world.vaults.get(DEMO.vault)!;
  const now = nowSeconds();
  const policy = readPolicy({
    x509_props: { subject: DEMO.webCertificateSubject, sans: { dns_names: ["web.contoso.internal"] } },
    issuer: { name: "Self" },
  }, { now, sanUrisAndIps: true });
  const pair = await generateKeyPair(policy);
  const der = await selfSigned(policy, pair, now);
  const version = vault.certificates.add(DEMO.webCertificate, { attributes: { enabled: true, created: now, updated: now }, policy });
  issueVersion(vault, DEMO.webCertificate, version, pair.privateKey, [der], now);
}
