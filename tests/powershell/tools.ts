/**
 * The PowerShell tools the module's tests need, installed into the project's `.tools/` folder
 * when they are missing: PowerShell 7.6.9 as a .NET global tool and Pester 5.7.1 from the NuGet
 * registry, both through the ordinary `dotnet` client and its configured package source. A tool
 * that cannot be installed is an error with the installer's own output, never a silent skip.
 *
 * @example
 * ```ts
 * const tools = await ensurePowerShellTools("/repo/");
 * // tools.pwsh is .tools/pwsh/pwsh; tools.modulePath holds Pester
 * ```
 * @module
 */

/** The pinned PowerShell version (a later listed version has no platform package here). */
export const PWSH_VERSION = "7.6.9";
/** The pinned Pester version. */
export const PESTER_VERSION = "5.7.1";

/** Where the tools are and the environment pwsh needs to run. */
export interface PowerShellTools {
  /** Path of the pwsh executable. */
  pwsh: string;
  /** A PSModulePath entry that holds Pester. */
  modulePath: string;
  /** Variables pwsh needs (roll forward to the installed .NET, no telemetry or update check). */
  env: Record<string, string>;
}

/** Environment for every dotnet and pwsh call. */
export const DOTNET_ENV: Record<string, string> = {
  DOTNET_ROLL_FORWARD: "Major",
  DOTNET_CLI_TELEMETRY_OPTOUT: "1",
  DOTNET_NOLOGO: "1",
  POWERSHELL_TELEMETRY_OPTOUT: "1",
  POWERSHELL_UPDATECHECK: "Off",
};

/** Installs what is missing and returns where the tools are; throws with the installer's output. */
export async function ensurePowerShellTools(root: string): Promise<PowerShellTools> {
  const tools = `${root}.tools`;
  const pwsh = `${tools}/pwsh/pwsh`;
  const modulePath = `${tools}/Modules`;
  if ((await pwshVersion(pwsh)) !== PWSH_VERSION) {
    await Deno.remove(`${tools}/pwsh`, { recursive: true }).catch(() => {});
    await dotnet(["tool", "install", "--tool-path", `${tools}/pwsh`, "PowerShell", "--version", PWSH_VERSION], root, `PowerShell ${PWSH_VERSION}`);
    const version = await pwshVersion(pwsh);
    if (version !== PWSH_VERSION) throw new Error(`PowerShell ${PWSH_VERSION} was installed but ${pwsh} reports '${version ?? "nothing"}'.`);
    console.log(`Installed PowerShell ${PWSH_VERSION} into .tools/pwsh`);
  }
  const pester = `${modulePath}/Pester/${PESTER_VERSION}`;
  if (!(await exists(`${pester}/Pester.psd1`))) {
    await installPester(tools, pester, root);
    console.log(`Installed Pester ${PESTER_VERSION} into .tools/Modules`);
  }
  return { pwsh, modulePath, env: { ...DOTNET_ENV } };
}

/** Downloads Pester with `dotnet restore` (a PackageDownload) and copies its `tools/` folder into place. */
async function installPester(tools: string, target: string, root: string): Promise<void> {
  await Deno.mkdir(tools, { recursive: true });
  const work = await Deno.makeTempDir({ dir: tools, prefix: "pester-" });
  try {
    const sdk = await dotnet(["--version"], root, `Pester ${PESTER_VERSION}`);
    const framework = `net${sdk.trim().split(".")[0]}.0`;
    await Deno.writeTextFile(
      `${work}/download.csproj`,
      `<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>${framework}</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[${PESTER_VERSION}]" /></ItemGroup>
</Project>
`,
    );
    await dotnet(["restore", `${work}/download.csproj`, "--packages", `${work}/packages`], root, `Pester ${PESTER_VERSION}`);
    const source = `${work}/packages/pester/${PESTER_VERSION}/tools`;
    if (!(await exists(`${source}/Pester.psd1`))) throw new Error(`Pester ${PESTER_VERSION} was restored but has no tools/Pester.psd1.`);
    await Deno.remove(target, { recursive: true }).catch(() => {});
    await copyTree(source, target);
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** Runs dotnet and returns its stdout; throws with its output when it fails. */
async function dotnet(args: string[], cwd: string, what: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("dotnet", { args, cwd, env: DOTNET_ENV, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    throw new Error(`${what} cannot be installed: 'dotnet' could not be started (${(error as Error).message}). Install the .NET SDK.`);
  }
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    throw new Error(`${what} could not be installed: 'dotnet ${args.join(" ")}' exited with ${out.code}:\n${text.trim()}`);
  }
  return new TextDecoder().decode(out.stdout);
}

async function pwshVersion(pwsh: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(pwsh, {
      args: ["-NoLogo", "-NoProfile", "-NonInteractive", "-Command", "$PSVersionTable.PSVersion.ToString()"],
      env: DOTNET_ENV,
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}
