/**
 * A simulated AMD SEV-SNP attestation report (the 1184-byte `ATTESTATION_REPORT` layout) signed
 * by a fake VCEK (ECDSA P-384) whose certificate the emulator CA issues. The emulator plays the
 * confidential VM with it; its state decides whether the report is compliant.
 * @module
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { base64url } from "jose";
import { type CertificateAuthority, issueCertificate } from "../tls.ts";
import { isObject, jsonResponse, readJson } from "../http_util.ts";
import type { ImdsRoute } from "../imds_server.ts";

/** Size of an SNP report. */
export const SNP_REPORT_SIZE = 0x4a0;
/** Offset of the signed part's end / the signature. */
export const SNP_SIGNATURE_OFFSET = 0x2a0;
/** Guest policy bit: debugging allowed. */
export const POLICY_DEBUG_BIT = 1n << 19n;
/** Minimum SNP firmware SVN the emulated MAA treats as compliant. */
export const MIN_SNP_FW_SVN = 8;

/** What the simulated CVM looks like. */
export interface CvmState {
  /** Platform firmware up to date (reported SNP firmware SVN at or above the minimum). */
  compliant: boolean;
  /** The guest policy allows debugging (never compliant). */
  debuggable: boolean;
}

/** Fields MAA turns into `x-ms-sevsnpvm-*` claims. */
export interface SnpReportFields {
  guestSvn: number;
  policy: bigint;
  familyId: Uint8Array;
  imageId: Uint8Array;
  vmpl: number;
  reportData: Uint8Array;
  measurement: Uint8Array;
  hostData: Uint8Array;
  idKeyDigest: Uint8Array;
  authorKeyDigest: Uint8Array;
  reportId: Uint8Array;
  bootloaderSvn: number;
  teeSvn: number;
  snpFwSvn: number;
  microcodeSvn: number;
}

