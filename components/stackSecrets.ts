/**
 * The stack's generated secrets: every password, key and certificate the program needs that the
 * user does not choose. `lakehouse deploy init --stack <stack>` (src/deploy/) calls
 * generateStackSecrets once and stores the values as encrypted stack config; the program only
 * reads them (readStackSecrets). So nothing random or salted is computed while the program runs
 * (a second `pulumi up` shows no changes), and no provider beyond kubernetes is needed: the
 * plugins of @pulumi/random and @pulumi/tls cannot be had in air-gapped installs.
 *
 * Light on purpose (no Pulumi SDK): the init command imports it.
 */
import crypto from "node:crypto";
// The certificate's DER comes from @peculiar/asn1-x509's RFC 5280 schema, serialized by
// @peculiar/asn1-schema (PeculiarVentures, the ASN.1 layer under @peculiar/x509 and pkijs);
// node:crypto makes the key and the signature. Not @peculiar/x509's generator itself: it runs on
// WebCrypto and is async only, and this must stay a plain synchronous function. Not node-forge
// or selfsigned: forge signs RSA only (no ECDSA P-256); selfsigned 5 wraps @peculiar/x509 (async).
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import * as x509 from "@peculiar/asn1-x509";
import bcrypt from "bcryptjs";
import { POSTGRES_DATABASES } from "../src/lib/metadataDb";
import { s3UserName } from "../src/lib/s3Identities";
import { TRINO_BCRYPT_COST, TRINO_USERS, type TrinoUser } from "../src/lib/trinoServer";
import { IDENTITIES, type Identity } from "./policies";

/** Config namespace of every key (the project's name). */
export const NAMESPACE = "lakehouse";
/** PostgreSQL roles with a password: the superuser and one per database (each database's role has its name). */
export const POSTGRES_ROLES = ["superuser", ...POSTGRES_DATABASES] as const;
export type PostgresRole = (typeof POSTGRES_ROLES)[number];
/** The QueryEngine's name in index.ts: its Service `trino.<namespace>.svc` is the certificate's name. */
export const TRINO_NAME = "trino";
/** The certificate's lifetime, as queryEngine.ts gave @pulumi/tls (validityPeriodHours 24 * 365). */
export const TLS_VALIDITY_DAYS = 365;
/** bcrypt cost of Trino's password file, the local stack's too. */
export const BCRYPT_COST = TRINO_BCRYPT_COST;

/** How a value is made. A derived value (`of`) is made together with its source, never alone. */
export type Generator =
  | { kind: "password"; length: number }
  | { kind: "bcrypt"; of: string }
  | { kind: "tls-key" }
  | { kind: "tls-cert"; of: string };

export interface StackSecret {
  /** Full config key, `lakehouse:<name>`. */
  key: string;
  /** What it is and who reads it. */
  what: string;
  how: Generator;
}

const k = (name: string) => `${NAMESPACE}:${name}`;
const pw = (name: string, length: number, what: string): StackSecret => ({ key: k(name), what, how: { kind: "password", length } });

/** Every generated secret of a stack. Lengths are the ones @pulumi/random used. */
export const STACK_SECRETS: readonly StackSecret[] = [
  pw("minioRootPassword", 40, `password of MinIO's root user (objectStoreMode minio; the provisioning Job's admin login)`),
  ...IDENTITIES.map((i) => pw(`s3SecretKey_${i}`, 40, `S3 secret key of the ${i} identity (user ${s3UserName(i)}, Secret minio-s3-${i})`)),
  ...POSTGRES_ROLES.map((r) => pw(`postgresPassword_${r}`, 32, `PostgreSQL password of ${r === "superuser" ? "the superuser" : `the ${r} role`}`)),
  ...TRINO_USERS.map((u) => pw(`trinoPassword_${u}`, 24, `Trino password of user ${u}`)),
  ...TRINO_USERS.map((u): StackSecret => ({ key: k(`trinoPasswordHash_${u}`), what: `bcrypt hash (cost ${BCRYPT_COST}) of trinoPassword_${u}, for Trino's password file`, how: { kind: "bcrypt", of: k(`trinoPassword_${u}`) } })),
  pw("trinoInternalSecret", 64, "shared secret of Trino's internal communication"),
  { key: k("trinoTlsKey"), what: "Trino's TLS private key (ECDSA P-256, PKCS#8 PEM)", how: { kind: "tls-key" } },
  { key: k("trinoTlsCert"), what: `Trino's self-signed TLS certificate (PEM) for ${TRINO_NAME}.<namespace>.svc, valid ${TLS_VALIDITY_DAYS} days`, how: { kind: "tls-cert", of: k("trinoTlsKey") } },
  pw("supersetSecretKey", 64, "Superset's SECRET_KEY (signs sessions, encrypts stored credentials)"),
  pw("supersetAdminPassword", 20, "password of Superset's admin user"),
];

/** `lakehouse:trinoTlsKey` -> `trinoTlsKey`, the name `new pulumi.Config("lakehouse")` takes. */
export function configName(key: string): string {
  if (!key.startsWith(`${NAMESPACE}:`)) throw new Error(`stack secret ${key} is not in the ${NAMESPACE}: namespace`);
  return key.slice(NAMESPACE.length + 1);
}

