import assert from "node:assert/strict";
import { type CredentialContext, IDENTITY_SOURCES, parseCredentialKind, selectCredential } from "../../src/auth/identity_sources.ts";
import { BUILTIN_CLOUDS, type Cloud } from "../../src/cloud/cloud.ts";
import { KvmiError } from "../../src/core/errors.ts";
import { HttpClient, type HttpRequest, type HttpResponse } from "../../src/http/http_client.ts";

/** Records every request and answers each with a token, so no test touches the network. */
class RecordingHttp extends HttpClient {
  readonly urls: URL[] = [];
  override send(request: HttpRequest): Promise<HttpResponse> {
    this.urls.push(request.url);
    return Promise.resolve({ status: 200, headers: new Headers(), body: JSON.stringify({ access_token: "t", expires_in: 3600, expires_on: "9999999999" }) });
  }
}

const SP = { AZURE_TENANT_ID: "tenant-1", AZURE_CLIENT_ID: "app-1", AZURE_CLIENT_SECRET: "s3cret" };

function context(vars: Record<string, string>, options: Partial<Pick<CredentialContext, "kind" | "selector" | "cloud">> = {}): CredentialContext & {
  http: RecordingHttp;
} {
  return {
    kind: options.kind ?? "auto",
    selector: options.selector ?? {},
    cloud: options.cloud ?? { ...BUILTIN_CLOUDS.AzureCloud, imdsEndpoint: "http://127.0.0.1:9" },
    http: new RecordingHttp(),
    env: (name) => vars[name],
  };
}

async function firstUrl(ctx: CredentialContext & { http: RecordingHttp }): Promise<URL> {
  await selectCredential(ctx).getToken("https://vault.azure.net");
  return ctx.http.urls[0];
}

Deno.test("identity sources are one ordered table, IMDS last and always present", () => {
  assert.deepEqual(IDENTITY_SOURCES.map((s) => s.name), [
    "Service principal (client secret)",
    "Service Fabric",
    "App Service",
    "Azure Machine Learning",
    "Azure Cloud Shell",
    "Azure Arc",
    "IMDS",
  ]);
  assert.equal(IDENTITY_SOURCES.at(-1)!.detect(() => undefined), true);
});

Deno.test("selectCredential: auto picks the service principal when all three variables are set, from the cloud's authority", async () => {
  const ctx = context(SP);
  assert.equal(selectCredential(ctx).source, "ServicePrincipal (client secret)");
  const url = await firstUrl(ctx);
  assert.equal(url.href, "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token");
  const gov = context(SP, { cloud: BUILTIN_CLOUDS.AzureUSGovernment as Cloud });
  assert.equal((await firstUrl(gov)).origin, "https://login.microsoftonline.us");
});

Deno.test("selectCredential: IMDS without variables; a user-assigned selector or --credential managed-identity skips the service principal", async () => {
  const plain = context({});
  assert.equal(selectCredential(plain).source, "ManagedIdentity (IMDS)");
  const url = await firstUrl(plain);
  assert.equal(url.origin, "http://127.0.0.1:9");
  assert.equal(url.searchParams.get("resource"), "https://vault.azure.net");
  const selected = context(SP, { selector: { clientId: "uami-1" } });
  assert.equal((await firstUrl(selected)).searchParams.get("client_id"), "uami-1");
  assert.equal(selectCredential(context(SP, { kind: "managed-identity" })).source, "ManagedIdentity (IMDS)");
});

Deno.test("selectCredential: App Service and Azure Arc from IDENTITY_ENDPOINT and its companion variable", () => {
  const appService = context({ IDENTITY_ENDPOINT: "http://127.0.0.1:9/msi/token", IDENTITY_HEADER: "h" });
  assert.equal(selectCredential(appService).source, "ManagedIdentity (App Service)");
  const arc = context({ IDENTITY_ENDPOINT: "http://localhost:40342/metadata/identity/oauth2/token", IMDS_ENDPOINT: "http://localhost:40342" });
  assert.equal(selectCredential(arc).source, "ManagedIdentity (Azure Arc)");
});

