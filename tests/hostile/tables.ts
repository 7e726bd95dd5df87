/**
 * The hostile-input tables: bad values by kind (names, vaults, URLs, versions, api-versions,
 * JSON, JWTs, policies, files, stdin, environment), and for every command the options they are
 * thrown at, with a valid rest of the command line. `cases.ts` multiplies them out. To cover a
 * new option, add a row under its command (the coverage test fails until you do).
 * @module
 */
import { generateKeyPairSync } from "node:crypto";

/** One bad input: extra arguments (or an option value), optionally stdin and environment, and the documented exit code. */
export interface BadInput {
  /** A short label for the case name. */
  label: string;
  /** The value given to the option under test, or undefined when `args` says everything. */
  value?: string;
  /** Arguments appended instead of `--option value` (for flags given a value, combinations, positionals). */
  args?: string[];
  stdin?: string | Uint8Array;
  env?: Record<string, string>;
  /** The exit code the README documents for this input (default 2, usage). */
  code?: number;
  /** What the message must say (default: anything on one line). */
  message?: RegExp;
}

/** Files the suite writes before it runs, by the placeholder used in the tables. */
export const FIXTURE_FILES: Record<string, string | Uint8Array> = {
  "@DEEP_JSON": "[".repeat(20_000) + "]".repeat(20_000),
  "@NULL_JSON": "null",
  "@ARRAY_JSON": "[1,2,3]",
  "@NOT_JSON": "{not json",
  "@EMPTY": "",
  "@BOM_ONLY": new Uint8Array([0xef, 0xbb, 0xbf]),
  "@BIG_TEXT": "x".repeat(5 * 1024 * 1024),
  "@GARBAGE_PEM": "-----BEGIN PRIVATE KEY-----\nnot base64 !!\n-----END PRIVATE KEY-----\n",
  "@NOT_JWT": "this is not a token",
  "@NOT_PFX": new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
  // A key that opens only with a password (OpenSSL's traditional encryption) and a certificate block:
  // `cert import` of it reads the password from stdin.
  "@ENCRYPTED_PEM": (generateKeyPairSync("rsa", {
    modulusLength: 1024,
    privateKeyEncoding: { type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: "fixture" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey as string) + "-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n",
  "@BAD_UTF8": new Uint8Array([0xff, 0xfe, 0x41]),
  "@POLICY_DEEP": `{"version":"1.0.0","anyOf":[{"authority":"https://x","allOf":${'[{"anyOf":'.repeat(5000)}[]${"}]".repeat(5000)}}]}`,
  "@POLICY_BAD": `{"version":"9.9.9","anyOf":"nope"}`,
  "@BAD_ENV_MANIFEST": JSON.stringify({ env: { "X=1; touch /tmp/pwned #": "v" } }),
  "@STRING_ENV_MANIFEST": JSON.stringify({ env: "AZURE=1" }),
  "@CTRL_ENV_MANIFEST": JSON.stringify({ env: { GOOD: "line\nrm -rf /" } }),
  "@ROTATION_POLICY": JSON.stringify({
    lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }],
    attributes: { expiryTime: "P1Y" },
  }),
  "@ROTATION_ACTIONS_STRING": JSON.stringify({ lifetimeActions: "Rotate" }),
  "@ROTATION_ATTRIBUTES_NULL": JSON.stringify({ attributes: null }),
};

const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_");

/** Attestation tokens whose `x-ms-runtime.keys` is not an array of objects, and other malformed JWTs. */
export const FIXTURE_JWTS: Record<string, string> = {
  "@JWT_KEYS_STRING": `${b64({ alg: "RS256" })}.${b64({ "x-ms-runtime": { keys: "nope" } })}.c2ln`,
  "@JWT_KEYS_NULLS": `${b64({ alg: "RS256" })}.${b64({ "x-ms-runtime": { keys: [null, 1, "x"] } })}.c2ln`,
  "@JWT_RUNTIME_NULL": `${b64({ alg: "RS256" })}.${b64({ "x-ms-runtime": null })}.c2ln`,
  "@JWT_PAYLOAD_NOT_JSON": `${b64({ alg: "RS256" })}.bm90IGpzb24.c2ln`,
  "@JWT_HUGE_EXP": `${b64({ alg: "RS256" })}.${b64({ exp: 1e300 })}.c2ln`,
};

/** Bad secret and key names: Key Vault allows 1-127 of letters, digits and hyphens. */
export const BAD_OBJECT_NAMES: BadInput[] = [
  { label: "empty", value: "" },
  { label: "dot", value: "." },
  { label: "dot-dot", value: ".." },
  { label: "slash", value: "a/b" },
  { label: "traversal", value: "../keys/x" },
  { label: "query", value: "a?api-version=1" },
  { label: "fragment", value: "a#b" },
  { label: "percent", value: "%2e%2e" },
  { label: "space", value: "a b" },
  { label: "newline", value: "a\nb" },
  { label: "tab", value: "a\tb" },
  { label: "unicode", value: "pässwörd" },
  { label: "128 chars", value: "a".repeat(128) },
  { label: "underscore", value: "a_b" },
];

/** Bad vaults: names outside 3-24 of letters, digits and single hyphens; URLs that are not this cloud's vaults. */
export const BAD_VAULTS: BadInput[] = [
  { label: "empty", value: "" },
  { label: "2 chars", value: "kv" },
  { label: "25 chars", value: "k".repeat(25) },
  { label: "double hyphen", value: "kv--demo" },
  { label: "trailing hyphen", value: "kvdemo-" },
  { label: "plain http", value: "http://kv-demo.vault.azure.net" },
  { label: "other host", value: "https://evil.example" },
  { label: "suffix trick", value: "https://kv-demo.vault.azure.net.evil.example" },
  { label: "other port", value: "https://kv-demo.vault.azure.net:4444" },
  { label: "with a path", value: "https://kv-demo.vault.azure.net/secrets" },
  { label: "ftp", value: "ftp://kv-demo.vault.azure.net" },
  { label: "not a URL", value: "https://" },
];

/** Bad object versions: 32 hexadecimal characters. */
export const BAD_VERSIONS: BadInput[] = [
  { label: "short", value: "abc" },
  { label: "31 hex", value: "0".repeat(31) },
  { label: "non-hex", value: "g".repeat(32) },
  { label: "traversal", value: "../../x" },
  { label: "empty", value: "" },
];

/** Output formats no command has. */
export const BAD_OUTPUTS: BadInput[] = [
  { label: "xml", value: "xml" },
  { label: "empty", value: "" },
];

/** Malformed JMESPath expressions for `--query` (a usage error naming the position, before anything is sent). */
export const BAD_QUERIES: BadInput[] = [
  { label: "unclosed bracket", value: "[*" },
  { label: "empty", value: "" },
  { label: "dangling dot", value: "attributes." },
  { label: "unknown function", value: "nosuch(@)" },
];

/** Bad `--timeout` values. */
export const BAD_TIMEOUTS: BadInput[] = [
  { label: "zero", value: "0" },
  { label: "negative", value: "-1" },
  { label: "word", value: "soon" },
  { label: "too long", value: "99999" },
];

/** Bad identity options (every command that authenticates takes them). */
export const BAD_IDENTITY: BadInput[] = [
  { label: "empty client id", args: ["--client-id", ""] },
  { label: "blank object id", args: ["--object-id", " "] },
  { label: "empty msi-res-id", args: ["--msi-res-id", ""] },
  { label: "two selectors", args: ["--client-id", "a", "--object-id", "b"] },
  { label: "client-secret with a client id", args: ["--credential", "client-secret", "--client-id", "x"] },
  { label: "unknown credential", args: ["--credential", "password"] },
  { label: "unknown cloud", args: ["--cloud", "AzureMars"] },
  { label: "cloud profile nested 20000 deep", args: ["--cloud", "@DEEP_JSON"] },
  { label: "cloud profile null", args: ["--cloud", "@NULL_JSON"] },
  { label: "cloud profile array", args: ["--cloud", "@ARRAY_JSON"] },
  { label: "cloud profile not JSON", args: ["--cloud", "@NOT_JSON"] },
  { label: "cloud profile /dev/zero", args: ["--cloud", "/dev/zero"] },
  { label: "cloud profile a directory", args: ["--cloud", "/tmp"] },
];

/** Hostile environments. */
export const BAD_ENVIRONMENTS: BadInput[] = [
  { label: "IMDS host not a URL", env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: "not-a-url" } },
  { label: "IMDS host ftp", env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: "ftp://127.0.0.1" } },
  { label: "authority not a URL", env: { AZURE_AUTHORITY_HOST: "::" } },
  { label: "profile /dev/zero", env: { KVMI_CLOUD_PROFILE: "/dev/zero" } },
  { label: "profile null", env: { KVMI_CLOUD_PROFILE: "@NULL_JSON" } },
  { label: "profile missing", env: { KVMI_CLOUD_PROFILE: "/nonexistent/profile.json" } },
];

