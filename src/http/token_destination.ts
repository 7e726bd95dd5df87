/**
 * Where a bearer token may go: only over https to the cloud's own service hosts (ARM, Key Vault,
 * Graph, Attestation, from the service table in `cloud/cloud.ts`) or to the origins a custom
 * cloud profile names, or to a host the user explicitly allowed. Anything else is refused before
 * a byte is sent.
 * @module
 */
import { acceptsTokens, type Cloud, originOf } from "../cloud/cloud.ts";
import { KvmiError } from "../core/errors.ts";

/** Throws unless a token may be sent to `url`. `allowedOrigins` are `host:port` the user allowed. */
export function assertTokenDestination(url: URL, cloud: Cloud, allowedOrigins: string[] = []): void {
  if (url.protocol !== "https:") {
    throw new KvmiError(`Refusing to send a token over plain http to ${url.origin}.`, {
      code: "InsecureDestination",
      kind: "usage",
      hint: "Use an https URL. Tokens only ever travel over TLS.",
    });
  }
  if (acceptsTokens(url, cloud) || allowedOrigins.includes(originOf(url))) return;
  throw new KvmiError(`Refusing to send a token to ${url.host}: it is not a known endpoint of cloud ${cloud.name}.`, {
    code: "UntrustedHost",
    kind: "usage",
    hint: "Check the URL; for another cloud pass --cloud, for your own API pass --resource to say which audience it accepts.",
  });
}
