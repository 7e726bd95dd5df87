/**
 * Microsoft Azure Attestation for SEV-SNP VMs: `POST /attest/SevSnpVm` checks that the report's
 * REPORT_DATA binds the SHA-256 of the runtime data and that the VCEK (chained to the emulator CA)
 * signed it, then issues an RS256 token with MAA's claim set (top-level `x-ms-attestation-type`,
 * `x-ms-compliance-status`, `x-ms-runtime`, `x-ms-sevsnpvm-*`); plus `/certs` and the OpenID
 * configuration Key Vault uses to verify the token.
 *
 * @example
 * ```ts
 * import { createMaaHandler, createMaaSigner } from "./maa_server.ts";
 * import { Faults } from "../faults.ts";
 * import { loadOrCreateCa } from "../tls.ts";
 * let base = "";
 * const handler = createMaaHandler({ signer: await createMaaSigner(), ca: await loadOrCreateCa("./ca"), faults: new Faults(), baseUrl: () => base });
 * ```
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { base64url, exportJWK, SignJWT } from "jose";
import { MIN_SNP_FW_SVN, parseSnpReport, POLICY_DEBUG_BIT, SNP_REPORT_SIZE, verifySnpReport } from "./snp_report.ts";
import type { Faults } from "../faults.ts";
import { drainBody, isObject, jsonResponse, readJson } from "../http_util.ts";
import { type CertificateAuthority, randomSerial } from "../tls.ts";

/** MAA api-versions accepted for attest calls. */
export const MAA_API_VERSIONS = ["2020-10-01", "2022-08-01", "2025-06-01"];

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) } as const;

/** The MAA signing identity: an RSA key and its self-signed certificate. */
export interface MaaSigner {
  privateKey: CryptoKey;
  jwk: Record<string, unknown>;
}

/** Creates the MAA signing key and its JWKS entry (with `x5c`, `n` and `e`). */
export async function createMaaSigner(): Promise<MaaSigner> {
  const keys = await crypto.subtle.generateKey(RSA, true, ["sign", "verify"]) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: "CN=kvmi emulator attestation signing",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    signingAlgorithm: RSA,
    keys,
  });
  const der = new Uint8Array(cert.rawData);
  const kid = base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", der)));
  const { n, e } = await exportJWK(keys.publicKey);
  return { privateKey: keys.privateKey, jwk: { alg: "RS256", kid, kty: "RSA", use: "sig", n, e, x5c: [btoa(String.fromCharCode(...der))] } };
}

/** Everything the MAA server needs. */
export interface MaaContext {
  signer: MaaSigner;
  ca: CertificateAuthority;
  faults: Faults;
  baseUrl: () => string;
}

/** Decodes base64 or base64url, padded or not. */
export function decodeBase64Any(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function maaError(status: number, code: string, message: string): Response {
  return jsonResponse(status, { error: { code, message } });
}

/** Builds the MAA request handler. */
export function createMaaHandler(ctx: MaaContext): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "").toLowerCase();
    if (request.method === "GET" && path === "/.well-known/openid-configuration") {
      const base = ctx.baseUrl();
      return jsonResponse(200, {
        response_types_supported: ["token", "none"],
        id_token_signing_alg_values_supported: ["RS256"],
        revocation_endpoint: `${base}/revoke`,
        issuer: base,
        jwks_uri: `${base}/certs`,
        claims_supported: ["cnf", "nonce", "x-ms-ver", "x-ms-attestation-type", "x-ms-compliance-status", "x-ms-runtime", "x-ms-policy-hash"],
      });
    }
    if (request.method === "GET" && path === "/certs") return jsonResponse(200, { keys: [ctx.signer.jwk] });
    if (request.method === "POST" && path === "/attest/sevsnpvm") {
      const fault = ctx.faults.next("attestation");
      if (fault?.kind === "status") return maaError(fault.status!, fault.status === 429 ? "TooManyRequests" : "InternalError", "Injected fault.");
      if (!MAA_API_VERSIONS.includes(url.searchParams.get("api-version") ?? "")) {
        return maaError(
          400,
          "InvalidParameter",
          `The api-version '${url.searchParams.get("api-version") ?? ""}' is not supported. Supported versions: ${MAA_API_VERSIONS.join(", ")}.`,
        );
      }
      return await attest(ctx, request, fault?.kind === "expired-token");
    }
    await drainBody(request);
    return maaError(404, "NotFound", `No such attestation endpoint: ${request.method} ${url.pathname}`);
  };
}

