/**
 * Dashboards: Superset with its metadata in PostgreSQL, configured by the repository's
 * superset/superset_config.py, a migrate/init Job, and an asset-import Job that can run again
 * (the assets from superset/assets are in the image; --overwrite-free import replaces by UUID).
 * Superset gets no S3 credentials: it reads gold through Trino as the read-only `dashboard` user.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Size } from "./config";
import { readRepoFile } from "./files";
import { httpProbe, plainEnv, podSecurity, resources, restricted, secretEnv } from "./k8s";
import { labels, selectorLabels } from "./labels";
import { POSTGRES_CLIENT_LABEL } from "./postgres";

export const SUPERSET_UID = 1000;
export const CONFIG_FILE = "superset/superset_config.py";
/** Where the Superset image keeps the asset bundle zipped from superset/assets at build time. */
export const ASSET_BUNDLE = "/app/lakehouse/assets.zip";

export interface DashboardsArgs {
  namespace: string;
  instance: string;
  /** Superset 6.1 image with the trino driver and the asset bundle (built from superset/). */
  image: pulumi.Input<string>;
  /** Version label of the image (its tag). */
  version: string;
  size: Size;
  jobSize: Size;
  nodePort: boolean;
  postgres: { host: pulumi.Input<string>; password: pulumi.Input<string> };
  trino: { host: string; port: number; usersSecretName: string; caConfigMapName: string };
  dependsOn?: pulumi.Resource[];
}

export function databaseUri(host: string, password: string): string {
  return `postgresql+psycopg2://superset:${encodeURIComponent(password)}@${host}:5432/superset`;
}

export class Dashboards extends pulumi.ComponentResource {
  readonly url: string;
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, a: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:serving:Dashboards", name, {}, opts);
    const p = { parent: this };
    const ns = a.namespace;
    const l = labels({ name: "superset", instance: a.instance, component: "dashboards", version: a.version });
    const sel = selectorLabels({ name: "superset", instance: a.instance });
    const secretKey = new random.RandomPassword(`${name}-secret-key`, { length: 64, special: false }, p);
    const admin = new random.RandomPassword(`${name}-admin`, { length: 20, special: false }, p);
    this.adminPassword = admin.result;
    const secret = new k8s.core.v1.Secret(name, {
      metadata: { name, namespace: ns, labels: l },
      stringData: {
        SUPERSET_SECRET_KEY: secretKey.result,
        SUPERSET_DATABASE_URI: pulumi.all([a.postgres.host, a.postgres.password]).apply(([h, pw]) => databaseUri(h, pw)),
        ADMIN_PASSWORD: admin.result,
      },
    }, p);
    const conf = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { name: `${name}-config`, namespace: ns, labels: l },
      data: { "superset_config.py": readRepoFile(CONFIG_FILE) },
    }, p);
    const podSpec = (command: string[] | undefined, size: Size, extraEnv: k8s.types.input.core.v1.EnvVar[] = []): k8s.types.input.core.v1.PodSpec => ({
      securityContext: podSecurity(SUPERSET_UID),
      containers: [{
        name: "superset", image: a.image, ...(command ? { command } : {}),
        envFrom: [{ secretRef: { name: secret.metadata.name } }],
        env: [...plainEnv({ SUPERSET_CONFIG_PATH: "/app/lakehouse/conf/superset_config.py" }), ...extraEnv],
        resources: resources(size), securityContext: restricted(SUPERSET_UID),
        volumeMounts: [{ name: "conf", mountPath: "/app/lakehouse/conf", readOnly: true }, { name: "ca", mountPath: "/app/lakehouse/trino-ca", readOnly: true }],
        ...(command ? {} : { ports: [{ name: "http", containerPort: 8088 }], readinessProbe: httpProbe("/health", "http"), livenessProbe: httpProbe("/health", "http", "HTTP", 60) }),
      }],
      volumes: [{ name: "conf", configMap: { name: conf.metadata.name } }, { name: "ca", configMap: { name: a.trino.caConfigMapName } }],
      ...(command ? { restartPolicy: "OnFailure" } : {}),
    });
    const job = (id: string, script: string, deps: pulumi.Resource[], extraEnv: k8s.types.input.core.v1.EnvVar[] = []) => new k8s.batch.v1.Job(`${name}-${id}`, {
      metadata: { name: `${name}-${id}`, namespace: ns, labels: { ...l, "app.kubernetes.io/component": `dashboards-${id}` } },
      spec: {
        backoffLimit: 4, activeDeadlineSeconds: 1200, ttlSecondsAfterFinished: 86400,
        template: { metadata: { labels: { ...l, ...POSTGRES_CLIENT_LABEL } }, spec: podSpec(["/bin/sh", "-ec", script], a.jobSize, extraEnv) },
      },
    }, { parent: this, dependsOn: deps });
    const init = job("init", "superset db upgrade\nsuperset fab create-admin --username admin --firstname Lakehouse --lastname Admin --email admin@localhost --password \"$ADMIN_PASSWORD\" || true\nsuperset init", a.dependsOn ?? []);
    const deployment = new k8s.apps.v1.Deployment(name, {
      metadata: { name, namespace: ns, labels: l },
      spec: { replicas: 1, selector: { matchLabels: sel }, template: { metadata: { labels: { ...l, ...POSTGRES_CLIENT_LABEL } }, spec: podSpec(undefined, a.size) } },
    }, { parent: this, dependsOn: [init] });
    job("import-assets", `superset import-dashboards -p ${ASSET_BUNDLE} -u admin`, [init], [
      ...plainEnv({ LAKEHOUSE_TRINO_HOST: a.trino.host, LAKEHOUSE_TRINO_PORT: String(a.trino.port), LAKEHOUSE_TRINO_USER: "dashboard", LAKEHOUSE_TRINO_TLS_CA: "/app/lakehouse/trino-ca/cert.pem" }),
      ...secretEnv(a.trino.usersSecretName, { LAKEHOUSE_TRINO_PASSWORD: "dashboard-password" }),
    ]);
    new k8s.core.v1.Service(name, {
      metadata: { name, namespace: ns, labels: l },
      spec: { type: a.nodePort ? "NodePort" : "ClusterIP", selector: sel, ports: [{ name: "http", port: 8088, targetPort: "http", ...(a.nodePort ? { nodePort: 30088 } : {}) }] },
    }, { parent: this, dependsOn: [deployment] });
    this.url = a.nodePort ? "http://localhost:30088" : `http://${name}.${ns}.svc:8088`;
    this.registerOutputs({ url: this.url, adminPassword: this.adminPassword });
  }
}
