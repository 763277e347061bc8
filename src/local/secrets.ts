/**
 * Credentials of the local stack, generated once per install and kept in
 * .lakehouse/secrets.json with mode 0600. Never printed by `status`; never committed.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { POSTGRES_SUPERUSER } from "../lib/metadataDb";
import { OBJECT_STORE_ROOT_USER, S3_IDENTITIES, s3UserName, type S3Identity } from "../lib/s3Identities";
import { TRINO_USERS, type TrinoUser } from "../lib/trinoServer";

// The stack's secrets are keyed by these; the jobs and the CLI import them from here.
export { S3_IDENTITIES, TRINO_USERS, type S3Identity, type TrinoUser };

export interface KeyPair {
  accessKey: string;
  secretKey: string;
}

export interface StackSecrets {
  objectStoreRoot: { user: string; password: string };
  postgres: { superuser: string; password: string; metastorePassword: string; supersetPassword: string };
  s3: Record<S3Identity, KeyPair>;
  superset: { secretKey: string; adminUser: string; adminPassword: string };
  /** Trino's users (trino/rules.json says what each may do) and its internal shared secret. */
  trino: { users: Record<TrinoUser, string>; internalSecret: string };
}

/**
 * Alphanumeric only: these values pass through shell env files, JDBC URLs and
 * supervisord, none of which should need escaping rules to be right.
 */
export function randomToken(length: number): string {
  const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = crypto.randomBytes(length * 2);
  let out = "";
  for (const b of bytes) {
    if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
    if (out.length === length) break;
  }
  return out;
}

export function generateSecrets(): StackSecrets {
  const s3 = Object.fromEntries(
    S3_IDENTITIES.map((id) => [id, { accessKey: s3UserName(id), secretKey: randomToken(40) }]),
  ) as Record<S3Identity, KeyPair>;
  return {
    objectStoreRoot: { user: OBJECT_STORE_ROOT_USER, password: randomToken(40) },
    postgres: { superuser: POSTGRES_SUPERUSER, password: randomToken(32), metastorePassword: randomToken(32), supersetPassword: randomToken(32) },
    s3,
    superset: { secretKey: randomToken(64), adminUser: "admin", adminPassword: randomToken(20) },
    trino: { users: Object.fromEntries(TRINO_USERS.map((u) => [u, randomToken(24)])) as Record<TrinoUser, string>, internalSecret: randomToken(64) },
  };
}

/** Keeps every existing value and adds what a newer version of the stack needs. */
export function withDefaults<T>(existing: T, defaults: T): T {
  if (typeof defaults !== "object" || defaults === null) return existing ?? defaults;
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries((existing ?? {}) as Record<string, unknown>)) {
    out[k] = k in out ? withDefaults(v, (defaults as Record<string, unknown>)[k]) : v;
  }
  return out as T;
}

/** Loads the stack's secrets, generating and saving them (0600) on first use. */
export function loadOrCreateSecrets(file: string): StackSecrets {
  if (fs.existsSync(file)) {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) fs.chmodSync(file, 0o600);
    const saved = fs.readFileSync(file, "utf8");
    const secrets = withDefaults(JSON.parse(saved) as StackSecrets, generateSecrets());
    const updated = JSON.stringify(secrets, null, 2) + "\n";
    if (updated !== saved) writePrivate(file, updated);
    return secrets;
  }
  const secrets = generateSecrets();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}

/** Writes a file only its owner can read (env files with credentials). */
export function writePrivate(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