async function attest(ctx: MaaContext, request: Request, expired: boolean): Promise<Response> {
  const parsed = await readJson(request);
  const body = "value" in parsed && isObject(parsed.value) ? parsed.value : undefined;
  if (!body || typeof body.report !== "string") {
    return maaError(400, "InvalidParameter", "The request must carry 'report' (base64url JSON with SnpReport and VcekCertChain).");
  }
  let evidence: Record<string, unknown>;
  let report: Uint8Array;
  let chain: x509.X509Certificate[];
  try {
    evidence = JSON.parse(new TextDecoder().decode(decodeBase64Any(body.report)));
    report = decodeBase64Any(String(evidence.SnpReport));
    chain = x509.PemConverter.decode(new TextDecoder().decode(decodeBase64Any(String(evidence.VcekCertChain)))).map((der) => new x509.X509Certificate(der));
  } catch {
    return maaError(400, "InvalidParameter", "The report is not base64url JSON with SnpReport and VcekCertChain.");
  }
  if (report.length !== SNP_REPORT_SIZE) return maaError(400, "InvalidParameter", `The SNP report must be ${SNP_REPORT_SIZE} bytes, got ${report.length}.`);
  const vcek = chain[0];
  if (!vcek || !(await vcek.verify({ publicKey: ctx.ca.keys.publicKey, signatureOnly: true }))) {
    return maaError(400, "InvalidParameter", "The VCEK certificate chain does not chain to a trusted AMD root.");
  }
  const vcekKey = await vcek.publicKey.export({ name: "ECDSA", namedCurve: "P-384" }, ["verify"]);
  if (!(await verifySnpReport(report, vcekKey))) return maaError(400, "InvalidParameter", "The SNP report signature does not verify with the VCEK.");
  const runtime = isObject(body.runtimeData) ? body.runtimeData : undefined;
  if (!runtime || typeof runtime.data !== "string") return maaError(400, "InvalidParameter", "runtimeData.data is required for SevSnpVm attestation.");
  const runtimeBytes = decodeBase64Any(runtime.data);
  const fields = parseSnpReport(report);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(runtimeBytes)));
  if (hex(fields.reportData.slice(0, 32)) !== hex(digest)) {
    return maaError(400, "InvalidParameter", "REPORT_DATA does not match the SHA-256 of runtimeData: the runtime data is not bound to this report.");
  }
  let runtimeClaims: unknown;
  if (runtime.dataType === "JSON") {
    try {
      runtimeClaims = JSON.parse(new TextDecoder().decode(runtimeBytes));
    } catch {
      return maaError(400, "InvalidParameter", "runtimeData has dataType JSON but is not JSON.");
    }
  }
  const debuggable = (fields.policy & POLICY_DEBUG_BIT) !== 0n;
  const compliant = !debuggable && fields.snpFwSvn >= MIN_SNP_FW_SVN;
  const now = Math.floor(Date.now() / 1000) - (expired ? 9 * 3600 : 0);
  const claims: Record<string, unknown> = {
    ...(body.nonce !== undefined ? { nonce: String(body.nonce) } : {}),
    "x-ms-attestation-type": "sevsnpvm",
    ...(compliant ? { "x-ms-compliance-status": "azure-compliant-cvm" } : {}),
    "x-ms-policy-hash": base64url.encode(new Uint8Array(32)),
    ...(runtimeClaims !== undefined ? { "x-ms-runtime": runtimeClaims } : { "x-ms-sevsnpvm-enclave-held-data": hex(runtimeBytes) }),
    "x-ms-sevsnpvm-authorkeydigest": hex(fields.authorKeyDigest),
    "x-ms-sevsnpvm-bootloader-svn": fields.bootloaderSvn,
    "x-ms-sevsnpvm-familyId": hex(fields.familyId),
    "x-ms-sevsnpvm-guestsvn": fields.guestSvn,
    "x-ms-sevsnpvm-hostdata": hex(fields.hostData),
    "x-ms-sevsnpvm-idkeydigest": hex(fields.idKeyDigest),
    "x-ms-sevsnpvm-imageId": hex(fields.imageId),
    "x-ms-sevsnpvm-is-debuggable": debuggable,
    "x-ms-sevsnpvm-launchmeasurement": hex(fields.measurement),
    "x-ms-sevsnpvm-microcode-svn": fields.microcodeSvn,
    "x-ms-sevsnpvm-migration-allowed": false,
    "x-ms-sevsnpvm-reportdata": hex(fields.reportData),
    "x-ms-sevsnpvm-reportid": hex(fields.reportId),
    "x-ms-sevsnpvm-smt-allowed": true,
    "x-ms-sevsnpvm-snpfw-svn": fields.snpFwSvn,
    "x-ms-sevsnpvm-tee-svn": fields.teeSvn,
    "x-ms-sevsnpvm-vmpl": fields.vmpl,
    "x-ms-ver": "1.0",
  };
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", jku: `${ctx.baseUrl()}/certs`, kid: String(ctx.signer.jwk.kid), typ: "JWT" })
    .setIssuer(ctx.baseUrl())
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 8 * 3600)
    .setJti(hex(crypto.getRandomValues(new Uint8Array(32))))
    .sign(ctx.signer.privateKey);
  return jsonResponse(200, { token });
}
