/**
 * Managed identity on Azure Arc-enabled servers: the Hybrid IMDS (himds) agent at
 * `IDENTITY_ENDPOINT` (http://localhost:40342/...) first answers 401 with
 * `WWW-Authenticate: Basic realm=<path of a .key file>`; only local administrators (Windows) or
 * the himds group (Linux) can read that file, whose contents prove the caller's privilege on the
 * retry. kvmi reads the file only if it sits directly in the agent's token folder, ends in .key and
 * is at most 4096 bytes, as the Azure SDKs do, so a rogue local listener cannot make it read and
 * send an arbitrary file. A user-assigned identity is accepted only if the agent echoes it.
 * @module
 */
import { checkedIdentityEndpoint, managedIdentityTokenUrl, parseManagedIdentityToken } from "./identity_endpoint.ts";
import type { AccessToken, IdentitySelector, TokenCredential } from "../core/credential.ts";
import { firstLine, parseJsonObject, stringField } from "../core/json_body.ts";
import { isTransientStatus, KvmiError } from "../core/errors.ts";
import type { HttpClient, HttpResponse } from "../http/http_client.ts";
import { imdsRetryPolicy, sendWithRetry } from "../http/retry.ts";

/** The folder the Arc agent writes its challenge files to on this OS. */
export function arcTokenDirectory(env: (name: string) => string | undefined): string {
  const override = env("KVMI_ARC_TOKEN_DIR");
  if (override) return override.replace(/[\\/]+$/, "");
  if (Deno.build.os === "windows") return `${env("ProgramData") ?? "C:\\ProgramData"}\\AzureConnectedMachineAgent\\Tokens`;
  return "/var/opt/azcmagent/tokens";
}

/** Checks the challenge's realm: a .key file directly in `directory`; returns its path. */
export function checkArcRealm(realm: string, directory: string): string {
  const separator = Deno.build.os === "windows" ? /[\\/]/ : /\//;
  const parts = realm.split(separator);
  const name = parts.pop() ?? "";
  const dir = parts.join(Deno.build.os === "windows" ? "\\" : "/");
  const same = Deno.build.os === "windows" ? dir.toLowerCase() === directory.toLowerCase() : dir === directory;
  if (!same || !name.endsWith(".key") || name.includes("..")) {
    throw new KvmiError(`The Arc agent asked kvmi to read '${realm}', which is not a .key file in ${directory}; refusing.`, {
      code: "ArcChallengeRejected",
      kind: "authentication",
      hint: "Something other than the Azure Connected Machine agent may be listening on the identity endpoint.",
    });
  }
  return `${directory}${Deno.build.os === "windows" ? "\\" : "/"}${name}`;
}

/** Gets tokens from the Azure Arc agent. */
export class ArcCredential implements TokenCredential {
  readonly source = "ManagedIdentity (Azure Arc)";
  #http: HttpClient;
  #endpoint: URL;
  #selector: IdentitySelector;
  #directory: string;

  constructor(http: HttpClient, endpoint: string, selector: IdentitySelector, tokenDirectory: string) {
    this.#http = http;
    this.#endpoint = checkedIdentityEndpoint(endpoint, "arc");
    this.#selector = selector;
    this.#directory = tokenDirectory;
  }

  async getToken(resource: string): Promise<AccessToken> {
    const url = managedIdentityTokenUrl(this.#endpoint, "2020-06-01", resource, this.#selector);
    const challenge = await this.#send(url, {});
    if (challenge.status !== 401) throw this.#error(challenge, "did not answer with the expected 401 challenge");
    const realm = challenge.headers.get("www-authenticate")?.match(/^Basic realm=(.+)$/i)?.[1]?.trim();
    if (!realm) throw this.#error(challenge, "sent no 'Basic realm' challenge");
    const path = checkArcRealm(realm, this.#directory);
    let secret: string;
    try {
      const info = await Deno.stat(path);
      if (info.size > 4096) throw new Error("the file is larger than 4096 bytes");
      secret = await Deno.readTextFile(path);
    } catch (error) {
      throw new KvmiError(`Cannot read the Arc agent's challenge file: ${(error as Error).message}.`, {
        code: "ArcChallengeUnreadable",
        kind: "authentication",
        hint: "Run as a member of the local Administrators group (Windows) or the himds group (Linux).",
      });
    }
    const response = await this.#send(url, { Authorization: `Basic ${secret}` });
    if (response.status !== 200) throw this.#error(response, "refused the token request");
    this.#checkEcho(response);
    return parseManagedIdentityToken(response.body, resource, this.source);
  }

  async #send(url: URL, headers: Record<string, string>): Promise<HttpResponse> {
    try {
      return await sendWithRetry(
        () => this.#http.send({ method: "GET", url, headers: { Metadata: "true", ...headers }, direct: true, timeoutMs: 10_000 }),
        imdsRetryPolicy,
      );
    } catch (error) {
      throw new KvmiError(`The Azure Arc identity endpoint ${this.#endpoint.origin} could not be reached: ${(error as Error).message}`, {
        code: "IdentityEndpointUnreachable",
        kind: "authentication",
        hint: "Check that the Azure Connected Machine agent (himds) is running: azcmagent show.",
      });
    }
  }

  #checkEcho(response: HttpResponse): void {
    const json = parseJsonObject(response.body);
    const wanted: [string | undefined, string][] = [[this.#selector.clientId, "client_id"], [this.#selector.objectId, "object_id"], [
      this.#selector.resourceId,
      "msi_res_id",
    ]];
    for (const [value, field] of wanted) {
      if (
        value && stringField(json, field)?.toLowerCase() !== value.toLowerCase() &&
        !(field === "msi_res_id" && stringField(json, "mi_res_id")?.toLowerCase() === value.toLowerCase())
      ) {
        throw new KvmiError(
          `The Arc agent did not confirm the user-assigned identity '${value}'; refusing its token (older agents silently return the system identity).`,
          {
            code: "UserAssignedIdentityNotHonored",
            kind: "authentication",
            hint: "Update the Azure Connected Machine agent, or use the system-assigned identity.",
          },
        );
      }
    }
  }

  #error(response: HttpResponse, what: string): KvmiError {
    const json = parseJsonObject(response.body);
    const detail = firstLine(stringField(json, "error_description") ?? stringField(json, "message") ?? response.body.slice(0, 200));
    return new KvmiError(`The Azure Arc identity endpoint ${what} (HTTP ${response.status})${detail ? `: ${detail}` : "."}`, {
      code: "ManagedIdentityError",
      status: response.status,
      kind: isTransientStatus(response.status) ? "unavailable" : "authentication",
    });
  }
}
