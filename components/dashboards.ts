/**
 * Dashboards: Superset with its metadata in PostgreSQL, configured by the repository's
 * superset/superset_config.py, a migrate/init Job, and an asset-import Job that can run again:
 * `lakehouse dashboards import --from-env` (the local stack's REST import, overwrite by UUID)
 * on superset/assets mounted from a ConfigMap (./supersetImport.ts).
 * Superset gets no S3 credentials: it reads gold through Trino as the read-only `dashboard` user.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { supersetDatabaseUri } from "../src/lib/metadataDb";
import type { Size } from "./config";
import { readRepoFile } from "./files";
import { httpProbe, plainEnv, podSecurity, resources, restricted } from "./k8s";
import { labels, selectorLabels } from "./labels";
import { POSTGRES_CLIENT_LABEL, POSTGRES_PORT } from "./postgres";
import * as imp from "./supersetImport";

export const SUPERSET_UID = 1000;
export const CONFIG_FILE = "superset/superset_config.py";
export const ADMIN_USER = "admin";
/** Where Superset's pods mount the Trino CA (ConfigMap key cert.pem). */
export const TRINO_CA_DIR = "/app/lakehouse/trino-ca";

export interface DashboardsArgs {
  /** Namespace of Superset, its Jobs, Secret and ConfigMaps. */
  namespace: string;
  /** app.kubernetes.io/instance of its labels (the stack name). */
  instance: string;
  /** Superset 6.1 image with the trino driver (built from superset/). */
  image: pulumi.Input<string>;
  /** Image with Node and this repository (the ingestion image): runs the asset-import Job. */
  cliImage: pulumi.Input<string>;
  /** Version label of the image (its tag). */
  version: string;
  /** Superset's resources. */
  size: Size;
  /** The init and asset-import Jobs' resources. */
  jobSize: Size;
  /** true: Superset on NodePort 30088 (kind maps it to localhost); false: a ClusterIP Service only. */
  nodePort: boolean;
  /** PostgreSQL's host and the password of its `superset` role (the Metastore's PostgreSQL). */
  postgres: { host: pulumi.Input<string>; password: pulumi.Input<string> };
  /** Trino as Superset reaches it: HTTPS host and port, the Secret with <user>-password keys, the ConfigMap with its CA (cert.pem). */
  trino: { host: string; port: number; usersSecretName: string; caConfigMapName: string };
  /** SECRET_KEY and the admin's password (stack secrets supersetSecretKey, supersetAdminPassword). */
  secrets: { secretKey: pulumi.Input<string>; adminPassword: pulumi.Input<string> };
  /** Resources the init Job waits for (the metastore's PostgreSQL, Trino). None by default. */
  dependsOn?: pulumi.Resource[];
}

/** Where the pod keeps Superset's cache of chart data (an emptyDir: it is rebuilt from Trino after a restart). */
const CACHE_DIR = "/app/lakehouse/cache";

/** Superset's metadata database in the cluster's PostgreSQL. */
export function databaseUri(host: string, password: string): string {
  return supersetDatabaseUri(host, POSTGRES_PORT, password);
}

/**
 * The step a gold job ends with: Superset's cache of the dashboards it rebuilt dropped and their
 * charts queried again (`lakehouse dashboards refresh-cache --from-env`, from the CLI image, on
 * the captured requests mounted from a ConfigMap).
 */
export interface CacheRefreshStep {
  container: k8s.types.input.core.v1.Container;
  volume: k8s.types.input.core.v1.Volume;
}

export class Dashboards extends pulumi.ComponentResource {
  readonly url: string;
  readonly adminPassword: pulumi.Output<string>;
  readonly cacheRefresh: CacheRefreshStep;

