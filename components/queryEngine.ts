/**
 * QueryEngine: Trino coordinator and workers with the repository's catalogs (trino/catalog),
 * server settings (trino/etc), access rules (trino/rules.json), TLS for password logins,
 * and a Job that creates the layer schemas (trino/init/schemas.sql).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Size } from "./config";
import { configMapData, readRepoFile, readRepoFiles } from "./files";
import { labels, selectorLabels, versionLabel } from "./labels";
import { METASTORE_CLIENT_LABEL } from "./metastore";
import { S3_CLIENT_LABEL } from "./objectStore";
import { trinoSecretProblems } from "./stackSecrets";
import * as tc from "./trinoConfig";
import { HTTP_PORT, HTTPS_PORT, internalPolicySpec, schemasJobSpec, TRINO_NODE_LABEL, trinoEnv, trinoPodSpec } from "./trinoPods";

export { HTTPS_PORT, TRINO_UID } from "./trinoPods";

export interface QueryEngineArgs {
  /** Namespace of Trino, its Services, Secrets, ConfigMaps and schemas Job; part of the certificate's name. */
  namespace: string;
  /** app.kubernetes.io/instance of its labels (the stack name). */
  instance: string;
  /** The project's lakehouse-trino, or the stack's trinoImage (trinodb/trino's layout). */
  image: pulumi.Input<string>;
  /** Version label of the image (required when it is not a plain reference). */
  version?: string;
  /** Worker replicas (an integer >= 0; 0: the coordinator does the work alone). 1 GB of query memory each (src/lib/trinoServer.ts). */
  workers: number;
  /** The coordinator's resources; its heap is 70% of the memory (trinoConfig.ts HEAP_SHARE). */
  coordinatorSize: Size;
  /** Each worker's resources (unused with 0 workers). */
  workerSize: Size;
  /** The schemas Job's resources. */
  jobSize: Size;
  /** true: HTTPS on NodePort 30443 (kind maps it to localhost); false: a ClusterIP Service only. */
  nodePort: boolean;
  /** The object store: S3 endpoint, signing region, and the Secret with the `trino` identity's keys (envFrom). */
  s3: { endpoint: pulumi.Input<string>; region: string; secretName: string };
  /** thrift://host:9083 of the Metastore (both catalogs). */
  metastoreUri: pulumi.Input<string>;
  /**
   * Stack secrets: each user's password and its bcrypt hash, the internal shared secret, and the
   * TLS key and self-signed certificate for <name>.<namespace>.svc (checked before use).
   */
  secrets: {
    passwords: Record<tc.TrinoUser, pulumi.Input<string>>;
    passwordHashes: Record<tc.TrinoUser, pulumi.Input<string>>;
    internalSecret: pulumi.Input<string>;
    tlsKey: pulumi.Input<string>;
    tlsCert: pulumi.Input<string>;
  };
  /** Resources that must be ready first (the metastore, the object store's provisioning Job). */
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
    const base = (role: string) => labels({ name: "trino", instance: a.instance, component: `query-${role}`, version: versionLabel(a.image, a.version, "QueryEngine") });
    const sel = (role: string) => ({ ...selectorLabels({ name: `trino-${role}`, instance: a.instance }) });
    const sec = a.secrets;
    this.adminPassword = pulumi.output(sec.passwords.admin);
    // The certificate and hashes were made by `lakehouse deploy init`: check they still fit this
    // deployment (the namespace may have changed since) before Trino gets them.
    const passwordDb = pulumi.all([sec.tlsKey, sec.tlsCert, pulumi.all(sec.passwords), pulumi.all(sec.passwordHashes)]).apply(([tlsKey, tlsCert, passwords, passwordHashes]) => {
      const problems = trinoSecretProblems({ tlsKey, tlsCert, passwords, passwordHashes }, this.host);
      for (const w of problems.warnings) pulumi.log.warn(w, this);
      if (problems.errors.length) throw new Error(`QueryEngine ${name}: the stack's Trino secrets do not fit:\n  - ${problems.errors.join("\n  - ")}`);
      return tc.passwordFile(passwordHashes);
    });
    this.usersSecretName = `${name}-users`;
    new k8s.core.v1.Secret(this.usersSecretName, {
      metadata: { name: this.usersSecretName, namespace: ns, labels: base("coordinator") },
      stringData: Object.fromEntries(tc.TRINO_USERS.map((u) => [`${u}-password`, sec.passwords[u]])),
    }, p);
    new k8s.core.v1.Secret(`${name}-server`, {
      metadata: { name: `${name}-server`, namespace: ns, labels: base("coordinator") },
      stringData: {
        "password.db": passwordDb,
        "keystore.pem": pulumi.interpolate`${sec.tlsKey}${sec.tlsCert}`,
        "internal-shared-secret": sec.internalSecret,
      },
    }, p);
    this.caConfigMapName = `${name}-ca`;
    // The certificate is public: the ConfigMap holds it in plain text for the clients to trust.
    new k8s.core.v1.ConfigMap(this.caConfigMapName, { metadata: { name: this.caConfigMapName, namespace: ns, labels: base("coordinator") }, data: { "cert.pem": pulumi.unsecret(pulumi.output(sec.tlsCert)) } }, p);
    const files = readRepoFiles(Object.values(tc.COORDINATOR_FILES));
    const cm = (id: string, data: Record<string, string>) => new k8s.core.v1.ConfigMap(`${name}-${id}`, { metadata: { name: `${name}-${id}`, namespace: ns, labels: base(id) }, data }, p);
    cm("catalog", configMapData(readRepoFiles(tc.CATALOG_FILES)));
    const schemasSql = cm("schemas", { "schemas.sql": readRepoFile(tc.SCHEMAS_FILE) });
    const deployment = (role: tc.TrinoRole, replicas: number, size: Size) => {
      const etcMap = cm(`${role}-etc`, tc.etcData(role, files, size.memory, a.instance));
      const env = trinoEnv({ name, namespace: ns, role, workers: a.workers, memoryLimit: size.memory, s3: a.s3, metastoreUri: a.metastoreUri });
      const l = { ...base(role), ...sel(role) };
      return new k8s.apps.v1.Deployment(`${name}-${role}`, {
        metadata: { name: `${name}-${role}`, namespace: ns, labels: l },
        spec: {
          replicas,
          selector: { matchLabels: sel(role) },
          template: {
            metadata: { labels: { ...l, ...S3_CLIENT_LABEL, ...METASTORE_CLIENT_LABEL, ...TRINO_NODE_LABEL } },
            spec: trinoPodSpec({ name, role, image: a.image, env, s3SecretName: a.s3.secretName, size, etcConfigMap: etcMap.metadata.name }),
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
    svc(`${name}-internal`, [{ name: "http", port: HTTP_PORT, targetPort: "http" }], false);
    new k8s.networking.v1.NetworkPolicy(`${name}-internal`, { metadata: { name: `${name}-internal`, namespace: ns, labels: base("coordinator") }, spec: internalPolicySpec() }, p);
    new SchemasJob(`${name}-schemas`, {
      namespace: ns, labels: base("init"),
      spec: schemasJobSpec({ image: a.image, host: this.host, usersSecretName: this.usersSecretName, caConfigMapName: this.caConfigMapName, sqlConfigMapName: schemasSql.metadata.name, size: a.jobSize, labels: base("init") }),
    }, { parent: this, dependsOn: [coordinator] });
    this.registerOutputs({ host: this.host, port: this.port, adminPassword: this.adminPassword });
  }
}

/** Creates the layer schemas (trino/init/schemas.sql) once the coordinator is up; safe to rerun. */
class SchemasJob extends pulumi.ComponentResource {
  constructor(id: string, x: { namespace: string; labels: Record<string, string>; spec: k8s.types.input.batch.v1.JobSpec }, opts: pulumi.ComponentResourceOptions) {
    super("lakehouse:query:SchemasJob", id, {}, opts);
    new k8s.batch.v1.Job(id, { metadata: { name: id, namespace: x.namespace, labels: x.labels }, spec: x.spec }, { parent: this });
    this.registerOutputs({});
  }
}
