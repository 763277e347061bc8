/**
 * Metastore: PostgreSQL and the Hive Metastore 3.1.3 (Thrift :9083), its schema created by
 * an init container (schematool, only when absent), configured by the repository's
 * metastore/metastore-site.xml with values from the environment. The image is built from
 * metastore/Dockerfile: its `hive-metastore` launcher runs the server and schematool.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../src/lib/connection";
import { jdbcUrl, METASTORE_SERVER_ENV, type PostgresDatabase } from "../src/lib/metadataDb";
import type { Size } from "./config";
import { readRepoFile } from "./files";
import { podSecurity, resources, restricted, secretEnv, tcpProbe, plainEnv } from "./k8s";
import { labels, selectorLabels } from "./labels";
import { S3_CLIENT_LABEL } from "./objectStore";
import { POSTGRES_CLIENT_LABEL, POSTGRES_PORT, postgres, type PostgresArgs } from "./postgres";

export const METASTORE_CLIENT_LABEL = { "lakehouse.io/metastore-client": "true" };
export const HIVE_UID = 1000;
export const SITE_FILE = "metastore/metastore-site.xml";
/** The image's METASTORE_HOME/conf: first on the launcher's classpath, so the mounted site file wins. */
export const CONF_DIR = "/opt/hive-metastore/conf";

/** The Thrift server, as metastore/hive-metastore runs it (port from metastore-site.xml). */
export function serverCommand(): string[] {
  return ["hive-metastore", "server"];
}

/** schematool with explicit connection flags: it initialises only a database without a schema. */
export function schemaInitCommand(): string[] {
  const E = METASTORE_SERVER_ENV;
  const conn = `-dbType postgres -driver org.postgresql.Driver -url "$${E.jdbcUrl}" -userName "$${E.dbUser}" -passWord "$${E.dbPassword}"`;
  return ["/bin/bash", "-ec", `hive-metastore schematool ${conn} -info || hive-metastore schematool ${conn} -initSchema`];
}

/**
 * What metastore/metastore-site.xml reads besides the S3 keys (those come from the identity's
 * Secret, envFrom): its port, its database's JDBC URL and login, the S3 endpoint and region.
 */
export function metastoreEnv(a: { postgresHost: pulumi.Input<string>; postgresSecretName: string; s3: { endpoint: pulumi.Input<string>; region: string } }): k8s.types.input.core.v1.EnvVar[] {
  const E = METASTORE_SERVER_ENV;
  const db: PostgresDatabase = "metastore";
  return [
    ...plainEnv({ [E.port]: "9083", [E.dbUser]: db, [ENV.s3Region]: a.s3.region }),
    { name: E.jdbcUrl, value: pulumi.output(a.postgresHost).apply((host) => jdbcUrl(host, POSTGRES_PORT, db)) },
    { name: ENV.s3Endpoint, value: a.s3.endpoint },
    ...secretEnv(a.postgresSecretName, { [E.dbPassword]: `${db}-password` }),
  ];
}

export interface MetastoreArgs {
  /** Namespace of the metastore and its PostgreSQL. */
  namespace: pulumi.Input<string>;
  /** app.kubernetes.io/instance of its labels (the stack name). */
  instance: string;
  /** Hive 3.1.3 image with the PostgreSQL driver and hadoop-aws jars (built from metastore/Dockerfile). */
  image: pulumi.Input<string>;
  /** Version label of the image (its tag). */
  version: string;
  /** PostgreSQL, passwords included. */
  postgres: Omit<PostgresArgs, "namespace" | "instance">;
  /** The metastore's resources (its schema init container's too). */
  size: Size;
  /** The object store: S3 endpoint, signing region, and the Secret with the `metastore` identity's keys (envFrom). */
  s3: { endpoint: pulumi.Input<string>; region: string; secretName: string };
  /** Resources that must be ready first (the object store's provisioning Job: its identity and buckets). */
  dependsOn?: pulumi.Resource[];
}

export class Metastore extends pulumi.ComponentResource {
  /** thrift://host:9083, for LAKEHOUSE_METASTORE_URI. */
  readonly uri: pulumi.Output<string>;
  readonly postgresHost: pulumi.Output<string>;
  readonly postgresSecretName: string;
  readonly supersetDbPassword: pulumi.Output<string>;

  constructor(name: string, args: MetastoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:catalog:Metastore", name, {}, opts);
    const p = { parent: this };
    const pg = postgres(`${name}-postgres`, { ...args.postgres, namespace: args.namespace, instance: args.instance }, this);
    this.postgresHost = pg.host;
    this.postgresSecretName = pg.secretName;
    this.supersetDbPassword = pulumi.output(pg.passwords.superset);
    const l = labels({ name: "hive-metastore", instance: args.instance, component: "catalog", version: args.version });
    const sel = selectorLabels({ name: "hive-metastore", instance: args.instance });
    const conf = new k8s.core.v1.ConfigMap(`${name}-conf`, {
      metadata: { name: `${name}-conf`, namespace: args.namespace, labels: l },
      data: { "metastore-site.xml": readRepoFile(SITE_FILE) },
    }, p);
    const env = metastoreEnv({ postgresHost: pg.host, postgresSecretName: pg.secretName, s3: args.s3 });
    const confMount = { name: "conf", mountPath: `${CONF_DIR}/metastore-site.xml`, subPath: "metastore-site.xml", readOnly: true };
    const deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { name, namespace: args.namespace, labels: l },
      spec: {
        replicas: 1,
        selector: { matchLabels: sel },
        template: {
          metadata: { labels: { ...l, ...S3_CLIENT_LABEL, ...POSTGRES_CLIENT_LABEL } },
          spec: {
            securityContext: podSecurity(HIVE_UID),
            initContainers: [{
              name: "init-schema", image: args.image, command: schemaInitCommand(), env,
              resources: resources(args.size), securityContext: restricted(HIVE_UID),
            }],
            containers: [{
              name: "metastore",
              image: args.image,
              command: serverCommand(),
              env,
              envFrom: [{ secretRef: { name: args.s3.secretName } }],
              ports: [{ name: "thrift", containerPort: 9083 }],
              readinessProbe: tcpProbe(9083, 15),
              livenessProbe: tcpProbe(9083, 60),
              resources: resources(args.size),
              securityContext: restricted(HIVE_UID),
              volumeMounts: [confMount],
            }],
            volumes: [{ name: "conf", configMap: { name: conf.metadata.name } }],
          },
        },
      },
    }, { parent: this, dependsOn: [pg.statefulSet, ...(args.dependsOn ?? [])] });
    const svc = new k8s.core.v1.Service(name, {
      metadata: { name, namespace: args.namespace, labels: l },
      spec: { selector: sel, ports: [{ name: "thrift", port: 9083, targetPort: "thrift" }] },
    }, { parent: this, dependsOn: [deployment] });
    new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, {
      metadata: { name: `${name}-ingress`, namespace: args.namespace, labels: l },
      spec: {
        podSelector: { matchLabels: sel },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: METASTORE_CLIENT_LABEL } }], ports: [{ port: 9083, protocol: "TCP" }] }],
      },
    }, p);
    this.uri = pulumi.interpolate`thrift://${svc.metadata.name}.${args.namespace}.svc:9083`;
    this.registerOutputs({ uri: this.uri, postgresHost: this.postgresHost });
  }
}
