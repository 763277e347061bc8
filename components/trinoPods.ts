/**
 * Trino's Kubernetes specs as plain functions: the server environment, the pod of a
 * coordinator or worker (etc from a ConfigMap, secrets projected beside it), the internal
 * NetworkPolicy and the Job that creates the layer schemas. QueryEngine composes them.
 */
import path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { ENV } from "../src/lib/connection";
import { TRINO_SERVER_ENV } from "../src/lib/trinoServer";
import type { Size } from "./config";
import { httpProbe, plainEnv, podSecurity, resources, restricted, secretEnv } from "./k8s";
import { CATALOG_FILES, clusterQueryMemory, type TrinoRole } from "./trinoConfig";

export const TRINO_UID = 1000;
export const HTTP_PORT = 8080;
export const HTTPS_PORT = 8443;
/** Label of every Trino node: only they may reach each other's HTTP port. */
export const TRINO_NODE_LABEL = { "lakehouse.io/trino-node": "true" };

export interface TrinoEnvArgs {
  /** The QueryEngine's name: Services `<name>` (HTTPS) and `<name>-internal` (HTTP), Secret `<name>-server`. */
  name: string;
  /** Namespace of those Services (the discovery URI names it). */
  namespace: string;
  /** coordinator or worker (a worker's query.max-memory stays 1GB; the coordinator's follows `workers`). */
  role: TrinoRole;
  /** Worker replicas (>= 0): the cluster's query memory limit is 1 GB each, at least 1 GB. */
  workers: number;
  /** The container's memory limit, a Kubernetes quantity: the heap is 70% of it, query memory per node half the heap. */
  memoryLimit: string;
  /** The object store's endpoint and signing region (the keys come from the identity's Secret, envFrom). */
  s3: { endpoint: pulumi.Input<string>; region: string };
  /** thrift://host:9083 of the Metastore. */
  metastoreUri: pulumi.Input<string>;
}

/** What trino/etc and trino/catalog read through ${ENV:…}; the shared secret by reference. */
export function trinoEnv(a: TrinoEnvArgs): k8s.types.input.core.v1.EnvVar[] {
  const E = TRINO_SERVER_ENV;
  const memory = clusterQueryMemory(a.memoryLimit, a.workers);
  return [
    ...plainEnv({
      [E.httpPort]: String(HTTP_PORT), [E.httpsPort]: String(HTTPS_PORT), [E.discoveryUri]: `http://${a.name}-internal.${a.namespace}.svc:${HTTP_PORT}`,
      [E.tlsKeystore]: "/etc/trino/secrets/keystore.pem", [E.passwordFile]: "/etc/trino/secrets/password.db",
      // query.max-memory is a limit across the cluster, which the coordinator keeps; workers keep the 1GB they always had.
      [E.accessRules]: "/etc/trino/rules.json", [E.queryMaxMemory]: a.role === "coordinator" ? memory.maxMemory : "1GB",
      [E.queryMaxMemoryPerNode]: memory.maxMemoryPerNode, [ENV.s3Region]: a.s3.region,
    }),
    { name: ENV.s3Endpoint, value: a.s3.endpoint },
    { name: ENV.metastoreUri, value: a.metastoreUri },
    ...secretEnv(`${a.name}-server`, { [E.internalSharedSecret]: "internal-shared-secret" }),
  ];
}

export interface TrinoPodArgs {
  /** The QueryEngine's name: ConfigMap `<name>-catalog`, Secret `<name>-server`. */
  name: string;
  /** coordinator (HTTP and HTTPS ports) or worker (HTTP only). */
  role: TrinoRole;
  /** The project's lakehouse-trino, or an image with trinodb/trino's layout. */
  image: pulumi.Input<string>;
  /** The server's environment (trinoEnv). */
  env: k8s.types.input.core.v1.EnvVar[];
  /** Secret with the S3 identity's keys (envFrom). */
  s3SecretName: string;
  /** The node's resources. */
  size: Size;
  /** The role's etc ConfigMap (etcData). */
  etcConfigMap: pulumi.Input<string>;
}

