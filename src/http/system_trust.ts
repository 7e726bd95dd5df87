/**
 * The operating system's certificate store, trusted in addition to the bundled roots (as the az
 * CLI and the Az modules do), so TLS-inspecting corporate proxies and private CAs installed by
 * the administrator work. Read only when a server's certificate was not trusted by the bundled
 * roots, so an ordinary run pays nothing for it.
 * @module
 */

/** Where Linux distributions keep their PEM bundle of trusted roots (Debian/Ubuntu, RHEL/Fedora, SUSE, Alpine and others). */
export const SYSTEM_BUNDLES: readonly string[] = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/ssl/ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** The PEM text of the system's trusted roots, or undefined when there is no readable bundle. */
export function systemCaBundle(paths: readonly string[] = SYSTEM_BUNDLES): string | undefined {
  for (const path of paths) {
    try {
      const text = Deno.readTextFileSync(path);
      if (text.includes("-----BEGIN CERTIFICATE-----")) return text;
    } catch {
      // Not this distribution's path.
    }
  }
  return undefined;
}

/** Whether a fetch failure is a server certificate the client did not trust. */
export function isUntrustedCertificate(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${error.cause instanceof Error ? error.cause.message : ""}` : String(error);
  return /UnknownIssuer|invalid peer certificate|certificate (verify|unknown)|self[- ]signed/i.test(text);
}
