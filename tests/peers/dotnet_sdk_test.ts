/**
 * The official Azure SDK for .NET as a peer: tests/peers/dotnet (Azure.Identity 1.21.0,
 * Azure.Security.KeyVault.Secrets 4.12.0, Azure.Security.KeyVault.Certificates 4.10.0, and for keys
 * Microsoft.Azure.KeyVault 3.0.5, as Azure.Security.KeyVault.Keys is not served here), built
 * by tests/run.ts before the network sandbox, runs its scenarios against one emulator and prints
 * one JSON line per scenario; each becomes a step here, so a failure names the scenario. If the
 * .NET SDK disagrees with the emulator, the emulator is wrong.
 */
import assert from "node:assert/strict";
import { jwtClaims, startEmulator, vmToken } from "../fixtures/emulator.ts";
import { DOTNET_PEER_DLL, DOTNET_RUN_ENV } from "./dotnet_peer.ts";

/** The scenarios the app must report, in its order. */
const SCENARIOS = [
  "mi-system-token",
  "mi-user-assigned-client-id-token",
  "mi-user-assigned-resource-id-token",
  "mi-unassigned-identity-unavailable",
  "client-secret-token",
  "secret-get-with-vm-identity",
  "secret-set-forbidden-by-rbac",
  "secret-set-get-versions-update",
  "secret-list-pages",
  "secret-delete-recover-purge",
  "cert-create-self-default-policy",
  "cert-get-and-versions",
  "cert-policy-defaults",
  "cert-download-pfx-private-key",
  "cert-create-ec-pem-download",
  "cert-import-pfx",
  "cert-import-pem-and-passwordless-pfx",
  "cert-import-ec-pfx",
  "cert-create-sans-key-usage",
  "cert-unknown-issuer-merge",
  "cert-update-properties-and-list",
  "cert-backup-restore",
  "cert-contacts-issuers",
  "cert-delete-purge",
  "cert-delete-recover",
  "cert-cancel-and-delete-operation",
  "cert-create-forbidden-for-vm",
  "every-service-version",
  "key-create-ec-sign-es256",
  "key-create-rsa-sign-ps256",
  "key-encrypt-wrap-rsa",
  "key-versions-update-delete-recover",
  "key-backup-restore",
];

interface ScenarioLine {
  scenario: string;
  pass: boolean;
  details: string;
  ms: number;
}

Deno.test("official Azure SDK for .NET against the emulator", async (t) => {
  try {
    await Deno.stat(DOTNET_PEER_DLL);
  } catch {
    throw new Error(`${DOTNET_PEER_DLL} is missing: run the suite with 'deno task test' (it builds the .NET peer before the sandbox)`);
  }
  const emu = await startEmulator();
  try {
    const uamiResourceId =
      `/subscriptions/${emu.manifest.subscriptionId}/resourceGroups/rg-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-demo-scripts`;
    const uamiClientId = String(jwtClaims(await vmToken(emu, "https://vault.azure.net", { msi_res_id: uamiResourceId })).appid);
    const out = await new Deno.Command("dotnet", {
      args: [DOTNET_PEER_DLL, "--manifest", emu.manifestPath, "--uami-client-id", uamiClientId],
      env: { ...emu.env, ...DOTNET_RUN_ENV },
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    const lines = new Map<string, ScenarioLine>();
    for (const line of stdout.split("\n").filter((l) => l.startsWith("{"))) {
      const parsed = JSON.parse(line) as ScenarioLine;
      lines.set(parsed.scenario, parsed);
    }
    await t.step("the app reported every scenario", () => {
      assert.deepEqual([...lines.keys()], SCENARIOS, `stdout:\n${stdout}\nstderr:\n${stderr}`);
    });
    for (const name of SCENARIOS) {
      await t.step(name, () => {
        const line = lines.get(name);
        assert.ok(line, `no line for ${name}; stderr:\n${stderr}`);
        assert.ok(line.pass, `${name}: ${line.details}`);
      });
    }
    await t.step("the app exits 0 when every scenario passed", () => {
      assert.equal(out.code, [...lines.values()].every((l) => l.pass) ? 0 : 1, stderr);
    });
  } finally {
    await emu.stop();
  }
});
