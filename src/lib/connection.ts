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
  /** The region requests are signed for: DEFAULT_S3_REGION unless a cluster's stack sets lakehouse:s3Region. */
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

/**
 * The region every S3 client signs for unless told otherwise: MinIO's own default, so a store
 * made without a region answers to it. The local stack always uses it; a cluster's stack may
 * set another (lakehouse:s3Region, whose default this is: components/config.ts DEFAULTS).
 */
export const DEFAULT_S3_REGION = "us-east-1";

/**
 * For the AWS SDKs a job or server signs with (Python's botocore, Java's SDK v2): since SDK
 * 2.30 (Java) / botocore 1.36 they add CRC checksums to every request by default, and some
 * S3-compatible stores reject them; only where S3 requires one. (The Node client is told the
 * same in code: src/lib/s3.ts.)
 */
export const S3_SDK_CHECKSUM_ENV: Readonly<Record<string, string>> = {
  AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
  AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
};

/** The object store part of the contract as environment variables (servers that need nothing else: the metastore). */
export function s3Env(s3: S3Connection): Record<string, string> {
  return { [ENV.s3Endpoint]: s3.endpoint, [ENV.s3Region]: s3.region, [ENV.s3AccessKey]: s3.accessKey, [ENV.s3SecretKey]: s3.secretKey };
}

/** Renders a connection as the environment variables of the contract. */
export function connectionEnv(c: LakehouseConnection): Record<string, string> {
  const env: Record<string, string> = {
    ...s3Env(c.s3),
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
  return { endpoint: env[ENV.s3Endpoint]!, region: env[ENV.s3Region] ?? DEFAULT_S3_REGION, accessKey: env[ENV.s3AccessKey]!, secretKey: env[ENV.s3SecretKey]! };
}
