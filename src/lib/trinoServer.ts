/**
 * What Trino's server is given, the same locally (src/local/services/trino.ts) and in the
 * cluster (components/queryEngine.ts, trinoPods.ts, trinoConfig.ts): its users and the
 * format of their password file, the environment variables trino/etc and trino/catalog read,
 * and the rule that sizes a query's memory from the heap.
 */
import bcrypt from "bcryptjs";

/**
 * Trino users: an operator, the pipeline's jobs (dbt, checks) and the read-only dashboards;
 * trino/rules.json says what each may do.
 */
export const TRINO_USERS = ["admin", "pipeline", "dashboard"] as const;
export type TrinoUser = (typeof TRINO_USERS)[number];
/** The user the pipeline's jobs (dbt, the checks) connect as, locally and in the cluster. */
export const JOBS_TRINO_USER: TrinoUser = "pipeline";

/** bcrypt cost of the password file's hashes (bcrypt's default; Trino requires at least 8). */
export const TRINO_BCRYPT_COST = 10;

/**
 * Trino's password file (trino/etc/password-authenticator.properties): one `user:hash` line per
 * user, from bcrypt hashes; Trino accepts only the $2y$ prefix, which bcrypt libraries spell $2a$ or $2b$.
 */
export function passwordFile(hashes: Record<string, string>): string {
  return Object.entries(hashes).map(([user, hash]) => `${user}:${hash.replace(/^\$2[ab]\$/, () => "$2y$")}`).join("\n") + "\n";
}

/** Whether a password file (its text) has a line for each user that verifies that user's password. */
export function passwordFileMatches(text: string, passwords: Record<string, string>): boolean {
  const lines = text.split("\n");
  return Object.entries(passwords).every(([user, password]) => {
    const line = lines.find((l) => l.startsWith(`${user}:`));
    return line !== undefined && bcrypt.compareSync(password, line.slice(user.length + 1).replace(/^\$2y\$/, () => "$2b$"));
  });
}

/** The variables trino/etc/*.properties read with ${ENV:…}, beyond the connection contract's (src/lib/connection.ts ENV). */
export const TRINO_SERVER_ENV = {
  httpPort: "TRINO_HTTP_PORT",
  httpsPort: "TRINO_HTTPS_PORT",
  discoveryUri: "TRINO_DISCOVERY_URI",
  tlsKeystore: "TRINO_TLS_KEYSTORE",
  passwordFile: "TRINO_PASSWORD_FILE",
  accessRules: "TRINO_ACCESS_RULES",
  internalSharedSecret: "TRINO_INTERNAL_SHARED_SECRET",
  queryMaxMemory: "TRINO_QUERY_MAX_MEMORY",
  queryMaxMemoryPerNode: "TRINO_QUERY_MAX_MEMORY_PER_NODE",
} as const;

/**
 * query.max-memory and query.max-memory-per-node for a node with `heapBytes` of heap in a
 * cluster with `workers` workers. Per node: half the heap (Trino reserves another 30% of it as
 * headroom for allocations it does not track: memory.heap-headroom-per-node). Per query, across the
 * cluster: 1 GB per worker, and 1 GB where the coordinator works alone (the local stack, or a
 * cluster with no workers). In Trino's units (1GB = 1024 MB).
 */
export function queryMemory(heapBytes: number, workers: number): { maxMemory: string; maxMemoryPerNode: string } {
  if (!(heapBytes > 0)) throw new Error(`queryMemory: heapBytes must be > 0 (got ${heapBytes})`);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`queryMemory: workers must be an integer >= 0 (got ${workers})`);
  return { maxMemory: `${Math.max(1, workers)}GB`, maxMemoryPerNode: `${Math.floor((heapBytes * 0.5) / 1024 ** 2)}MB` };
}
