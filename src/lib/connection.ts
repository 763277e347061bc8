/**
 * The one connection contract shared by every engine, locally and in the cluster.
 *
 * Every config file that both the local stack and the cluster use (Trino catalogs,
 * dbt profile, Spark settings, Superset config) reads these environment variables,
 * so the files themselves never differ between environments: only the values do.
 */
export interface S3Connection {
  /** e.g. http://127.0.0.1:9000 */
  endpoint: string;
  region: string;
  accessKey: string;
  secretKey: string;
}

export interface LakehouseConnection {
  s3: S3Connection;
  /** thrift://host:9083 */
  metastoreUri: string;
  trino: { host: string; port: number; user: string; password?: string; caFile?: string };
}

/** Names of the environment variables of the contract (see docs/architecture.md). */
export const ENV = {
  s3Endpoint: "LAKEHOUSE_S3_ENDPOINT",
  s3Region: "LAKEHOUSE_S3_REGION",
  s3AccessKey: "LAKEHOUSE_S3_ACCESS_KEY",
  s3SecretKey: "LAKEHOUSE_S3_SECRET_KEY",
  metastoreUri: "LAKEHOUSE_METASTORE_URI",
  trinoHost: "LAKEHOUSE_TRINO_HOST",
  trinoPort: "LAKEHOUSE_TRINO_PORT",
  trinoUser: "LAKEHOUSE_TRINO_USER",
  trinoPassword: "LAKEHOUSE_TRINO_PASSWORD",
  /** PEM of the CA that signed Trino's TLS certificate, when it is not a public one. */
  trinoCaFile: "LAKEHOUSE_TRINO_TLS_CA",
} as const;

/** Renders a connection as the environment variables of the contract. */
export function connectionEnv(c: LakehouseConnection): Record<string, string> {
  const env: Record<string, string> = {
    [ENV.s3Endpoint]: c.s3.endpoint,
    [ENV.s3Region]: c.s3.region,
    [ENV.s3AccessKey]: c.s3.accessKey,
    [ENV.s3SecretKey]: c.s3.secretKey,
    [ENV.metastoreUri]: c.metastoreUri,
    [ENV.trinoHost]: c.trino.host,
    [ENV.trinoPort]: String(c.trino.port),
    [ENV.trinoUser]: c.trino.user,
  };
  if (c.trino.password !== undefined) env[ENV.trinoPassword] = c.trino.password;
  if (c.trino.caFile !== undefined) env[ENV.trinoCaFile] = c.trino.caFile;
  return env;
}

/** Only the object store part of the contract (jobs that touch nothing else, like ingestion). */
export function s3FromEnv(env: NodeJS.ProcessEnv = process.env): S3Connection {
  const missing = [ENV.s3Endpoint, ENV.s3AccessKey, ENV.s3SecretKey].filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`missing environment variables: ${missing.join(", ")}`);
  return { endpoint: env[ENV.s3Endpoint]!, region: env[ENV.s3Region] ?? "us-east-1", accessKey: env[ENV.s3AccessKey]!, secretKey: env[ENV.s3SecretKey]! };
}
