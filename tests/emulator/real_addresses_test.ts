/**
 * `kvmi emulator start --real-addresses`: unmodified scripts and SDKs against Azure's real
 * addresses inside the emulator's network namespace, with no emulator variable set. Skipped,
 * with the reason printed, only where namespaces cannot be created (not Linux, not root, no `ip`).
 */
import assert from "node:assert/strict";
import type { Manifest } from "../../src/emulator/manifest.ts";
import { namespaceUnavailable } from "../../src/emulator/netns.ts";
import { baseEnv, testCaDir } from "../fixtures/emulator.ts";
import { DOTNET_PEER_DLL, DOTNET_RUN_ENV } from "../peers/dotnet_peer.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = `${ROOT}src/main.ts`;
const PWSH = `${ROOT}.tools/pwsh/pwsh`;
const unavailable = await namespaceUnavailable();
if (unavailable) console.log(`real-address tests SKIPPED: ${unavailable}`);

/** A namespace name of this run only, so parallel runs on one machine do not meet. */
const NETNS = `kvmi-test-${Deno.pid}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command inside the namespace with a clean environment (no Azure or emulator variable). */
async function inside(command: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", MAIN, "emulator", "exec", "--netns", NETNS, "--", ...command],
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr: new TextDecoder().decode(out.stderr) };
}

function pwsh(script: string): Promise<Run> {
  return inside([PWSH, "-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script], {
    DOTNET_ROLL_FORWARD: "Major",
    POWERSHELL_TELEMETRY_OPTOUT: "1",
    POWERSHELL_UPDATECHECK: "Off",
  });
}

function kvmi(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return inside([Deno.execPath(), "run", "--allow-all", "--quiet", MAIN, ...args], env);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test({
  name: "real addresses: the first article's PowerShell, kvmi, the JS SDK and an ARM call with no emulator variable",
  ignore: unavailable !== undefined,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "kvmi-real-" });
    const manifestPath = `${dir}/manifest.json`;
    const hostsBefore = await Deno.readTextFile("/etc/hosts");
    const bundleBefore = await Deno.readTextFile("/etc/ssl/certs/ca-certificates.crt").catch(() => "");
    const emulator = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-all",
        "--quiet",
        MAIN,
        "emulator",
        "start",
        "--real-addresses",
        "--netns",
        NETNS,
        "--manifest",
        manifestPath,
        "--ca-dir",
        testCaDir(),
      ],
      env: baseEnv(),
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      let manifest: Manifest | undefined;
      for (let i = 0; i < 600 && !manifest; i++) {
        manifest = await Deno.readTextFile(manifestPath).then((text) => JSON.parse(text) as Manifest, () => undefined);
        if (!manifest) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(manifest, "the emulator wrote its manifest");
      await t.step("the manifest lists the real URLs and no variable is needed", () => {
        assert.equal(manifest.imdsEndpoint, "http://169.254.169.254");
        assert.equal(manifest.authorityHost, "https://login.microsoftonline.com");
        assert.equal(manifest.armEndpoint, "https://management.azure.com");
        assert.equal(manifest.vaults["kv-demo"], "https://kv-demo.vault.azure.net");
        assert.match(manifest.attestationEndpoint, /^https:\/\/[a-z0-9]+\.[a-z]+\.attest\.azure\.net$/);
        assert.deepEqual(manifest.env, {});
      });
      const scope = `/subscriptions/${manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.KeyVault/vaults/kv-demo`;

      await t.step("(2) kvmi secret get with kvmi's production defaults", async () => {
        const r = await kvmi(["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "this-is-test-secret");
      });
      await t.step("(3) the official SecretClient with DefaultAzureCredential and no emulator options", async () => {
        // Deno (like Node) ships its own root store; DENO_TLS_CA_STORE=system is the machine's trust choice, not an emulator option.
        const r = await inside([Deno.execPath(), "run", "--allow-all", "--quiet", `${ROOT}tests/fixtures/real_address_sdk_client.ts`], {
          DENO_TLS_CA_STORE: "system",
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.trim(), "this-is-test-secret");
      });
      await t.step("(3b) the .NET SecretClient with DefaultAzureCredential and no emulator options", async () => {
        // .NET's DefaultAzureCredential takes its IMDS probe's 400 as "IMDS is there" only from 169.254.169.254.
        if (!(await exists(DOTNET_PEER_DLL))) throw new Error(`${DOTNET_PEER_DLL} is missing ('deno task test' builds it)`);
        const r = await inside(["dotnet", DOTNET_PEER_DLL, "real-addresses"], DOTNET_RUN_ENV);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const line = JSON.parse(r.stdout.trim());
        assert.equal(line.pass, true, line.details);
      });
      await t.step("(4) the second article's ARM call: the resource group's VMs with Invoke-RestMethod", async () => {
        if (!(await exists(PWSH))) throw new Error(`pwsh is not installed at ${PWSH} (deno task test installs it)`);
        const r = await pwsh([
          `$response = Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/' -Method GET -Headers @{Metadata="true"}`,
          `$ArmToken = $response.access_token`,
          `$vms = (Invoke-RestMethod -Uri https://management.azure.com/subscriptions/${manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.Compute/virtualMachines?api-version=2022-03-01 -Method GET -ContentType "application/json" -Headers @{ Authorization ="Bearer $ArmToken"}).value`,
          `$vms.name | Sort-Object`,
        ].join("\n"));
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.deepEqual(r.stdout.trim().split(/\r?\n/), ["vm-app-01", "vm-demo"]);
      });
      await t.step("(1) the first article's PowerShell lines verbatim, then ForbiddenByRbac once the role is removed", async () => {
        if (!(await exists(PWSH))) throw new Error(`pwsh is not installed at ${PWSH} (deno task test installs it)`);
        const article = [
          `$Response = Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net' -Method GET -Headers @{Metadata="true"}`,
          `$KeyVaultToken = $Response.access_token`,
          `(Invoke-RestMethod -Uri https://kv-demo.vault.azure.net/secrets/secret-for-vm?api-version=2016-10-01 -Method GET -Headers @{Authorization="Bearer $KeyVaultToken"}).value`,
        ].join("\n");
        const ok = await pwsh(article);
        assert.equal(ok.code, 0, ok.stderr + ok.stdout);
        assert.equal(ok.stdout.trim(), "this-is-test-secret");
        const admin = { AZURE_CLIENT_ID: manifest.admin.clientId, AZURE_TENANT_ID: manifest.tenantId, AZURE_CLIENT_SECRET: manifest.admin.clientSecret };
        const removed = await kvmi(["role", "unassign", "--assignee", manifest.vm.principalId, "--role", "Key Vault Secrets User", "--scope", scope], admin);
        assert.equal(removed.code, 0, removed.stderr);
        const refused = await pwsh(article);
        assert.notEqual(refused.code, 0);
        assert.match(refused.stderr + refused.stdout, /ForbiddenByRbac/);
      });
    } finally {
      emulator.kill("SIGTERM");
      const status = await emulator.status;
      const stderr = new TextDecoder().decode(await new Response(emulator.stderr).arrayBuffer());
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      assert.equal(status.code, 0, stderr);
    }
    assert.equal(await exists(`/etc/netns/${NETNS}`), false, "the namespace's /etc view is removed");
    const namespaces = new TextDecoder().decode((await new Deno.Command("ip", { args: ["netns", "list"], stdout: "piped" }).output()).stdout);
    assert.ok(!namespaces.split("\n").some((line) => line.split(" ")[0] === NETNS), "the namespace is removed");
    assert.equal(await Deno.readTextFile("/etc/hosts"), hostsBefore, "the machine's hosts file is untouched");
    assert.equal(await Deno.readTextFile("/etc/ssl/certs/ca-certificates.crt").catch(() => ""), bundleBefore, "the machine's certificate store is untouched");
  },
});