/** Boolean flags given a value: always a usage error. */
export function flagWithValue(flag: string): BadInput[] {
  return [{ label: `--${flag}=yes`, args: [`--${flag}=yes`] }];
}

/** A command under test: its words, a valid rest of the line, the options and the bad inputs for each. */
export interface CommandTable {
  /** e.g. `["secret", "get"]`. */
  command: string[];
  /** Valid arguments the bad one is added to (an option under test replaces its own entry). */
  base: string[];
  /** Runs as the admin service principal (writes). */
  admin?: boolean;
  /** Stdin for every case of this command unless the case says otherwise. */
  stdin?: string;
  /** Whether the common identity options and environments apply (the command authenticates). */
  authenticates: boolean;
  /** Option name (without `--`) → bad inputs. */
  options: Record<string, BadInput[]>;
}

const V = ["--vault", "kv-demo"];
const NAMED = [...V, "--name", "secret-for-vm"];
const KEY = [...V, "--name", "cvm-key"];

/** Every sixth row of a table: the subcommands after `get` share its validation code, so a sample of it is enough there. */
function sample(table: BadInput[], all: boolean): BadInput[] {
  return all ? table : table.filter((_, i) => i % 6 === 0);
}

const secretCommand = (sub: string, base: string[], extra: Record<string, BadInput[]> = {}, admin = false, stdin?: string): CommandTable => ({
  command: ["secret", sub],
  base,
  admin,
  stdin,
  authenticates: true,
  options: {
    vault: sample(BAD_VAULTS, sub === "get"),
    ...(base.includes("--name") ? { name: sample(BAD_OBJECT_NAMES, sub === "get" || sub === "set") } : {}),
    output: BAD_OUTPUTS,
    timeout: sample(BAD_TIMEOUTS, sub === "get"),
    ...extra,
  },
});

