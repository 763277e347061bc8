/**
 * QueryEngine: Trino coordinator and workers with the repository's catalogs (trino/catalog),
 * server settings (trino/etc), access rules (trino/rules.json), TLS for password logins,
 * and a Job that creates the layer schemas (trino/init/schemas.sql).
 */
import path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import type { Size } from "./config";
import { configMapData, readRepoFile, readRepoFiles } from "./files";
import { httpProbe, plainEnv, podSecurity, resources, restricted, secretEnv } from "./k8s";
import { imageVersion, labels, selectorLabels } from "./labels";
import { METASTORE_CLIENT_LABEL } from "./metastore";
import { S3_CLIENT_LABEL } from "./objectStore";
import * as tc from "./trinoConfig";

export const TRINO_UID = 1000;
export const HTTPS_PORT = 8443;

export interface QueryEngineArgs {
  namespace: string;
  instance: string;
  image: string;
  workers: number;
  coordinatorSize: Size;
  workerSize: Size;
  jobSize: Size;
  nodePort: boolean;
  s3: { endpoint: pulumi.Input<string>; region: string; secretName: string };
  metastoreUri: pulumi.Input<string>;
  /** Resources that must be ready first (the metastore). */
  dependsOn?: pulumi.Resource[];
}

export class QueryEngine extends pulumi.ComponentResource {
  readonly host: string;
  readonly port = HTTPS_PORT;
  /** Secret with <user>-password for each Trino user. */
  readonly usersSecretName: string;
  /** ConfigMap with cert.pem, the CA clients trust (LAKEHOUSE_TRINO_TLS_CA). */
  readonly caConfigMapName: string;
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, a: QueryEngineArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:query:QueryEngine", name, {}, opts);
    if (!Number.isInteger(a.workers) || a.workers < 0) throw new Error(`QueryEngine: workers must be an integer >= 0 (got ${a.workers})`);
    const p = { parent: this };
    const ns = a.namespace;
    this.host = `${name}.${ns}.svc`;
    const base = (role: string) => labels({ name: "trino", instance: a.instance, component: `query-${role}`, version: imageVersion(a.image) });
    const sel = (role: string) => ({ ...selectorLabels({ name: `trino-${role}`, instance: a.instance }) });
    const pw = Object.fromEntries(tc.TRINO_USERS.map((u) => [u, new random.RandomPassword(`${name}-${u}`, { length: 24, special: false }, p)])) as Record<tc.TrinoUser, random.RandomPassword>;
    this.adminPassword = pw.admin.result;
    const shared = new random.RandomPassword(`${name}-internal`, { length: 64, special: false }, p);
    const key = new tls.PrivateKey(`${name}-tls`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, p);
    const cert = new tls.SelfSignedCert(`${name}-tls`, {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: this.host, organization: "lakehouse" },
      dnsNames: [name, `${name}.${ns}`, this.host, `${this.host}.cluster.local`, "localhost"],
      validityPeriodHours: 24 * 365, earlyRenewalHours: 24 * 30,
      allowedUses: ["key_encipherment", "digital_signature", "server_auth"],
    }, p);
    this.usersSecretName = `${name}-users`;
    new k8s.core.v1.Secret(this.usersSecretName, {
      metadata: { name: this.usersSecretName, namespace: ns, labels: base("coordinator") },
      stringData: Object.fromEntries(tc.TRINO_USERS.map((u) => [`${u}-password`, pw[u].result])),
    }, p);
    new k8s.core.v1.Secret(`${name}-server`, {
      metadata: { name: `${name}-server`, namespace: ns, labels: base("coordinator") },
      stringData: {
        "password.db": pulumi.all(tc.TRINO_USERS.map((u) => pw[u].bcryptHash)).apply((h) => tc.passwordFile(Object.fromEntries(tc.TRINO_USERS.map((u, i) => [u, h[i]])))),
        "keystore.pem": pulumi.interpolate`${key.privateKeyPem}${cert.certPem}`,
        "internal-shared-secret": shared.result,
      },
    }, p);
    this.caConfigMapName = `${name}-ca`;
    new k8s.core.v1.ConfigMap(this.caConfigMapName, { metadata: { name: this.caConfigMapName, namespace: ns, labels: base("coordinator") }, data: { "cert.pem": cert.certPem } }, p);
    const files = readRepoFiles(Object.values(tc.COORDINATOR_FILES));
    const cm = (id: string, data: Record<string, string>) => new k8s.core.v1.ConfigMap(`${name}-${id}`, { metadata: { name: `${name}-${id}`, namespace: ns, labels: base(id) }, data }, p);
    cm("catalog", configMapData(readRepoFiles(tc.CATALOG_FILES)));
    cm("schemas", { "schemas.sql": readRepoFile(tc.SCHEMAS_FILE) });
    const etc = (role: "coordinator" | "worker", size: Size) => {
      const data: Record<string, string> = Object.fromEntries(Object.entries(tc.COORDINATOR_FILES).map(([k, rel]) => [k, files[rel]]));
      data["jvm.config"] = tc.jvmConfig(files[tc.COORDINATOR_FILES["jvm.config"]], size.memory);
      data["node.properties"] = tc.nodeProperties(a.instance);
      if (role === "worker") {
        data["config.properties"] = tc.workerConfig(data["config.properties"]);
        for (const k of ["password-authenticator.properties", "access-control.properties", "rules.json"]) delete data[k];
      }
      return cm(`${role}-etc`, data);
    };
    const deployment = (role: "coordinator" | "worker", replicas: number, size: Size) => {
      const etcMap = etc(role, size);
      const env = [
        ...plainEnv({
          TRINO_HTTP_PORT: "8080", TRINO_HTTPS_PORT: String(HTTPS_PORT), TRINO_DISCOVERY_URI: `http://${name}-internal.${ns}.svc:8080`,
          TRINO_TLS_KEYSTORE: "/etc/trino/secrets/keystore.pem", TRINO_PASSWORD_FILE: "/etc/trino/secrets/password.db",
          TRINO_ACCESS_RULES: "/etc/trino/rules.json", TRINO_QUERY_MAX_MEMORY: role === "coordinator" ? `${Math.max(1, a.workers)}GB` : "1GB",
          TRINO_QUERY_MAX_MEMORY_PER_NODE: tc.perNodeQueryMemory(size.memory), LAKEHOUSE_S3_REGION: a.s3.region,
        }),
        { name: "LAKEHOUSE_S3_ENDPOINT", value: a.s3.endpoint },
        { name: "LAKEHOUSE_METASTORE_URI", value: a.metastoreUri },
        ...secretEnv(`${name}-server`, { TRINO_INTERNAL_SHARED_SECRET: "internal-shared-secret" }),
      ];
      const l = { ...base(role), ...sel(role) };
      return new k8s.apps.v1.Deployment(`${name}-${role}`, {
        metadata: { name: `${name}-${role}`, namespace: ns, labels: l },
        spec: {
          replicas,
          selector: { matchLabels: sel(role) },
          template: {
            metadata: { labels: { ...l, ...S3_CLIENT_LABEL, ...METASTORE_CLIENT_LABEL, "lakehouse.io/trino-node": "true" } },
            spec: {
              securityContext: podSecurity(TRINO_UID),
              containers: [{
                name: "trino", image: a.image, env, envFrom: [{ secretRef: { name: a.s3.secretName } }],
                ports: [{ name: "http", containerPort: 8080 }, ...(role === "coordinator" ? [{ name: "https", containerPort: HTTPS_PORT }] : [])],
                readinessProbe: httpProbe("/v1/info", "http", "HTTP", 20), livenessProbe: httpProbe("/v1/info", "http", "HTTP", 60),
                resources: resources(size), securityContext: restricted(TRINO_UID),
                volumeMounts: [
                  { name: "etc", mountPath: "/etc/trino", readOnly: true },
                  { name: "data", mountPath: "/data/trino" },
                ],
              }],
              volumes: [
                { name: "etc", projected: { sources: [
                  { configMap: { name: etcMap.metadata.name } },
                  { configMap: { name: `${name}-catalog`, items: tc.CATALOG_FILES.map((f) => ({ key: path.basename(f), path: `catalog/${path.basename(f)}` })) } },
                  { secret: { name: `${name}-server`, items: ["password.db", "keystore.pem"].map((k) => ({ key: k, path: `secrets/${k}` })) } },
                ], defaultMode: 0o440 } },
                { name: "data", emptyDir: {} },
              ],
            },
          },
        },
      }, { parent: this, dependsOn: a.dependsOn });
    };
    const coordinator = deployment("coordinator", 1, a.coordinatorSize);
    if (a.workers > 0) deployment("worker", a.workers, a.workerSize);
    const svc = (svcName: string, ports: k8s.types.input.core.v1.ServicePort[], nodePort: boolean) => new k8s.core.v1.Service(svcName, {
      metadata: { name: svcName, namespace: ns, labels: base("coordinator") },
      spec: { type: nodePort ? "NodePort" : "ClusterIP", selector: sel("coordinator"), ports },
    }, p);
    svc(name, [{ name: "https", port: HTTPS_PORT, targetPort: "https", ...(a.nodePort ? { nodePort: 30443 } : {}) }], a.nodePort);
    svc(`${name}-internal`, [{ name: "http", port: 8080, targetPort: "http" }], false);
    new k8s.networking.v1.NetworkPolicy(`${name}-internal`, {
      metadata: { name: `${name}-internal`, namespace: ns, labels: base("coordinator") },
      spec: {
        podSelector: { matchLabels: { "lakehouse.io/trino-node": "true" } },
        policyTypes: ["Ingress"],
        ingress: [
          { from: [{ podSelector: { matchLabels: { "lakehouse.io/trino-node": "true" } } }], ports: [{ port: 8080, protocol: "TCP" }] },
          { ports: [{ port: HTTPS_PORT, protocol: "TCP" }] },
        ],
      },
    }, p);
    new SchemasJob(`${name}-schemas`, { engine: this, name, ns, a, base: base("init") }, { parent: this, dependsOn: [coordinator] });
    this.registerOutputs({ host: this.host, port: this.port, adminPassword: this.adminPassword });
  }
}

