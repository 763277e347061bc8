/**
 * PostgreSQL as the metadata database of the Hive Metastore and of Superset, the same in every
 * environment: the local stack creates its databases and roles (src/local/services/postgres.ts),
 * the cluster's init script does (components/postgres.ts); both point the metastore and
 * Superset at them with the URLs below. Only the host and port differ.
 */

/** One database per client, each owned by a role of the same name (the client's login). */
export const POSTGRES_DATABASES = ["metastore", "superset"] as const;
export type PostgresDatabase = (typeof POSTGRES_DATABASES)[number];

/** The superuser initdb (local) or the image's entrypoint (cluster) creates; it creates the rest. */
export const POSTGRES_SUPERUSER = "lakehouse";

/** The metastore's JDBC URL of a database (metastore/metastore-site.xml reads it from METASTORE_SERVER_ENV.jdbcUrl). */
export function jdbcUrl(host: string, port: number, database: PostgresDatabase): string {
  return `jdbc:postgresql://${host}:${port}/${database}`;
}

/** Superset's SQLAlchemy URI of its database, as its role (SUPERSET_DATABASE_URI, superset/superset_config.py). */
export function supersetDatabaseUri(host: string, port: number, password: string): string {
  const db: PostgresDatabase = "superset";
  return `postgresql+psycopg2://${db}:${encodeURIComponent(password)}@${host}:${port}/${db}`;
}

/** The variables metastore/metastore-site.xml reads with ${env.…}, beyond the connection contract's (src/lib/connection.ts ENV). */
export const METASTORE_SERVER_ENV = {
  /** The Thrift port it listens on. */
  port: "LAKEHOUSE_METASTORE_PORT",
  jdbcUrl: "LAKEHOUSE_METASTORE_JDBC_URL",
  /** The metastore database's role. */
  dbUser: "LAKEHOUSE_METASTORE_DB_USER",
  dbPassword: "LAKEHOUSE_METASTORE_DB_PASSWORD",
} as const;