  constructor(name: string, a: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:serving:Dashboards", name, {}, opts);
    const p = { parent: this };
    const ns = a.namespace;
    const l = labels({ name: "superset", instance: a.instance, component: "dashboards", version: a.version });
    const sel = selectorLabels({ name: "superset", instance: a.instance });
    this.adminPassword = pulumi.output(a.secrets.adminPassword);
    const secret = new k8s.core.v1.Secret(name, {
      metadata: { name, namespace: ns, labels: l },
      stringData: {
        SUPERSET_SECRET_KEY: a.secrets.secretKey,
        SUPERSET_DATABASE_URI: pulumi.all([a.postgres.host, a.postgres.password]).apply(([h, pw]) => databaseUri(h, pw)),
        ADMIN_PASSWORD: a.secrets.adminPassword,
      },
    }, p);
    const conf = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: `${name}-config`, namespace: ns, labels: l },
      data: { "superset_config.py": readRepoFile(CONFIG_FILE) },
    }, p);
    const podSpec = (command: string[] | undefined, size: Size): k8s.types.input.core.v1.PodSpec => ({
      securityContext: podSecurity(SUPERSET_UID),
      containers: [{
        name: "superset", image: a.image, ...(command ? { command } : {}),
        envFrom: [{ secretRef: { name: secret.metadata.name } }],
        // The Trino driver (requests) trusts REQUESTS_CA_BUNDLE over its defaults: Trino's certificate is self-signed.
        // SUPERSET_CACHE_DIR: chart data cached for every gunicorn worker at once (superset_config.py).
        env: [...plainEnv({ SUPERSET_CONFIG_PATH: "/app/lakehouse/conf/superset_config.py", REQUESTS_CA_BUNDLE: `${TRINO_CA_DIR}/cert.pem`, SUPERSET_CACHE_DIR: CACHE_DIR })],
        resources: resources(size), securityContext: restricted(SUPERSET_UID),
        volumeMounts: [{ name: "conf", mountPath: "/app/lakehouse/conf", readOnly: true }, { name: "ca", mountPath: TRINO_CA_DIR, readOnly: true }, { name: "cache", mountPath: CACHE_DIR }],
        ...(command ? {} : { ports: [{ name: "http", containerPort: 8088 }], readinessProbe: httpProbe("/health", "http"), livenessProbe: httpProbe("/health", "http", "HTTP", 60) }),
      }],
      volumes: [{ name: "conf", configMap: { name: conf.metadata.name } }, { name: "ca", configMap: { name: a.trino.caConfigMapName } }, { name: "cache", emptyDir: { sizeLimit: "1Gi" } }],
      ...(command ? { restartPolicy: "OnFailure" } : {}),
    });
    const jobMeta = (id: string) => ({ name: `${name}-${id}`, namespace: ns, labels: { ...l, "app.kubernetes.io/component": `dashboards-${id}` } });
    const init = new k8s.batch.v1.Job(`${name}-init`, {
      metadata: jobMeta("init"),
      spec: {
        backoffLimit: 4, activeDeadlineSeconds: 1200, ttlSecondsAfterFinished: 86400,
        template: { metadata: { labels: { ...l, ...POSTGRES_CLIENT_LABEL } }, spec: podSpec(["/bin/sh", "-ec", `superset db upgrade\nsuperset fab create-admin --username ${ADMIN_USER} --firstname Lakehouse --lastname Admin --email admin@localhost --password "$ADMIN_PASSWORD" || true\nsuperset init`], a.jobSize) },
      },
    }, { parent: this, dependsOn: a.dependsOn ?? [] });
    const deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { name, namespace: ns, labels: l },
      spec: { replicas: 1, selector: { matchLabels: sel }, template: { metadata: { labels: { ...l, ...POSTGRES_CLIENT_LABEL } }, spec: podSpec(undefined, a.size) } },
    }, { parent: this, dependsOn: [init] });
    const service = new k8s.core.v1.Service(name, {
      metadata: { name, namespace: ns, labels: l },
      spec: { type: a.nodePort ? "NodePort" : "ClusterIP", selector: sel, ports: [{ name: "http", port: 8088, targetPort: "http", ...(a.nodePort ? { nodePort: 30088 } : {}) }] },
    }, { parent: this, dependsOn: [deployment] });

    // Asset import: idempotent (overwrite by UUID), so retries and reruns are safe; a changed
    // bundle changes the pod template's digest, so `pulumi up` replaces the Job and it runs again.
    const files = imp.assetFiles();
    const vol = imp.assetsVolume(files);
    const digest = { [imp.DIGEST_ANNOTATION]: imp.assetsDigest(files) };
    const assets = new k8s.core.v1.ConfigMap(`${name}-assets`, { metadata: { name: `${name}-assets`, namespace: ns, labels: l, annotations: digest }, data: vol.data }, p);
    new k8s.batch.v1.Job(`${name}-import-assets`, {
      metadata: { ...jobMeta("import-assets"), annotations: digest },
      spec: {
        backoffLimit: 3, activeDeadlineSeconds: 1800, ttlSecondsAfterFinished: 86400,
        template: {
          // Talks to Superset's API only: no PostgreSQL, Trino or S3 labels.
          metadata: { labels: jobMeta("import-assets").labels, annotations: digest },
          spec: {
            restartPolicy: "OnFailure", securityContext: podSecurity(imp.CLI_UID),
            containers: [{
              name: "import-assets", image: a.cliImage, command: imp.importCommand(),
              env: imp.importEnv({
                supersetUrl: `http://${name}.${ns}.svc:8088`, adminUser: ADMIN_USER, supersetSecretName: name,
                trino: a.trino, trinoUser: imp.bundleTrinoUser(files),
              }),
              resources: resources(a.jobSize), securityContext: restricted(imp.CLI_UID),
              volumeMounts: [{ name: "assets", mountPath: imp.ASSETS_MOUNT, readOnly: true }],
            }],
            volumes: [{ name: "assets", configMap: { name: assets.metadata.name, items: vol.items } }],
          },
        },
      },
    }, { parent: this, dependsOn: [deployment, service, secret] });
    const requests = new k8s.core.v1.ConfigMap(`${name}-dashboard-requests`, {
      metadata: { name: `${name}-dashboard-requests`, namespace: ns, labels: l },
      data: { [imp.REQUESTS_KEY]: readRepoFile(imp.REQUESTS_FILE) },
    }, p);
    this.cacheRefresh = {
      container: {
        name: "refresh-dashboards", image: a.cliImage, command: imp.refreshCommand(),
        env: imp.supersetEnv({ supersetUrl: `http://${name}.${ns}.svc:8088`, adminUser: ADMIN_USER, supersetSecretName: name }),
        resources: resources(a.jobSize), securityContext: restricted(imp.CLI_UID),
        volumeMounts: [{ name: "dashboard-requests", mountPath: imp.REQUESTS_MOUNT, readOnly: true }],
      },
      volume: { name: "dashboard-requests", configMap: { name: requests.metadata.name } },
    };
    this.url = a.nodePort ? "http://localhost:30088" : `http://${name}.${ns}.svc:8088`;
    this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
  }
}