/** /etc/trino = the role's etc files + catalog/ + secrets/ (password file, TLS keystore), read-only. */
export function trinoPodSpec(a: TrinoPodArgs): k8s.types.input.core.v1.PodSpec {
  return {
    securityContext: podSecurity(TRINO_UID),
    containers: [{
      name: "trino", image: a.image, env: a.env, envFrom: [{ secretRef: { name: a.s3SecretName } }],
      ports: [{ name: "http", containerPort: HTTP_PORT }, ...(a.role === "coordinator" ? [{ name: "https", containerPort: HTTPS_PORT }] : [])],
      readinessProbe: httpProbe("/v1/info", "http", "HTTP", 20), livenessProbe: httpProbe("/v1/info", "http", "HTTP", 60),
      resources: resources(a.size), securityContext: restricted(TRINO_UID),
      volumeMounts: [
        { name: "etc", mountPath: "/etc/trino", readOnly: true },
        { name: "data", mountPath: "/data/trino" },
      ],
    }],
    volumes: [
      { name: "etc", projected: { sources: [
        { configMap: { name: a.etcConfigMap } },
        { configMap: { name: `${a.name}-catalog`, items: CATALOG_FILES.map((f) => ({ key: path.basename(f), path: `catalog/${path.basename(f)}` })) } },
        { secret: { name: `${a.name}-server`, items: ["password.db", "keystore.pem"].map((k) => ({ key: k, path: `secrets/${k}` })) } },
      ], defaultMode: 0o440 } },
      { name: "data", emptyDir: {} },
    ],
  };
}

/** Node-to-node HTTP only between Trino nodes; the HTTPS port (password logins) from anywhere. */
export function internalPolicySpec(): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: TRINO_NODE_LABEL },
    policyTypes: ["Ingress"],
    ingress: [
      { from: [{ podSelector: { matchLabels: TRINO_NODE_LABEL } }], ports: [{ port: HTTP_PORT, protocol: "TCP" }] },
      { ports: [{ port: HTTPS_PORT, protocol: "TCP" }] },
    ],
  };
}

export interface SchemasJobArgs {
  /** An image with Trino's CLI (`trino`): the Trino image. */
  image: pulumi.Input<string>;
  /** Trino's HTTPS host (the certificate's name). */
  host: string;
  /** Secret with <user>-password keys: the Job logs in as admin. */
  usersSecretName: string;
  /** ConfigMap with Trino's CA under cert.pem (the CLI's truststore). */
  caConfigMapName: string;
  /** ConfigMap with schemas.sql (trino/init/schemas.sql). */
  sqlConfigMapName: pulumi.Input<string>;
  /** The Job's resources. */
  size: Size;
  /** The Job's and its pod's labels. */
  labels: Record<string, string>;
}

/** Trino's CLI as admin over TLS runs schemas.sql; the SQL is idempotent, so the Job may rerun. */
export function schemasJobSpec(a: SchemasJobArgs): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 6, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400,
    template: {
      metadata: { labels: a.labels },
      spec: {
        restartPolicy: "OnFailure", securityContext: podSecurity(TRINO_UID),
        containers: [{
          name: "schemas", image: a.image,
          command: ["trino", `--server=https://${a.host}:${HTTPS_PORT}`, "--user=admin", "--password", "--truststore-path=/ca/cert.pem", "--file=/init/schemas.sql"],
          env: secretEnv(a.usersSecretName, { TRINO_PASSWORD: "admin-password" }),
          resources: resources(a.size), securityContext: restricted(TRINO_UID),
          volumeMounts: [{ name: "sql", mountPath: "/init", readOnly: true }, { name: "ca", mountPath: "/ca", readOnly: true }],
        }],
        volumes: [{ name: "sql", configMap: { name: a.sqlConfigMapName } }, { name: "ca", configMap: { name: a.caConfigMapName } }],
      },
    },
  };
}