const P384 = { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" } as const;

/** The simulated CVM: builds signed reports over caller-chosen REPORT_DATA. */
export class SimulatedCvm {
  state: CvmState = { compliant: true, debuggable: false };
  #vcek: CryptoKeyPair;
  #chainPem: string;
  #measurement = crypto.getRandomValues(new Uint8Array(48));
  #chipId = crypto.getRandomValues(new Uint8Array(64));

  private constructor(vcek: CryptoKeyPair, chainPem: string) {
    this.#vcek = vcek;
    this.#chainPem = chainPem;
  }

  /** Creates the CVM with a fresh VCEK certified by the emulator CA. */
  static async create(ca: CertificateAuthority): Promise<SimulatedCvm> {
    const keys = await crypto.subtle.generateKey(P384, true, ["sign", "verify"]) as CryptoKeyPair;
    const cert = await issueCertificate(ca, {
      subject: "CN=SEV-VCEK, OU=kvmi emulator simulated CVM",
      publicKey: keys.publicKey,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    });
    return new SimulatedCvm(keys, cert.toString("pem") + "\n" + ca.cert.toString("pem") + "\n");
  }

  /** The VCEK certificate chain (VCEK then the CA), PEM. */
  get vcekCertChainPem(): string {
    return this.#chainPem;
  }

  /** Builds and signs a report whose REPORT_DATA is `reportData` (up to 64 bytes, zero-padded). */
  async report(reportData: Uint8Array): Promise<Uint8Array> {
    if (reportData.length > 64) throw new RangeError("REPORT_DATA is at most 64 bytes");
    const r = new Uint8Array(SNP_REPORT_SIZE);
    const view = new DataView(r.buffer);
    view.setUint32(0x00, 2, true); // version
    view.setUint32(0x04, 1, true); // guest_svn
    view.setBigUint64(0x08, 0x30000n | (this.state.debuggable ? POLICY_DEBUG_BIT : 0n), true);
    r.set(new Uint8Array(16).fill(1), 0x10); // family_id
    r.set(new Uint8Array(16).fill(2), 0x20); // image_id
    view.setUint32(0x30, 0, true); // vmpl
    view.setUint32(0x34, 1, true); // signature algorithm: ECDSA P-384 with SHA-384
    r.set(reportData, 0x50);
    r.set(this.#measurement, 0x90);
    r.set(crypto.getRandomValues(new Uint8Array(32)), 0x140); // report_id
    r.set(this.#chipId, 0x1a0);
    // reported_tcb @0x180: bootloader, tee, reserved[4], snp, microcode
    const snpSvn = this.state.compliant ? 24 : 2;
    r.set([4, 0, 0, 0, 0, 0, snpSvn, 219], 0x180);
    const signature = new Uint8Array(await crypto.subtle.sign(P384, this.#vcek.privateKey, r.slice(0, SNP_SIGNATURE_OFFSET)));
    r.set(signature.slice(0, 48).reverse(), SNP_SIGNATURE_OFFSET); // R, little-endian, in a 72-byte field
    r.set(signature.slice(48).reverse(), SNP_SIGNATURE_OFFSET + 72); // S
    return r;
  }
}

/** Parses the report fields MAA reports as claims. */
export function parseSnpReport(r: Uint8Array): SnpReportFields {
  const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
  return {
    guestSvn: view.getUint32(0x04, true),
    policy: view.getBigUint64(0x08, true),
    familyId: r.slice(0x10, 0x20),
    imageId: r.slice(0x20, 0x30),
    vmpl: view.getUint32(0x30, true),
    reportData: r.slice(0x50, 0x90),
    measurement: r.slice(0x90, 0xc0),
    hostData: r.slice(0xc0, 0xe0),
    idKeyDigest: r.slice(0xe0, 0x110),
    authorKeyDigest: r.slice(0x110, 0x140),
    reportId: r.slice(0x140, 0x160),
    bootloaderSvn: r[0x180],
    teeSvn: r[0x181],
    snpFwSvn: r[0x186],
    microcodeSvn: r[0x187],
  };
}

/** Verifies the report's ECDSA P-384 signature with the VCEK public key. */
export async function verifySnpReport(r: Uint8Array, vcek: CryptoKey): Promise<boolean> {
  const sig = new Uint8Array(96);
  sig.set(r.slice(SNP_SIGNATURE_OFFSET, SNP_SIGNATURE_OFFSET + 48).reverse(), 0);
  sig.set(r.slice(SNP_SIGNATURE_OFFSET + 72, SNP_SIGNATURE_OFFSET + 120).reverse(), 48);
  return await crypto.subtle.verify(P384, vcek, sig, r.slice(0, SNP_SIGNATURE_OFFSET));
}

/**
 * The simulated confidential VM's controls: `POST /emulator/cvm` sets its state
 * (`{"compliant":bool,"debuggable":bool}`); `POST /emulator/cvm/report` with
 * `{"reportData":"<base64url, up to 64 bytes>"}` returns a signed SEV-SNP report and the VCEK
 * chain, as a CVM's guest would read them.
 */
export function cvmControlRoute(cvm: SimulatedCvm): ImdsRoute {
  return async (request, _url, path) => {
    if (request.method !== "POST" || (path !== "/emulator/cvm" && path !== "/emulator/cvm/report")) return undefined;
    const parsed = await readJson(request);
    const body = "value" in parsed && isObject(parsed.value) ? parsed.value : {};
    if (path === "/emulator/cvm") {
      if (typeof body.compliant === "boolean") cvm.state.compliant = body.compliant;
      if (typeof body.debuggable === "boolean") cvm.state.debuggable = body.debuggable;
      return jsonResponse(200, cvm.state);
    }
    if (typeof body.reportData !== "string") return jsonResponse(400, { error: "reportData (base64url) is required" });
    let data: Uint8Array;
    try {
      data = base64url.decode(body.reportData);
    } catch {
      return jsonResponse(400, { error: "reportData must be base64url" });
    }
    if (data.length > 64) return jsonResponse(400, { error: "reportData is at most 64 bytes" });
    const report = await cvm.report(data);
    return jsonResponse(200, { SnpReport: base64url.encode(report), VcekCertChain: base64url.encode(cvm.vcekCertChainPem) });
  };
}