/** Creates the layer schemas with Trino's CLI as admin; the SQL is idempotent, so the Job may rerun. */
class SchemasJob extends pulumi.ComponentResource {
  constructor(id: string, x: { engine: QueryEngine; name: string; ns: string; a: QueryEngineArgs; base: Record<string, string> }, opts: pulumi.ComponentResourceOptions) {
    super("lakehouse:query:SchemasJob", id, {}, opts);
    new k8s.batch.v1.Job(id, {
      metadata: { name: id, namespace: x.ns, labels: x.base },
      spec: {
        backoffLimit: 6, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400,
        template: {
          metadata: { labels: x.base },
          spec: {
            restartPolicy: "OnFailure", securityContext: podSecurity(TRINO_UID),
            containers: [{
              name: "schemas", image: x.a.image,
              command: ["trino", `--server=https://${x.engine.host}:${HTTPS_PORT}`, "--user=admin", "--password", "--truststore-path=/ca/cert.pem", "--file=/init/schemas.sql"],
              env: secretEnv(x.engine.usersSecretName, { TRINO_PASSWORD: "admin-password" }),
              resources: resources(x.a.jobSize), securityContext: restricted(TRINO_UID),
              volumeMounts: [{ name: "sql", mountPath: "/init", readOnly: true }, { name: "ca", mountPath: "/ca", readOnly: true }],
            }],
            volumes: [{ name: "sql", configMap: { name: `${x.name}-schemas` } }, { name: "ca", configMap: { name: x.engine.caConfigMapName } }],
          },
        },
      },
    }, { parent: this });
    this.registerOutputs({});
  }
}