const keyCommand = (sub: string, base: string[], extra: Record<string, BadInput[]> = {}): CommandTable => ({
  command: ["key", sub],
  base,
  authenticates: true,
  options: {
    vault: sample(BAD_VAULTS, sub === "get"),
    ...(base.includes("--name") ? { name: sample(BAD_OBJECT_NAMES, sub === "get" || sub === "release") } : {}),
    output: BAD_OUTPUTS,
    ...extra,
  },
});

const certCommand = (sub: string, base: string[], extra: Record<string, BadInput[]> = {}, admin = false): CommandTable => ({
  command: ["cert", sub],
  base,
  admin,
  authenticates: true,
  options: {
    vault: sample(BAD_VAULTS, sub === "show"),
    ...(base.includes("--name") ? { name: sample(BAD_OBJECT_NAMES, sub === "show" || sub === "import") } : {}),
    output: BAD_OUTPUTS,
    timeout: sample(BAD_TIMEOUTS, sub === "show"),
    ...extra,
  },
});

const CERT = [...V, "--name", "hostile-cert"];

const SECRET_ATTRIBUTES: Record<string, BadInput[]> = {
  "content-type": [{ label: "256 chars", value: "t".repeat(256) }],
  tag: [{ label: "no equals", value: "novalue" }, { label: "empty name", value: "=v" }],
  expires: [{ label: "not a date", value: "tomorrow" }, { label: "year 99999", value: "99999-01-01" }],
  "not-before": [{ label: "not a date", value: "yesterday" }],
};

