/**
 * Every limit and deadline kvmi applies, in one place (README "Limits and deadlines" lists the
 * same figures). Input limits sit just above what the services accept, so a real value always
 * fits and a runaway input (`/dev/zero`, a wrong file) is a usage error before anything is sent.
 * @module
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** Key Vault's limit on a secret value, in characters ("beyond the maximum permitted length of 25600 characters"). */
export const SECRET_VALUE_MAX_CHARS = 25_600;

/** The most bytes a secret value may take on stdin or in `--file`: 25,600 characters of up to 4 UTF-8 bytes each. */
export const SECRET_VALUE_MAX_BYTES = SECRET_VALUE_MAX_CHARS * 4;

/** A request body (`rest --body @FILE|@-`): ARM accepts at most 4 MiB. */
export const REQUEST_BODY_MAX_BYTES = 4 * MiB;

/** A JSON document kvmi reads from a file: cloud profiles, manifests, release policies, key data files. */
export const JSON_FILE_MAX_BYTES = 1 * MiB;

/** A file hashed locally for `key sign`/`key verify --data-file` (Key Vault only ever sees the digest). */
export const DATA_FILE_MAX_BYTES = 64 * MiB;

/** A JWT read from a file or stdin (attestation tokens) and a JWT's size in a response. */
export const JWT_MAX_BYTES = 256 * KiB;

/** A PEM file (`--transfer-key`, `--trust-root`, a profile's CA file). */
export const PEM_MAX_BYTES = 1 * MiB;

/** A certificate file for `cert import` (PFX or PEM, a chain included); Key Vault takes far less. */
export const CERTIFICATE_FILE_MAX_BYTES = 1 * MiB;

/** A password read from `--password-file` or stdin (a PFX password). */
export const PASSWORD_MAX_BYTES = 4 * KiB;

/** The deepest JSON nesting kvmi parses from any input or response (a release policy has a handful of levels). */
export const JSON_MAX_DEPTH = 64;

/** The largest HTTP response body kvmi reads (an ARM page is far smaller). */
export const RESPONSE_BODY_MAX_BYTES = 32 * MiB;

/** The longest wait a `Retry-After` header (or the backoff) can ask for between two attempts. */
export const RETRY_AFTER_MAX_MS = 60_000;

/** The default total deadline of one command, overridable with `--timeout SECONDS`. */
export const COMMAND_DEADLINE_MS = 90_000;

/** The largest `--timeout` accepted, in seconds. */
export const COMMAND_TIMEOUT_MAX_SECONDS = 3600;

/** `kvmi doctor`'s total deadline: it reports on any machine within 10 s. */
export const DOCTOR_DEADLINE_MS = 9_000;

/** How long one attempt at Key Vault, ARM, Entra ID or Attestation may take (headers and body). */
export const SERVICE_ATTEMPT_TIMEOUT_MS = 20_000;

/**
 * How long the first TCP connection to IMDS may take; with none, IMDS is reported unreachable at
 * once (the SDKs' short IMDS probe). Off Azure, packets to 169.254.169.254 go nowhere.
 */
export const IMDS_CONNECT_TIMEOUT_MS = 3_000;

/** How long one IMDS attempt may take once IMDS has answered (a slow IMDS keeps Microsoft's retry policy). */
export const IMDS_ATTEMPT_TIMEOUT_MS = 10_000;