Deno.test("the sources loaded on first use name themselves as their credentials do, and load those credentials", async () => {
  const { ClientSecretCredential } = await import("../../src/auth/client_secret.ts");
  const { AppServiceCredential } = await import("../../src/auth/managed_identity_app_service.ts");
  const { ArcCredential } = await import("../../src/auth/managed_identity_arc.ts");
  const http = new HttpClient();
  const cases: [Record<string, string>, { source: string }][] = [
    [SP, new ClientSecretCredential(http, "https://login.microsoftonline.com", { tenantId: "t", clientId: "c", clientSecret: "s" })],
    [{ IDENTITY_ENDPOINT: "http://127.0.0.1:9/msi/token", IDENTITY_HEADER: "h" }, new AppServiceCredential(http, "http://127.0.0.1:9/msi/token", "h")],
    [{ IDENTITY_ENDPOINT: "http://127.0.0.1:9/token", IMDS_ENDPOINT: "http://127.0.0.1:9" }, new ArcCredential(http, "http://127.0.0.1:9/token", {}, "/x")],
  ];
  for (const [vars, real] of cases) assert.equal(selectCredential(context(vars)).source, real.source);
  // The endpoint is still checked when the source is chosen, before its module loads: an identity failure (exit 3).
  const refused: [Record<string, string>, string][] = [
    [{ IDENTITY_ENDPOINT: "not a url", IDENTITY_HEADER: "h" }, "InvalidIdentityEndpoint"],
    [{ IDENTITY_ENDPOINT: "http://evil.example/msi/token", IDENTITY_HEADER: "h" }, "InsecureIdentityEndpoint"],
    [{ IDENTITY_ENDPOINT: "http://evil.example/token", IMDS_ENDPOINT: "http://evil.example" }, "InvalidIdentityEndpoint"],
  ];
  for (const [vars, code] of refused) {
    assert.throws(() => selectCredential(context(vars)), (e: unknown) => e instanceof KvmiError && e.kind === "authentication" && e.code === code);
  }
  http.close();
});

Deno.test("selectCredential: unsupported hosts fail as authentication errors instead of falling back to IMDS", () => {
  for (
    const [vars, host] of [
      [{ IDENTITY_ENDPOINT: "https://127.0.0.1:9/", IDENTITY_HEADER: "x", IDENTITY_SERVER_THUMBPRINT: "y" }, "Service Fabric"],
      [{ MSI_ENDPOINT: "http://127.0.0.1:9/msi", MSI_SECRET: "z" }, "Azure Machine Learning"],
      [{ MSI_ENDPOINT: "http://127.0.0.1:9/msi" }, "Azure Cloud Shell"],
    ] as const
  ) {
    assert.throws(
      () => selectCredential(context(vars)),
      (e: unknown) => e instanceof KvmiError && e.kind === "authentication" && e.code === "UnsupportedIdentityHost" && e.message.includes(host),
    );
  }
});

Deno.test("selectCredential: usage errors for a missing service principal, two selectors, an unknown --credential", () => {
  assert.throws(
    () => selectCredential(context({ AZURE_CLIENT_ID: "app-1" }, { kind: "client-secret" })),
    (e: unknown) => e instanceof KvmiError && e.kind === "usage" && /needs AZURE_TENANT_ID, AZURE_CLIENT_SECRET/.test(e.message),
  );
  assert.throws(
    () => selectCredential(context({}, { selector: { clientId: "a", objectId: "b" } })),
    (e: unknown) => e instanceof KvmiError && e.kind === "usage" && /mutually exclusive/.test(e.message),
  );
  assert.throws(() => parseCredentialKind("certificate"), (e: unknown) => e instanceof KvmiError && e.kind === "usage");
  assert.equal(parseCredentialKind(undefined), "auto");
});
