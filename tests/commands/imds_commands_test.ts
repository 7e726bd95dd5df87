import assert from "node:assert/strict";
import { startEmulator } from "../fixtures/emulator.ts";

Deno.test("kvmi imds instance, scheduled-events (schedule, list, approve) and attested", async () => {
  const emu = await startEmulator();
  try {
    const instance = JSON.parse((await emu.kvmi(["imds", "instance"])).stdout);
    assert.equal(instance.compute.name, "vm-demo");
    assert.equal(instance.compute.azEnvironment, "AzurePublicCloud");
    const sub = await emu.kvmi(["imds", "instance", "--path", "compute/subscriptionId", "-o", "raw"]);
    assert.equal(sub.stdout.trim(), emu.manifest.subscriptionId);
    assert.equal((await emu.kvmi(["imds", "instance", "--path", "compute/nothing"])).code, 2);

    const empty = JSON.parse((await emu.kvmi(["imds", "scheduled-events"])).stdout);
    assert.deepEqual(empty.Events, []);
    const scheduled = await (await fetch(`${emu.manifest.imdsEndpoint}/emulator/scheduled-events`, {
      method: "POST",
      body: JSON.stringify({ EventType: "Reboot", DurationInSeconds: 300 }),
    })).json();
    const events = JSON.parse((await emu.kvmi(["imds", "scheduled-events"])).stdout);
    assert.equal(events.Events.length, 1);
    assert.equal(events.Events[0].EventId, scheduled.EventId);
    assert.equal(events.Events[0].EventStatus, "Scheduled");
    assert.ok(events.DocumentIncarnation > empty.DocumentIncarnation);
    const table = await emu.kvmi(["imds", "scheduled-events", "-o", "table"]);
    assert.match(table.stdout, /Reboot\s+Scheduled/);
    const approved = JSON.parse((await emu.kvmi(["imds", "scheduled-events", "--approve", scheduled.EventId])).stdout);
    assert.equal(approved.Events[0].EventStatus, "Started");
    assert.equal(approved.Events[0].NotBefore, "");

    const attested = JSON.parse((await emu.kvmi(["imds", "attested", "--nonce", "1234567890"])).stdout);
    assert.equal(attested.encoding, "pkcs7");
    const der = atob(attested.signature);
    assert.equal(der.charCodeAt(0), 0x30, "a DER SEQUENCE (CMS ContentInfo)");
    assert.ok(der.includes('"nonce":"1234567890"'), "the signed document carries the nonce");
    assert.ok(der.includes(emu.manifest.subscriptionId));
    assert.equal((await emu.kvmi(["imds", "attested", "--nonce", "abc"])).code, 2);

    const file = await Deno.makeTempFile({ suffix: ".der" });
    await Deno.writeFile(file, Uint8Array.from(der, (c) => c.charCodeAt(0)));
    const verify = await new Deno.Command("openssl", {
      args: ["cms", "-verify", "-inform", "DER", "-in", file, "-CAfile", emu.manifest.caCertFile, "-purpose", "any"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    await Deno.remove(file);
    assert.ok(verify.success, "OpenSSL verifies the PKCS#7 signature against the emulator CA: " + new TextDecoder().decode(verify.stderr));
    assert.equal(JSON.parse(new TextDecoder().decode(verify.stdout)).nonce, "1234567890");
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi whoami: identity source and claims, never the token", async () => {
  const emu = await startEmulator();
  try {
    const r = await emu.kvmi(["whoami"]);
    assert.equal(r.code, 0, r.stderr);
    const who = JSON.parse(r.stdout);
    assert.equal(who.source, "ManagedIdentity (IMDS)");
    assert.equal(who.objectId, emu.manifest.vm.principalId);
    assert.equal(who.clientId, emu.manifest.vm.clientId);
    assert.equal(who.resourceId, emu.manifest.vm.resourceId);
    assert.equal(who.tenantId, emu.manifest.tenantId);
    assert.ok(!r.stdout.includes("eyJ"));
  } finally {
    await emu.stop();
  }
});

Deno.test("kvmi doctor: every check passes on the emulator; proxy, IMDS and token failures say what to do", async () => {
  const emu = await startEmulator();
  try {
    const ok = await emu.kvmi(["doctor", "--vault", "kv-demo"]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    for (const check of ["proxy", "imds", "clock", "token ARM", "token Key Vault", "tls ARM endpoint", "tls vault"]) {
      assert.match(ok.stdout, new RegExp(`\\[PASS\\] ${check}`), check);
    }
    const proxied = await emu.kvmi(["doctor", "-o", "json"], { env: { HTTPS_PROXY: "http://127.0.0.1:9" } });
    const proxy = JSON.parse(proxied.stdout).find((c: { check: string }) => c.check === "proxy");
    assert.equal(proxy.status, "warn");
    assert.match(proxy.next, /NO_PROXY/);

    const down = await emu.kvmi(["doctor"], { env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9" } });
    assert.equal(down.code, 1);
    assert.match(down.stdout, /\[FAIL\] imds: IMDS at http:\/\/127\.0\.0\.1:9 is not reachable/);
    assert.match(down.stdout, /\[FAIL\] token ARM/);
    assert.match(down.stdout, /next: /);
  } finally {
    await emu.stop();
  }
});
