/**
 * The release workflow (`.github/workflows/release.yml`, for a connected build runner) parsed with
 * a YAML library: it tests on Windows with the README's test command and the Pester suite under
 * Windows PowerShell 5.1, compiles and packages with the README's commands, signs only when a
 * certificate is configured, and publishes the zips with SHA256SUMS. It cannot run here; this
 * checks that it says what the README says it does.
 * @module
 */
import assert from "node:assert/strict";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;

interface Step {
  name?: string;
  run?: string;
  shell?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  needs?: string | string[];
  steps: Step[];
}

Deno.test("release.yml tests on Windows (pwsh 7 and 5.1), compiles, packages, signs when configured and publishes with the README's commands", async () => {
  const workflow = parse(await Deno.readTextFile(`${ROOT}.github/workflows/release.yml`)) as { on: Record<string, unknown>; jobs: Record<string, Job> };
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const jobs = Object.values(workflow.jobs);
  const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
  const all = jobs.map(runs).join("\n");

  for (const command of ["npx --yes deno@2.9.5 task test", "npx --yes deno@2.9.5 task build", "npx --yes deno@2.9.5 task package"]) {
    assert.ok(readme.includes(command), `README documents '${command}'`);
    assert.ok(all.includes(command), `the workflow runs '${command}'`);
  }
  const testJob = jobs.find((j) => runs(j).includes("task test"))!;
  assert.equal(testJob["runs-on"], "windows-latest");
  const desktop = testJob.steps.find((s) => s.shell === "powershell");
  assert.ok(desktop?.run?.includes("powershell.exe") && desktop.run.includes("Invoke-KvMiTests.ps1"), "the Pester suite runs under Windows PowerShell 5.1");

  const releaseJob = jobs.find((j) => runs(j).includes("task package"))!;
  assert.equal(releaseJob["runs-on"], "windows-latest", "signing needs Windows");
  assert.ok(([] as string[]).concat(releaseJob.needs ?? []).length > 0, "the release waits for the tests");
  const packageStep = releaseJob.steps.find((s) => s.run?.includes("task package"))!;
  assert.match(packageStep.run!, /if \(\$env:SIGNING_CERT_PFX_BASE64\)/, "signs only when a certificate is configured");
  assert.match(packageStep.run!, /'--sign-script', '\.github\/sign-release\.ps1'/);
  await Deno.stat(`${ROOT}.github/sign-release.ps1`);
  const publish = releaseJob.steps.find((s) => s.uses?.startsWith("softprops/action-gh-release"))!;
  assert.match(publish.with!.files, /dist\/kvmi-\*\.zip/);
  assert.match(publish.with!.files, /dist\/SHA256SUMS/);
  assert.ok("push" in workflow.on && "workflow_dispatch" in workflow.on);
});
