/**
 * `kvmi demo`: the admin's first stories, end to end, on a fresh local emulator: the VM's
 * managed identity reads a secret and lists VMs; its role assignment is removed and the read is
 * refused with ForbiddenByRbac; the role is assigned again and the read works.
 * @module
 */
import { usageError } from "../core/errors.ts";
import { ExitCode } from "../cli/exit_codes.ts";
import { writeStdout } from "../core/stdio.ts";
import { selfCommand } from "../cli/self_command.ts";

/** Help text. */
export const DEMO_HELP = `Usage: kvmi demo

Starts the local emulator (seed demo) in a temporary folder and runs the admin's stories with
real kvmi commands, printing each command and its output. Needs no Azure account.
`;

interface Step {
  title: string;
  args: string[];
  admin?: boolean;
  expect: number;
}

/** Runs `kvmi demo`. */
export async function runDemo(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    writeStdout(DEMO_HELP);
    return ExitCode.Ok;
  }
  if (args.length > 0) throw usageError("kvmi demo takes no options.", "Run 'kvmi demo' alone; 'kvmi demo --help' says what it does.");
  const [exe, ...prefix] = selfCommand();
  const dir = await Deno.makeTempDir({ prefix: "kvmi-demo-" });
  const manifestPath = `${dir}/emulator.json`;
  const emulator = new Deno.Command(exe, { args: [...prefix, "emulator", "start", "--manifest", manifestPath], stdout: "null", stderr: "null" }).spawn();
  try {
    const manifest = await waitForManifest(manifestPath);
    const vault = `/subscriptions/${manifest.subscriptionId}/resourceGroups/${manifest.resourceGroup}/providers/Microsoft.KeyVault/vaults/kv-demo`;
    const env = { ...manifest.env, AZURE_CLIENT_ID: "", AZURE_CLIENT_SECRET: "", AZURE_TENANT_ID: "" };
    const adminEnv = {
      ...manifest.env,
      AZURE_CLIENT_ID: manifest.admin.clientId,
      AZURE_TENANT_ID: manifest.tenantId,
      AZURE_CLIENT_SECRET: manifest.admin.clientSecret,
    };
    writeStdout(
      `The emulator is running (manifest ${manifestPath}).\nkvmi runs as the managed identity of VM 'vm-demo'; admin steps use the emulator's admin service principal.\n`,
    );
    const steps: Step[] = [
      { title: "Who am I on this VM?", args: ["whoami", "-o", "table"], expect: 0 },
      { title: "A Key Vault token (the token itself is never printed)", args: ["token", "--resource", "https://vault.azure.net", "-o", "table"], expect: 0 },
      { title: "Read the secret with the VM's identity", args: ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], expect: 0 },
      { title: "List the VMs of this VM's resource group (Reader role)", args: ["vm", "list", "-o", "table"], expect: 0 },
      {
        title: "Admin: remove the VM's Key Vault Secrets User assignment",
        admin: true,
        args: ["role", "unassign", "--assignee", manifest.vm.principalId, "--role", "Key Vault Secrets User", "--scope", vault],
        expect: 0,
      },
      {
        title: "Read the secret again: refused, with the missing permission and the role that grants it",
        args: ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"],
        expect: ExitCode.Forbidden,
      },
      {
        title: "Admin: assign Key Vault Secrets User again",
        admin: true,
        args: ["role", "assign", "--assignee", manifest.vm.principalId, "--role", "Key Vault Secrets User", "--scope", vault, "-o", "json"],
        expect: 0,
      },
      { title: "Read the secret once more", args: ["secret", "get", "--vault", "kv-demo", "--name", "secret-for-vm", "-o", "raw"], expect: 0 },
    ];
    let failures = 0;
    for (const [i, step] of steps.entries()) {
      writeStdout(`\n${i + 1}. ${step.title}\n   > kvmi ${step.args.map(quote).join(" ")}\n`);
      const out = await new Deno.Command(exe, { args: [...prefix, ...step.args], env: step.admin ? adminEnv : env, stdout: "piped", stderr: "piped" }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      writeStdout(
        text.trimEnd().split("\n").map((l) => `   ${l}`).join("\n") +
          `\n   (exit code ${out.code}${out.code === step.expect ? "" : `, expected ${step.expect}`})\n`,
      );
      if (out.code !== step.expect) failures++;
    }
    writeStdout(failures === 0 ? "\nDemo complete: every step behaved as expected.\n" : `\nDemo finished with ${failures} unexpected result(s).\n`);
    return failures === 0 ? ExitCode.Ok : ExitCode.Error;
  } finally {
    emulator.kill("SIGTERM");
    await emulator.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function quote(arg: string): string {
  return /^[\w./:=-]+$/.test(arg) ? arg : `"${arg}"`;
}

async function waitForManifest(
  path: string,
): Promise<
  {
    env: Record<string, string>;
    subscriptionId: string;
    resourceGroup: string;
    tenantId: string;
    vm: { principalId: string };
    admin: { clientId: string; clientSecret: string };
  }
> {
  for (let i = 0; i < 600; i++) {
    try {
      return JSON.parse(await Deno.readTextFile(path));
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("the emulator did not start within 30 seconds");
}