/** Every command and the bad inputs for each of its options. */
const TABLES: CommandTable[] = [
  secretCommand("get", NAMED, { version: BAD_VERSIONS }),
  secretCommand("list", V),
  secretCommand("versions", NAMED),
  secretCommand(
    "set",
    [...V, "--name", "hostile-set"],
    {
      ...SECRET_ATTRIBUTES,
      file: [
        { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
        { label: "a directory", value: "/tmp" },
        { label: "missing", value: "/nonexistent/value.txt" },
        { label: "empty file", value: "@EMPTY", message: /empty/ },
        { label: "BOM-only file", value: "@BOM_ONLY", message: /empty/ },
        { label: "5 MB", value: "@BIG_TEXT", message: /larger than/ },
      ],
      stdin: [
        { label: "BOM only", args: [], stdin: new Uint8Array([0xef, 0xbb, 0xbf]), message: /empty/ },
        { label: "nothing", args: [], stdin: "", message: /empty/ },
        { label: "over 25600 characters", args: [], stdin: "x".repeat(25_601), message: /25600/ },
        { label: "over the byte limit", args: [], stdin: "x".repeat(200_000), message: /larger than/ },
        { label: "invalid UTF-8", args: [], stdin: new Uint8Array([0xff, 0xfe, 0x41]), message: /UTF-8/ },
      ],
      "allow-empty": flagWithValue("allow-empty"),
      disabled: [...flagWithValue("disabled"), { label: "with --enabled", args: ["--disabled", "--enabled", "true"] }],
      positional: [{ label: "value on the command line", args: ["hunter2-the-value"], message: /^(?!.*hunter2)/s }],
    },
    true,
    "value",
  ),
  secretCommand("update", NAMED, {
    ...SECRET_ATTRIBUTES,
    version: BAD_VERSIONS,
    enabled: [{ label: "yes", value: "yes" }, { label: "with --disabled", args: ["--enabled", "true", "--disabled"] }],
  }, true),
  secretCommand("delete", [...V, "--name", "hostile-delete"], {}, true),
  secretCommand("show-deleted", V, { name: BAD_OBJECT_NAMES.slice(1) }, true),
  secretCommand("recover", [...V, "--name", "hostile-recover"], {}, true),
  secretCommand("purge", [...V, "--name", "hostile-purge"], {}, true),
  keyCommand("get", KEY, { version: BAD_VERSIONS }),
  keyCommand("list", V),
  keyCommand("versions", KEY),
  keyCommand("create", [...V, "--name", "hostile-key"], {
    kty: [{ label: "oct", value: "oct" }, { label: "empty", value: "" }],
    size: [{ label: "abc", value: "abc" }, { label: "1024", value: "1024" }, { label: "EC with size", args: ["--kty", "EC", "--size", "2048"] }],
    curve: [{ label: "P-999", value: "P-999", args: ["--kty", "EC", "--curve", "P-999"] }, { label: "RSA with curve", value: "P-256" }],
    ops: [{ label: "empty", value: "" }],
    policy: [
      { label: "nested 5000 deep", value: "@POLICY_DEEP", message: /nested/ },
      { label: "nested 20000 deep", value: "@DEEP_JSON", message: /nested/ },
      { label: "null", value: "@NULL_JSON" },
      { label: "invalid", value: "@POLICY_BAD" },
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "missing", value: "/nonexistent/policy.json" },
      { label: "with --default-cvm-policy", args: ["--policy", "@NULL_JSON", "--default-cvm-policy"] },
    ],
    exportable: flagWithValue("exportable"),
    immutable: flagWithValue("immutable"),
    "default-cvm-policy": flagWithValue("default-cvm-policy"),
    maa: [{ label: "plain http", args: ["--default-cvm-policy", "--maa", "http://127.0.0.1:1"] }, {
      label: "not a URL",
      args: ["--default-cvm-policy", "--maa", "nope"],
    }],
  }),
  keyCommand("sign", [...KEY, "--alg", "RS256"], {
    alg: [{ label: "none", value: "none" }],
    digest: [{ label: "not base64url", value: "!!!" }],
    "data-file": [{ label: "missing", value: "/nonexistent/data" }, { label: "a directory", value: "/tmp" }],
  }),
  keyCommand("verify", [...KEY, "--alg", "RS256", "--digest", "AAAA"], {
    signature: [{ label: "not base64url", value: "***" }],
  }),
  keyCommand("encrypt", [...KEY, "--alg", "RSA-OAEP"], { value: [{ label: "not base64url", value: "a b" }], alg: [{ label: "AES", value: "A256GCM" }] }),
  keyCommand("decrypt", [...KEY, "--alg", "RSA-OAEP"], { value: [{ label: "not base64url", value: "%%" }] }),
  keyCommand("wrap", [...KEY, "--alg", "RSA-OAEP"], { value: [{ label: "not base64url", value: "a/b" }] }),
  keyCommand("unwrap", [...KEY, "--alg", "RSA-OAEP"], { value: [{ label: "not base64url", value: "=" }] }),
  keyCommand("release", [...KEY, "--out", "@OUT_NEW"], {
    version: BAD_VERSIONS,
    out: [
      { label: "missing folder", value: "/nonexistent/dir/x.pem", message: /does not exist/ },
      { label: "existing file", value: "@EMPTY", message: /already exists/ },
      { label: "a symlink", value: "@SYMLINK", args: ["--out", "@SYMLINK", "--force"], message: /symbolic link/ },
    ],
    format: [{ label: "p12", value: "p12" }, { label: "der to stdout", args: ["--format", "der", "--out", "-"] }],
    enc: [{ label: "unknown", value: "RSA_OAEP" }],
    force: flagWithValue("force"),
    "attestation-token": [
      { label: "without a transfer key", value: "@NOT_JWT" },
      { label: "not a JWT", args: ["--attestation-token", "@NOT_JWT", "--transfer-key", "@GARBAGE_PEM"] },
      { label: "/dev/zero", args: ["--attestation-token", "/dev/zero", "--transfer-key", "@GARBAGE_PEM"], message: /larger than/ },
      { label: "keys not an array", args: ["--attestation-token", "@JWT_KEYS_STRING", "--transfer-key", "@TRANSFER_KEY"], message: /transfer key/ },
      { label: "keys not objects", args: ["--attestation-token", "@JWT_KEYS_NULLS", "--transfer-key", "@TRANSFER_KEY"], message: /transfer key/ },
      { label: "runtime null", args: ["--attestation-token", "@JWT_RUNTIME_NULL", "--transfer-key", "@TRANSFER_KEY"], message: /transfer key/ },
    ],
    "transfer-key": [
      { label: "garbage PEM", args: ["--attestation-token", "@JWT_KEYS_STRING", "--transfer-key", "@GARBAGE_PEM"] },
      { label: "/dev/zero", args: ["--attestation-token", "@JWT_KEYS_STRING", "--transfer-key", "/dev/zero"], message: /larger than/ },
    ],
    "trust-root": [{ label: "/dev/zero", value: "/dev/zero", message: /larger than/ }, { label: "missing", value: "/nonexistent/root.pem" }],
    maa: [{ label: "plain http", value: "http://127.0.0.1:1" }],
    nonce: [{ label: "too long", value: "1".repeat(100) }],
  }),
  keyCommand("rotate", KEY),
  keyCommand("rotation-policy", ["show", ...KEY]),
  keyCommand("rotation-policy", ["set", ...KEY, "--file", "@ROTATION_POLICY"], {
    file: [
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "missing", value: "/nonexistent/rotation.json" },
      { label: "a directory", value: "/tmp" },
      { label: "null", value: "@NULL_JSON", message: /JSON object/ },
      { label: "an array", value: "@ARRAY_JSON", message: /JSON object/ },
      { label: "not JSON", value: "@NOT_JSON" },
      { label: "nested 20000 deep", value: "@DEEP_JSON", message: /nested/ },
      { label: "lifetimeActions a string", value: "@ROTATION_ACTIONS_STRING", message: /lifetimeActions/ },
      { label: "attributes null", value: "@ROTATION_ATTRIBUTES_NULL", message: /attributes/ },
    ],
  }),
  keyCommand("backup", [...KEY, "--out", "@OUT_NEW"], {
    out: [
      { label: "missing folder", value: "/nonexistent/dir/x.keybackup", message: /does not exist/ },
      { label: "existing file", value: "@EMPTY", message: /already exists/ },
      { label: "a symlink", value: "@SYMLINK", args: ["--out", "@SYMLINK", "--force"], message: /symbolic link/ },
      { label: "stdout", value: "-", message: /binary/ },
    ],
    force: flagWithValue("force"),
  }),
  keyCommand("restore", [...V, "--file", "@ROTATION_POLICY"], {
    file: [
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "missing", value: "/nonexistent/key.keybackup" },
      { label: "a directory", value: "/tmp" },
      { label: "empty", value: "@EMPTY", message: /empty/ },
    ],
    name: [{ label: "given", value: "cvm-key", message: /no --name/ }],
  }),
  certCommand("list", V, { version: [{ label: "on list", value: "0".repeat(32), message: /does not take --version/ }] }),
  certCommand("show", CERT, { version: BAD_VERSIONS }),
  certCommand("versions", CERT, { out: [{ label: "on versions", value: "x.pem", message: /does not take --out/ }] }),
  certCommand("download", [...CERT, "--out", "@OUT_NEW"], {
    version: sample(BAD_VERSIONS, true),
    out: [
      { label: "missing", args: [], message: /Missing required option --out/ },
      { label: "missing folder", value: "/nonexistent/dir/x.pem", message: /does not exist/ },
      { label: "existing file", value: "@EMPTY", message: /already exists/ },
      { label: "a symlink", args: ["--out", "@SYMLINK", "--force"], message: /symbolic link/ },
      { label: "a directory", args: ["--out", "/tmp", "--force"], message: /not a file/ },
    ],
    format: [{ label: "p12", value: "p12" }, { label: "der", value: "der" }, { label: "empty", value: "" }],
    "with-key": flagWithValue("with-key"),
    force: flagWithValue("force"),
    "password-file": [
      { label: "with pem", args: ["--format", "pem", "--password-file", "@EMPTY"], message: /protects a pfx/ },
      { label: "/dev/zero", args: ["--format", "pfx", "--password-file", "/dev/zero"], message: /larger than/ },
      { label: "missing", args: ["--format", "pfx", "--password-file", "/nonexistent/pw"] },
      { label: "a directory", args: ["--format", "pfx", "--password-file", "/tmp"] },
    ],
    subject: [{ label: "on download", value: "CN=x", message: /does not take --subject/ }],
  }),
  certCommand("import", [...V, "--name", "hostile-import", "--file", "@ENCRYPTED_PEM"], {
    file: [
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "a directory", value: "/tmp" },
      { label: "missing", value: "/nonexistent/cert.pfx" },
      { label: "empty", value: "@EMPTY", message: /neither a PFX/ },
      { label: "garbage PEM", value: "@GARBAGE_PEM", message: /PEM cannot be read/ },
      { label: "JSON", value: "@NOT_JSON", message: /neither a PFX/ },
      { label: "5 MB", value: "@BIG_TEXT", message: /larger than/ },
      { label: "a key without a certificate", value: "@TRANSFER_KEY", message: /no CERTIFICATE/ },
      { label: "not PKCS#12 DER", value: "@NOT_PFX", message: /not a PKCS#12/ },
    ],
    "password-file": [
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "missing", value: "/nonexistent/pw" },
      { label: "invalid UTF-8", value: "@BAD_UTF8", message: /UTF-8/ },
    ],
    stdin: [
      { label: "password over the limit", args: [], stdin: "x".repeat(5000), message: /larger than/ },
      { label: "password not UTF-8", args: [], stdin: new Uint8Array([0xff, 0xfe]), message: /UTF-8/ },
    ],
    positional: [{ label: "password on the command line", args: ["hunter2-the-password"], message: /^(?!.*hunter2)/s }],
    "no-wait": [{ label: "on import", args: ["--no-wait"], message: /does not take --no-wait/ }],
  }, true),
  certCommand("create", [...V, "--name", "hostile-create"], {
    subject: [
      { label: "missing", args: [], message: /--subject/ },
      { label: "empty", value: "", message: /not an X.500 name/ },
      { label: "not a name", value: "hello", message: /not an X.500 name/ },
      { label: "empty CN", value: "CN=", message: /not an X.500 name/ },
      { label: "unknown type", value: "XYZ=1", message: /not an X.500 name/ },
      { label: "newline", value: "CN=a\nO=b", message: /not an X.500 name/ },
    ],
    "validity-months": [
      { label: "zero", args: ["--subject", "CN=x", "--validity-months", "0"], message: /validity-months/ },
      { label: "1201", args: ["--subject", "CN=x", "--validity-months", "1201"], message: /validity-months/ },
      { label: "word", args: ["--subject", "CN=x", "--validity-months", "twelve"], message: /validity-months/ },
      { label: "negative", args: ["--subject", "CN=x", "--validity-months", "-1"] },
    ],
    policy: [
      { label: "nested 20000 deep", value: "@DEEP_JSON", message: /nested/ },
      { label: "null", value: "@NULL_JSON", message: /not a JSON object/ },
      { label: "array", value: "@ARRAY_JSON", message: /not a JSON object/ },
      { label: "not JSON", value: "@NOT_JSON" },
      { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
      { label: "missing", value: "/nonexistent/policy.json" },
      { label: "with --subject", args: ["--policy", "@NULL_JSON", "--subject", "CN=x"], message: /whole policy/ },
    ],
    "no-wait": flagWithValue("no-wait"),
    "with-key": [{ label: "on create", args: ["--subject", "CN=x", "--with-key"], message: /does not take --with-key/ }],
  }, true),
  certCommand("delete", [...V, "--name", "hostile-delete"], { force: [{ label: "on delete", args: ["--force"], message: /does not take --force/ }] }, true),
  certCommand("recover", [...V, "--name", "hostile-recover"], {}, true),
  certCommand("purge", [...V, "--name", "hostile-purge"], {}, true),
  {
    command: ["key", "policy", "check"],
    base: ["--policy", "@NULL_JSON", "--token", "@NOT_JWT"],
    authenticates: false,
    options: {
      policy: [
        { label: "nested 20000 deep", value: "@DEEP_JSON", message: /nested/ },
        { label: "nested policy 5000 deep", value: "@POLICY_DEEP", message: /nested/ },
        { label: "null", value: "@NULL_JSON" },
      ],
      token: [
        { label: "not a JWT", args: ["--policy", "@VALID_POLICY", "--token", "@NOT_JWT"] },
        { label: "payload not JSON", args: ["--policy", "@VALID_POLICY", "--token", "@JWT_PAYLOAD_NOT_JSON"] },
        { label: "exp 1e300", args: ["--policy", "@VALID_POLICY", "--token", "@JWT_HUGE_EXP"], code: 4 },
        { label: "/dev/zero", args: ["--policy", "@VALID_POLICY", "--token", "/dev/zero"], message: /larger than/ },
      ],
      output: BAD_OUTPUTS,
    },
  },
  {
    command: ["token"],
    base: [],
    authenticates: true,
    options: {
      resource: [{ label: "empty", value: "" }, { label: "space", value: "https://vault.azure.net x" }, { label: "newline", value: "a\nb" }],
      output: BAD_OUTPUTS,
      timeout: BAD_TIMEOUTS,
    },
  },
  { command: ["whoami"], base: [], authenticates: true, options: { resource: [{ label: "empty", value: "" }], output: BAD_OUTPUTS } },
  {
    command: ["rest"],
    base: ["--url", "/subscriptions?api-version=2022-01-01"],
    authenticates: true,
    options: {
      url: [
        { label: "empty", value: "" },
        { label: "no api-version", value: "/subscriptions" },
        { label: "not a URL", value: "ht tp://x" },
        { label: "file scheme", value: "file:///etc/passwd" },
        { label: "plain http with audience", args: ["--url", "http://127.0.0.1:1/x", "--resource", "https://management.azure.com/"] },
      ],
      method: [{ label: "TRACE", value: "TRACE" }, { label: "empty", value: "" }],
      header: [
        { label: "no equals", value: "X-Test" },
        { label: "bad name", value: "X Bad=1" },
        { label: "newline in value", value: "X-Test=a\r\nInjected: 1" },
        { label: "Authorization", value: "Authorization=Bearer x" },
      ],
      body: [
        { label: "on a GET", value: "{}" },
        { label: "not JSON", args: ["--method", "PUT", "--body", "{nope"] },
        { label: "nested 20000 deep", args: ["--method", "PUT", "--body", "@@DEEP_JSON"], message: /nested/ },
        { label: "/dev/zero", args: ["--method", "PUT", "--body", "@/dev/zero"], message: /larger than/ },
        { label: "stdin /dev/zero-like", args: ["--method", "PUT", "--body", "@-"], stdin: "x".repeat(5 * 1024 * 1024), message: /larger than/ },
        { label: "missing file", args: ["--method", "PUT", "--body", "@/nonexistent.json"] },
      ],
      resource: [{ label: "empty", value: "" }],
      paginate: [...flagWithValue("paginate"), { label: "on PUT", args: ["--paginate", "--method", "PUT", "--body", "{}"] }],
      wait: flagWithValue("wait"),
      include: flagWithValue("include"),
      output: BAD_OUTPUTS,
      timeout: BAD_TIMEOUTS,
    },
  },
  {
    command: ["vm", "show"],
    base: ["--name", "vm-demo"],
    authenticates: true,
    options: {
      name: [
        { label: "dot", value: "." },
        { label: "dot-dot", value: ".." },
        { label: "slash", value: "a/b" },
        { label: "empty", value: "" },
        { label: "65 chars", value: "v".repeat(65) },
        { label: "query", value: "x?api-version=1" },
      ],
      "resource-group": [{ label: "dot-dot", value: ".." }, { label: "dot", value: "." }, { label: "slash", value: "rg/x" }, {
        label: "91 chars",
        value: "r".repeat(91),
      }],
      subscription: [{ label: "not a GUID", value: "sub" }, { label: "traversal", value: "../x" }],
      all: flagWithValue("all"),
      output: BAD_OUTPUTS,
    },
  },
  {
    command: ["vm", "list"],
    base: [],
    authenticates: true,
    options: {
      "resource-group": [{ label: "dot-dot", value: ".." }, { label: "ends with dot", value: "rg." }, {
        label: "with --all",
        args: ["--all", "--resource-group", "rg-demo"],
      }],
      subscription: [{ label: "dot", value: "." }],
      output: BAD_OUTPUTS,
    },
  },
  {
    command: ["role", "assign"],
    base: ["--assignee", "00000000-0000-0000-0000-000000000001", "--role", "Reader", "--scope", "/subscriptions/00000000-0000-0000-0000-000000000002"],
    admin: true,
    authenticates: true,
    options: {
      assignee: [{ label: "not a GUID", value: "bob" }, { label: "empty", value: "" }],
      role: [{ label: "empty", value: "" }],
      scope: [{ label: "relative", value: "subscriptions/x" }, { label: "traversal", value: "/subscriptions/../x" }, { label: "empty", value: "" }],
      "assignee-principal-type": [{ label: "Robot", value: "Robot" }],
      output: BAD_OUTPUTS,
    },
  },
  {
    command: ["role", "list"],
    base: [],
    authenticates: true,
    options: { assignee: [{ label: "not a GUID", value: "x y" }], scope: [{ label: "dot-dot", value: ".." }], output: BAD_OUTPUTS },
  },
  {
    command: ["imds", "instance"],
    base: [],
    authenticates: false,
    options: {
      path: [
        { label: "constructor", value: "constructor" },
        { label: "__proto__", value: "__proto__" },
        { label: "compute/toString", value: "compute/toString" },
        { label: "traversal", value: "../identity" },
      ],
      output: BAD_OUTPUTS,
    },
  },
  {
    command: ["imds", "scheduled-events"],
    base: [],
    authenticates: false,
    options: { approve: [{ label: "not an id", value: "../x" }, { label: "empty", value: "" }], output: BAD_OUTPUTS },
  },
  {
    command: ["imds", "attested"],
    base: [],
    authenticates: false,
    options: { nonce: [{ label: "letters", value: "abc" }, { label: "33 digits", value: "1".repeat(33) }], output: BAD_OUTPUTS },
  },
  {
    command: ["doctor"],
    base: [],
    authenticates: true,
    options: { vault: [{ label: "empty", value: "" }, { label: "other host", value: "https://evil.example" }], output: BAD_OUTPUTS, timeout: BAD_TIMEOUTS },
  },
  {
    command: ["attest"],
    base: [],
    authenticates: true,
    options: {
      maa: [{ label: "plain http", value: "http://127.0.0.1:1" }, { label: "not a URL", value: "::" }],
      "save-transfer-key": [
        { label: "existing file", value: "@EMPTY", message: /already exists/ },
        { label: "a symlink", args: ["--save-transfer-key", "@SYMLINK", "--force"], message: /symbolic link/ },
        { label: "missing folder", value: "/nonexistent/dir/tk.pem", message: /does not exist/ },
      ],
      force: flagWithValue("force"),
      nonce: [{ label: "too long", value: "1".repeat(1000) }],
      output: [{ label: "table", value: "table" }, { label: "xml", value: "xml" }],
    },
  },
  {
    command: ["emulator", "env"],
    base: ["--manifest", "@MANIFEST"],
    authenticates: false,
    options: {
      manifest: [
        { label: "crafted key", value: "@BAD_ENV_MANIFEST", message: /invalid env/ },
        { label: "string env", value: "@STRING_ENV_MANIFEST", message: /invalid env/ },
        { label: "control characters", value: "@CTRL_ENV_MANIFEST", message: /invalid env/ },
        { label: "null", value: "@NULL_JSON" },
        { label: "/dev/zero", value: "/dev/zero", message: /larger than/ },
        { label: "missing", value: "/nonexistent/m.json" },
      ],
      shell: [{ label: "cmd", value: "cmd" }],
      output: [{ label: "xml", value: "xml" }, { label: "json", value: "json" }],
    },
  },
  {
    command: ["demo"],
    base: [],
    authenticates: false,
    options: { output: [{ label: "xml", value: "xml" }], positional: [{ label: "an argument", args: ["now"] }] },
  },
  {
    command: ["emulator", "start"],
    base: ["--manifest", "@OUT_NEW"],
    authenticates: false,
    options: {
      manifest: [{ label: "a directory", value: "/tmp" }],
      seed: [{ label: "unknown", value: "everything" }],
      "delete-delay-ms": [{ label: "word", value: "soon" }, { label: "negative", value: "-5" }],
      "arm-page-size": [{ label: "zero", value: "0" }],
      hostname: [{ label: "space", value: "a b" }, { label: "empty", value: "" }],
      "ca-dir": [{ label: "with --seed unknown", args: ["--ca-dir", "/tmp", "--seed", "x"] }],
      "imds-limits": [{ label: "maybe", value: "maybe" }, { label: "empty", value: "" }],
      throttling: [{ label: "sometimes", value: "sometimes" }],
      "rbac-delay": [{ label: "word", value: "later" }, { label: "negative", value: "-1" }],
      netns: [{ label: "without --real-addresses", args: ["--netns", "x"] }, { label: "slash", args: ["--real-addresses", "--netns", "a/b"] }],
      "real-addresses": flagWithValue("real-addresses"),
      output: [{ label: "xml", value: "xml" }],
    },
  },
];

/**
 * Every command under test; each that prints JSON (it has `--output`) also gets malformed `--query`
 * expressions, on its first subcommand only (the query is applied by one shared function).
 */
export const COMMANDS: CommandTable[] = TABLES.map((table, i) =>
  "output" in table.options && !TABLES.slice(0, i).some((t) => t.command[0] === table.command[0] && "output" in t.options) && table.command[0] !== "emulator"
    ? { ...table, options: { ...table.options, query: BAD_QUERIES } }
    : table
);

/** Options that take no bad value of their own, each with the reason. */
export const NO_BAD_VALUE: Record<string, string> = {
  help: "prints the help and exits 0",
  verbose: "logging only; covered by the fault matrix",
  "no-token-cache": "a flag that only turns the cache off; a value for it is refused by the parser (tests/cli/parse_argv_test.ts)",
  "attest --attestation-token": "named in attest's help for key release; covered under key",
  "attest --transfer-key": "named in attest's help for key release; covered under key",
  "key --save-transfer-key": "named in key's help for attest; covered under attest",
};