/** The command that creates the missing secrets; the program's error names it. */
export function initCommand(stack: string): string {
  return `npx lakehouse deploy init --stack ${stack}`;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Letters and digits from the CSPRNG, each uniformly (randomInt rejects biased draws). */
export function password(length: number): string {
  if (!Number.isInteger(length) || length < 16) throw new Error(`password: length must be an integer >= 16 (got ${length})`);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[crypto.randomInt(ALPHANUMERIC.length)];
  return out;
}

/** The certificate's names, as queryEngine.ts asked @pulumi/tls for them: the Service in all its spellings, and localhost (kind's NodePort). */
export function trinoCertificateNames(namespace: string, name: string = TRINO_NAME): { commonName: string; organization: string; dnsNames: string[] } {
  const host = `${name}.${namespace}.svc`;
  return { commonName: host, organization: "lakehouse", dnsNames: [name, `${name}.${namespace}`, host, `${host}.cluster.local`, "localhost"] };
}

const ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
const OID_CN = "2.5.4.3";
const OID_O = "2.5.4.10";

const arrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const pem = (label: string, der: Buffer) => `-----BEGIN ${label}-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

/**
 * A self-signed server certificate for `keyPem` (an EC private key): subject O=lakehouse,
 * CN=<commonName>; SANs `dnsNames`; key usages digitalSignature + keyEncipherment; extended
 * key usage serverAuth; not a CA; valid from now for `days` (what @pulumi/tls made).
 */
export function selfSignedCertificate(keyPem: string, names: { commonName: string; organization: string; dnsNames: string[] }, days: number, now: Date = new Date()): string {
  const key = crypto.createPrivateKey(keyPem);
  if (key.asymmetricKeyType !== "ec") throw new Error(`selfSignedCertificate: expected an EC key (got ${key.asymmetricKeyType})`);
  const spki = AsnConvert.parse(crypto.createPublicKey(key).export({ type: "spki", format: "der" }), x509.SubjectPublicKeyInfo);
  const rdn = (type: string, value: string) => new x509.RelativeDistinguishedName([new x509.AttributeTypeAndValue({ type, value: new x509.AttributeValue({ utf8String: value }) })]);
  const name = new x509.Name([rdn(OID_O, names.organization), rdn(OID_CN, names.commonName)]);
  const ext = (extnID: string, critical: boolean, value: unknown) => new x509.Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  const serial = crypto.randomBytes(16);
  // A positive INTEGER in minimal DER: top bit clear (positive) and a non-zero first byte (a
  // leading 0x00 before a byte < 0x80 is "illegal padding" to OpenSSL: 1 serial in 256 failed).
  serial[0] = (serial[0] & 0x3f) | 0x40;
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const algorithm = new x509.AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA256 });
  const tbs = new x509.TBSCertificate({
    version: x509.Version.v3,
    serialNumber: arrayBuffer(serial),
    signature: algorithm,
    issuer: name,
    subject: name,
    validity: new x509.Validity({ notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) }),
    subjectPublicKeyInfo: spki,
    extensions: new x509.Extensions([
      ext(x509.id_ce_basicConstraints, true, new x509.BasicConstraints({ cA: false })),
      ext(x509.id_ce_keyUsage, true, new x509.KeyUsage(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment)),
      ext(x509.id_ce_extKeyUsage, false, new x509.ExtendedKeyUsage([x509.id_kp_serverAuth])),
      ext(x509.id_ce_subjectKeyIdentifier, false, new x509.SubjectKeyIdentifier(arrayBuffer(crypto.createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest()))),
      ext(x509.id_ce_subjectAltName, false, new x509.SubjectAlternativeName(names.dnsNames.map((dNSName) => new x509.GeneralName({ dNSName })))),
    ]),
  });
  const signature = crypto.sign("sha256", Buffer.from(AsnConvert.serialize(tbs)), { key, dsaEncoding: "der" });
  const cert = new x509.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: arrayBuffer(signature) });
  return pem("CERTIFICATE", Buffer.from(AsnConvert.serialize(cert)));
}

/**
 * Values for every key of STACK_SECRETS not in `existing`, so running init again never rotates a
 * secret. A derived value (a bcrypt hash, the certificate) is made only together with its source;
 * when the stack has one of the pair without the other, this throws naming both (the program
 * cannot re-derive it from a name alone): remove both and run init again.
 */
export function generateStackSecrets(args: { namespace: string }, existing: ReadonlySet<string>): Record<string, string> {
  const derived = STACK_SECRETS.filter((s): s is StackSecret & { how: { of: string } } => "of" in s.how);
  const halves = derived.filter((s) => existing.has(s.key) !== existing.has(s.how.of));
  if (halves.length) {
    throw new Error(`stack secrets come in pairs, and the stack has one without the other: ${halves.map((s) => `${existing.has(s.key) ? s.key : s.how.of} without ${existing.has(s.key) ? s.how.of : s.key}`).join("; ")}. Remove both (pulumi config rm <key>) and run init again`);
  }
  const out: Record<string, string> = {};
  for (const s of STACK_SECRETS) {
    if (existing.has(s.key)) continue;
    const how = s.how;
    if (how.kind === "password") out[s.key] = password(how.length);
    else if (how.kind === "bcrypt") out[s.key] = bcrypt.hashSync(out[how.of], BCRYPT_COST);
    else if (how.kind === "tls-key") out[s.key] = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    else out[s.key] = selfSignedCertificate(out[how.of], trinoCertificateNames(args.namespace), TLS_VALIDITY_DAYS);
  }
  return out;
}

/** The secrets by role, as the components take them (T: pulumi.Output<string> in the program, string in tests). */
export interface StackSecretValues<T> {
  minioRootPassword: T;
  s3SecretKeys: Record<Identity, T>;
  postgresPasswords: Record<PostgresRole, T>;
  trino: { passwords: Record<TrinoUser, T>; passwordHashes: Record<TrinoUser, T>; internalSecret: T; tlsKey: T; tlsCert: T };
  superset: { secretKey: T; adminPassword: T };
}

/**
 * Reads every key of STACK_SECRETS through `get` (full key in, value or undefined out); throws
 * one error naming every missing key and the init command that creates them.
 */
export function readStackSecrets<T>(get: (key: string) => T | undefined, stack: string): StackSecretValues<T> {
  const values = new Map(STACK_SECRETS.map((s) => [s.key, get(s.key)]));
  const missing = STACK_SECRETS.map((s) => s.key).filter((key) => values.get(key) === undefined);
  if (missing.length) {
    throw new Error(
      `stack "${stack}" lacks ${missing.length} of its ${STACK_SECRETS.length} generated secrets: ${missing.join(", ")}.\n`
      + `Create them once with:  ${initCommand(stack)}\n`
      + "(it generates only the missing ones and stores them encrypted in the stack's config; see docs/deploy.md)",
    );
  }
  const v = (name: string) => values.get(k(name)) as T;
  const by = <K extends string>(keys: readonly K[], prefix: string) => Object.fromEntries(keys.map((x) => [x, v(`${prefix}_${x}`)])) as Record<K, T>;
  return {
    minioRootPassword: v("minioRootPassword"),
    s3SecretKeys: by(IDENTITIES, "s3SecretKey"),
    postgresPasswords: by(POSTGRES_ROLES, "postgresPassword"),
    trino: { passwords: by(TRINO_USERS, "trinoPassword"), passwordHashes: by(TRINO_USERS, "trinoPasswordHash"), internalSecret: v("trinoInternalSecret"), tlsKey: v("trinoTlsKey"), tlsCert: v("trinoTlsCert") },
    superset: { secretKey: v("supersetSecretKey"), adminPassword: v("supersetAdminPassword") },
  };
}

/**
 * What is wrong with Trino's secrets for the host it serves: the certificate must cover `host`
 * (the namespace may have changed since init), belong to the key and not have expired; each hash
 * must verify its password. Warns 30 days before expiry (@pulumi/tls renewed then by itself).
 */
export function trinoSecretProblems(
  s: { tlsKey: string; tlsCert: string; passwords: Record<string, string>; passwordHashes: Record<string, string> },
  host: string,
  now: Date = new Date(),
): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const renew = `remove ${k("trinoTlsKey")} and ${k("trinoTlsCert")} (pulumi config rm) and run init again`;
  let cert: crypto.X509Certificate | undefined;
  try {
    cert = new crypto.X509Certificate(s.tlsCert);
  } catch (e) {
    errors.push(`${k("trinoTlsCert")} is not a PEM certificate (${(e as Error).message})`);
  }
  if (cert) {
    if (!cert.checkHost(host)) errors.push(`${k("trinoTlsCert")} does not cover ${host} (its names: ${cert.subjectAltName}); the namespace changed since init? ${renew}`);
    try {
      if (!cert.checkPrivateKey(crypto.createPrivateKey(s.tlsKey))) errors.push(`${k("trinoTlsCert")} is not the certificate of ${k("trinoTlsKey")}: ${renew}`);
    } catch (e) {
      errors.push(`${k("trinoTlsKey")} is not a PEM private key (${(e as Error).message})`);
    }
    const left = (new Date(cert.validTo).getTime() - now.getTime()) / 86_400_000;
    if (left <= 0) errors.push(`${k("trinoTlsCert")} expired on ${cert.validTo}: ${renew}`);
    else if (left <= 30) warnings.push(`${k("trinoTlsCert")} expires on ${cert.validTo}: ${renew}, then pulumi up`);
  }
  for (const [user, hash] of Object.entries(s.passwordHashes)) {
    if (!bcrypt.compareSync(s.passwords[user] ?? "", hash)) errors.push(`${k(`trinoPasswordHash_${user}`)} is not the bcrypt hash of ${k(`trinoPassword_${user}`)}: remove both and run init again`);
  }
  return { errors, warnings };
}
