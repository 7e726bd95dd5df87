import assert from "node:assert/strict";
import { adminEnv, createVm, removeRoleAssignments, startEmulator } from "../fixtures/emulator.ts";
import { listFilter, resourceType } from "../../src/commands/resource.ts";
import { parseFilter } from "../../src/emulator/arm/resource_list_api.ts";

Deno.test('the second article\'s story: kvmi resource list --name VM --query "[*].identity.principalId" -o tsv', async () => {
  const emu = await startEmulator({ armPageSize: 1 });
  try {
    await createVm(emu, "vm-extra");
    const vm = emu.manifest.vm.name;
    const spId = await emu.kvmi(["resource", "list", "--name", vm, "--query", "[*].identity.principalId", "-o", "tsv"]);
    assert.equal(spId.code, 0, spId.stderr);
    assert.equal(spId.stdout, `${emu.manifest.vm.principalId}\n`, "exactly the principal id and a newline: $spID needs no trimming");

    // Every page is followed (one item a page here), filters go to ARM, items are ARM's generic list shape.
    const all = await emu.kvmi(["resource", "list"]);
    assert.equal(all.code, 0, all.stderr);
    const items = JSON.parse(all.stdout) as { id: string; name: string; type: string; properties?: unknown }[];
    const vmNames = (JSON.parse((await emu.kvmi(["vm", "list", "--all"])).stdout) as { name: string }[]).map((v) => v.name);
    assert.ok(vmNames.includes("vm-extra"));
    const vaultNames = Object.keys(emu.manifest.vaults);
    assert.deepEqual(vaultNames.sort(), ["kv-demo", "kv-demo-policy"], "the seed's RBAC vault and access-policy vault");
    assert.deepEqual(items.map((r) => r.name).sort(), [...vaultNames, ...vmNames].sort(), "the VMs ARM lists and the vaults");
    assert.ok(items.every((r) => r.properties === undefined));
    const vaults = await emu.kvmi(["resource", "list", "--resource-type", "Microsoft.KeyVault/vaults", "--query", "[].name", "-o", "tsv"]);
    assert.equal(vaults.stdout, "kv-demo\nkv-demo-policy\n");
    const tagged = await emu.kvmi([
      "resource",
      "list",
      "--resource-group",
      emu.manifest.resourceGroup,
      "--tag",
      "environment=demo",
      "--query",
      "[].name",
      "-o",
      "tsv",
    ]);
    assert.equal(tagged.code, 0, tagged.stderr);
    const demoTagged = items.filter((r) => (r as { tags?: Record<string, string> }).tags?.environment === "demo").map((r) => r.name);
    assert.ok(demoTagged.includes(vm) && !demoTagged.includes("vm-extra"));
    assert.equal(tagged.stdout, demoTagged.sort().map((n) => `${n}\n`).join(""));
    const none = await emu.kvmi(["resource", "list", "--name", "no-such-thing", "--query", "[0].id", "-o", "tsv"]);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, "", "nothing matched: nothing printed");

    const show = await emu.kvmi(["resource", "show", "--ids", emu.manifest.vm.resourceId, "--query", "identity.principalId", "-o", "tsv"]);
    assert.equal(show.code, 0, show.stderr);
    assert.equal(show.stdout, `${emu.manifest.vm.principalId}\n`);

    // RBAC: without Reader the VM's identity sees nothing; the admin still sees everything.
    const subscription = `/subscriptions/${emu.manifest.subscriptionId}`;
    assert.equal(await removeRoleAssignments(emu, emu.manifest.vm.principalId, subscription), 1);
    const hidden = await emu.kvmi(["resource", "list", "--query", "length(@)"]);
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.equal(hidden.stdout.trim(), "0");
    const admin = await emu.kvmi(["resource", "list", "--subscription", emu.manifest.subscriptionId, "--query", "length(@)"], { env: adminEnv(emu) });
    assert.equal(admin.stdout.trim(), String(items.length));

    const help = await emu.kvmi(["resource", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Examples:/);
  } finally {
    await emu.stop();
  }
});

Deno.test("resource: ARM $filter from the options, resource types from ids", () => {
  assert.equal(listFilter("vm-demo", undefined, []), "name eq 'vm-demo'");
  assert.equal(
    listFilter("o'brien", "Microsoft.Compute/virtualMachines", ["env=prod"]),
    "name eq 'o''brien' and resourceType eq 'Microsoft.Compute/virtualMachines' and tagName eq 'env' and tagValue eq 'prod'",
  );
  assert.equal(listFilter(undefined, undefined, ["env"]), "tagName eq 'env'");
  assert.equal(listFilter(undefined, undefined, []), undefined);
  assert.equal(resourceType("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"), "Microsoft.Compute/virtualMachines");
  assert.equal(resourceType("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/databases/b"), "Microsoft.Sql/servers/databases");
  assert.equal(resourceType("/subscriptions/s/resourceGroups/rg"), "Microsoft.Resources/resourceGroups");
  assert.throws(() => resourceType("vm1"), /not an ARM resource id/);
  assert.throws(() => resourceType("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines"), /not an ARM resource id/);
});

Deno.test("emulator: ARM's $filter subset for /resources, case-insensitive, tags by name and value; anything else refused", () => {
  const vm = {
    resource: { name: "VM-Demo", type: "Microsoft.Compute/virtualMachines", location: "japaneast", tags: { Environment: "Demo" } },
    resourceGroup: "rg-demo",
  };
  const matches = (filter: string | null) => parseFilter(filter)(vm);
  assert.ok(matches(null) && matches(""));
  assert.ok(matches("name eq 'vm-demo' and resourceType eq 'microsoft.compute/virtualmachines'"));
  assert.ok(matches("tagName eq 'environment' and tagValue eq 'demo'") && matches("tagName eq 'Environment'"));
  assert.ok(!matches("tagName eq 'environment' and tagValue eq 'prod'"));
  assert.ok(matches("substringof('demo', name)") && matches("resourceGroup eq 'RG-DEMO'") && matches("location eq 'japaneast'"));
  assert.ok(!matches("name eq 'other'"));
  assert.throws(() => parseFilter("name ne 'x'"), /Invalid \$filter/);
  assert.throws(() => parseFilter("tagValue eq 'x'"), /tagName/);
});
