/**
 * PostgreSQL for the metastore and Superset metadata: one StatefulSet, one database and role
 * per client, created on first start by an init script that reads passwords from the env.
 * Runs the Docker Official Image or images/postgres.Dockerfile (Debian's PostgreSQL, with an
 * entrypoint that keeps the contract used here: POSTGRES_* env, PGDATA, /docker-entrypoint-initdb.d).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_DATABASES, POSTGRES_SUPERUSER, type PostgresDatabase } from "../src/lib/metadataDb";
import type { Size } from "./config";
import { execProbe, podSecurity, resources, restricted, secretEnv } from "./k8s";
import { labels, selectorLabels, versionLabel } from "./labels";

export const POSTGRES_UID = 999;
/** PostgreSQL's own port: the cluster's Service has the database alone (the local stack moves it: src/local/settings.ts). */
export const POSTGRES_PORT = 5432;
export const POSTGRES_CLIENT_LABEL = { "lakehouse.io/postgres-client": "true" };
/** One database and role per client (src/lib/metadataDb.ts); the role's password is in the Secret under <db>-password. */
export const DATABASES = POSTGRES_DATABASES;
export type Database = PostgresDatabase;

/** Idempotent only in the sense Postgres gives it: it runs once, on an empty data directory. */
export function initScript(dbs: readonly string[]): string {
  const lines = dbs.map((db) => `CREATE ROLE ${db} LOGIN PASSWORD :'${db}_pw';\nCREATE DATABASE ${db} OWNER ${db};`);
  const vars = dbs.map((db) => `-v ${db}_pw="$${db.toUpperCase()}_PASSWORD"`).join(" ");
  return `#!/bin/bash\nset -euo pipefail\npsql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" ${vars} <<'SQL'\n${lines.join("\n")}\nSQL\n`;
}

export interface PostgresArgs {
  /** Namespace of the StatefulSet, its Service, Secret and init ConfigMap. */
  namespace: pulumi.Input<string>;
  /** app.kubernetes.io/instance of its labels (the stack name). */
  instance: string;
  /** The project's lakehouse-postgres, or the stack's postgresImage. */
  image: pulumi.Input<string>;
  /** Version label of the image (required when it is not a plain reference). */
  version?: string;
  /** StorageClass of the data volume's PVC. */
  storageClass: string;
  /** Size of the data volume, a Kubernetes quantity (e.g. 5Gi). */
  storageSize: string;
  /** PostgreSQL's resources. */
  size: Size;
  /** The superuser's and each database role's password (stack secrets postgresPassword_<role>). */
  passwords: Record<"superuser" | Database, pulumi.Input<string>>;
}

export interface Postgres {
  host: pulumi.Output<string>;
  /** Secret holding <db>-password for each of DATABASES. */
  secretName: string;
  passwords: Record<Database, pulumi.Input<string>>;
  statefulSet: k8s.apps.v1.StatefulSet;
}

export function postgres(name: string, a: PostgresArgs, parent: pulumi.Resource): Postgres {
  const p = { parent };
  const l = labels({ name: "postgres", instance: a.instance, component: "metadata-db", version: versionLabel(a.image, a.version, "postgres") });
  const sel = selectorLabels({ name: "postgres", instance: a.instance });
  const missing = (["superuser", ...DATABASES] as const).filter((r) => a.passwords[r] === undefined);
  if (missing.length) throw new Error(`postgres: passwords lacks ${missing.join(", ")}`);
  const passwords = { metastore: a.passwords.metastore, superset: a.passwords.superset };
  const secret = new k8s.core.v1.Secret(name, {
    metadata: { name, namespace: a.namespace, labels: l },
    stringData: { "superuser-password": a.passwords.superuser, "metastore-password": passwords.metastore, "superset-password": passwords.superset },
  }, p);
  const init = new k8s.core.v1.ConfigMap(`${name}-init`, {
    metadata: { name: `${name}-init`, namespace: a.namespace, labels: l },
    data: { "10-databases.sh": initScript(DATABASES) },
  }, p);
  const svc = new k8s.core.v1.Service(name, {
    metadata: { name, namespace: a.namespace, labels: l },
    spec: { selector: sel, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres" }] },
  }, p);
  const statefulSet = new k8s.apps.v1.StatefulSet(name, {
    metadata: { name, namespace: a.namespace, labels: l },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: sel },
      template: {
        metadata: { labels: l },
        spec: {
          securityContext: podSecurity(POSTGRES_UID),
          containers: [{
            name: "postgres",
            image: a.image,
            env: [
              { name: "POSTGRES_USER", value: POSTGRES_SUPERUSER },
              { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
              ...secretEnv(name, { POSTGRES_PASSWORD: "superuser-password", METASTORE_PASSWORD: "metastore-password", SUPERSET_PASSWORD: "superset-password" }),
            ],
            ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
            readinessProbe: execProbe(["pg_isready", "-U", POSTGRES_SUPERUSER, "-h", "127.0.0.1"], 5),
            livenessProbe: execProbe(["pg_isready", "-U", POSTGRES_SUPERUSER, "-h", "127.0.0.1"], 30),
            resources: resources(a.size),
            securityContext: restricted(POSTGRES_UID),
            volumeMounts: [
              { name: "data", mountPath: "/var/lib/postgresql/data" },
              { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
              { name: "run", mountPath: "/var/run/postgresql" },
            ],
          }],
          volumes: [{ name: "init", configMap: { name: init.metadata.name } }, { name: "run", emptyDir: {} }],
        },
      },
      volumeClaimTemplates: [{
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: a.storageClass, resources: { requests: { storage: a.storageSize } } },
      }],
    },
  }, { parent, dependsOn: [secret, init] });
  new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, {
    metadata: { name: `${name}-ingress`, namespace: a.namespace, labels: l },
    spec: {
      podSelector: { matchLabels: sel },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: POSTGRES_CLIENT_LABEL } }], ports: [{ port: POSTGRES_PORT, protocol: "TCP" }] }],
    },
  }, p);
  return { host: pulumi.interpolate`${svc.metadata.name}.${a.namespace}.svc`, secretName: name, passwords, statefulSet };
}
