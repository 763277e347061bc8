/**
 * ObjectStore: MinIO in the cluster (or an external S3 endpoint with a MinIO admin API),
 * the medallion buckets, and one user + least-privilege policy per job identity, applied
 * from policies/<identity>.json through the @pulumi/minio provider.
 */
import * as k8s from "@pulumi/kubernetes";
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Size } from "./config";
import { podSecurity, resources, restricted, tcpProbe, httpProbe } from "./k8s";
import { imageVersion, labels, selectorLabels } from "./labels";
import { BUCKETS, IDENTITIES, type Identity, loadPolicy } from "./policies";

/** Pods with this label may reach the object store (NetworkPolicy). */
export const S3_CLIENT_LABEL = { "lakehouse.io/s3-client": "true" };
export const MINIO_UID = 1000;

export interface ObjectStoreArgs {
  /** Namespace of MinIO and of the per-identity credential Secrets. */
  namespace: pulumi.Input<string>;
  /** app.kubernetes.io/instance (the stack name). */
  instance: string;
  /** "minio": run MinIO here. "external": use `endpoint` (no StatefulSet); needs `admin`. */
  mode: "minio" | "external";
  /** MinIO image (mode minio); configurable because upstream stopped publishing images. */
  image: string;
  /** S3 endpoint of an external store (mode external only; forbidden with minio). */
  endpoint?: string;
  region: string;
  storageClass: string;
  storageSize: string;
  size: Size;
  /** Expose the S3 API on NodePort 30900 so Pulumi's MinIO provider reaches it from the host (kind). */
  nodePort: boolean;
  /** host:port where the provider reaches the admin API (default for kind: localhost:30900). */
  adminApi: string;
  /** Admin credentials of an external store (mode external only; generated for minio). */
  admin?: { user: pulumi.Input<string>; password: pulumi.Input<string> };
  /** CIDRs besides S3 clients allowed to reach MinIO (the host running Pulumi, through the NodePort). */
  adminCidrs: string[];
}

/** The S3 identity Secret's name: envFrom it to get LAKEHOUSE_S3_ACCESS_KEY / _SECRET_KEY. */
export function s3SecretName(store: string, identity: Identity): string {
  return `${store}-s3-${identity}`;
}

/** Bronze keeps old versions of a re-ingested day for 30 days; no layer keeps stale uploads. */
export function lifecycleRules(bucket: string): { id: string; noncurrentVersionExpirationDays?: number; expiration?: string; filter?: string }[] {
  return bucket === "bronze" ? [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 30 }] : [];
}

export class ObjectStore extends pulumi.ComponentResource {
  /** In-cluster (or external) S3 endpoint URL for LAKEHOUSE_S3_ENDPOINT. */
  readonly endpoint: pulumi.Output<string>;
  readonly region: string;
  readonly buckets = BUCKETS;
  readonly secretNames: Record<Identity, string>;
  readonly rootPassword?: pulumi.Output<string>;

  constructor(name: string, args: ObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:storage:ObjectStore", name, {}, opts);
    if (args.mode === "external" && (!args.endpoint || !args.admin)) throw new Error("ObjectStore: mode external needs endpoint and admin");
    if (args.mode === "minio" && (args.endpoint || args.admin)) throw new Error("ObjectStore: endpoint/admin are for mode external only");
    const p = { parent: this };
    this.region = args.region;
    let provider: minio.Provider;
    const ready: pulumi.Resource[] = [];
    if (args.mode === "minio") {
      const l = labels({ name: "minio", instance: args.instance, component: "object-store", version: imageVersion(args.image) });
      const root = new random.RandomPassword(`${name}-root`, { length: 40, special: false }, p);
      this.rootPassword = root.result;
      const rootSecret = new k8s.core.v1.Secret(`${name}-root`, {
        metadata: { name: `${name}-root`, namespace: args.namespace, labels: l },
        stringData: { MINIO_ROOT_USER: "lakehouse-root", MINIO_ROOT_PASSWORD: root.result },
      }, p);
      const svc = new k8s.core.v1.Service(name, {
        metadata: { name, namespace: args.namespace, labels: l },
        spec: {
          type: args.nodePort ? "NodePort" : "ClusterIP",
          selector: selectorLabels({ name: "minio", instance: args.instance }),
          ports: [{ name: "s3", port: 9000, targetPort: "s3", ...(args.nodePort ? { nodePort: 30900 } : {}) }],
        },
      }, p);
      const sts = new k8s.apps.v1.StatefulSet(name, {
        metadata: { name, namespace: args.namespace, labels: l },
        spec: {
          serviceName: name,
          replicas: 1,
          selector: { matchLabels: selectorLabels({ name: "minio", instance: args.instance }) },
          template: {
            metadata: { labels: l },
            spec: {
              securityContext: podSecurity(MINIO_UID),
              containers: [{
                name: "minio",
                image: args.image,
                args: ["server", "/data", "--address", ":9000", "--console-address", ":9001"],
                envFrom: [{ secretRef: { name: rootSecret.metadata.name } }],
                env: [{ name: "MINIO_UPDATE", value: "off" }, { name: "MINIO_CALLHOME_ENABLE", value: "off" }],
                ports: [{ name: "s3", containerPort: 9000 }, { name: "console", containerPort: 9001 }],
                readinessProbe: httpProbe("/minio/health/ready", "s3", "HTTP", 5),
                livenessProbe: httpProbe("/minio/health/live", "s3", "HTTP", 20),
                startupProbe: tcpProbe(9000, 5),
                resources: resources(args.size),
                securityContext: restricted(MINIO_UID, true),
                volumeMounts: [{ name: "data", mountPath: "/data" }],
              }],
            },
          },
          volumeClaimTemplates: [{
            metadata: { name: "data" },
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClass, resources: { requests: { storage: args.storageSize } } },
          }],
        },
      }, p);
      new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, {
        metadata: { name: `${name}-ingress`, namespace: args.namespace, labels: l },
        spec: {
          podSelector: { matchLabels: selectorLabels({ name: "minio", instance: args.instance }) },
          policyTypes: ["Ingress"],
          ingress: [{
            from: [{ podSelector: { matchLabels: S3_CLIENT_LABEL } }, ...args.adminCidrs.map((cidr) => ({ ipBlock: { cidr } }))],
            ports: [{ port: 9000, protocol: "TCP" }],
          }],
        },
      }, p);
      ready.push(sts, svc);
      this.endpoint = pulumi.interpolate`http://${svc.metadata.name}.${args.namespace}.svc:9000`;
      provider = new minio.Provider(`${name}-admin`, { minioServer: args.adminApi, minioUser: "lakehouse-root", minioPassword: root.result, minioRegion: args.region, minioSsl: false }, p);
    } else {
      this.endpoint = pulumi.output(args.endpoint!);
      provider = new minio.Provider(`${name}-admin`, {
        minioServer: new URL(args.endpoint!).host, minioSsl: args.endpoint!.startsWith("https:"),
        minioUser: args.admin!.user, minioPassword: args.admin!.password, minioRegion: args.region,
      }, p);
    }
    const mp = { parent: this, provider, dependsOn: ready };
    for (const bucket of BUCKETS) {
      const b = new minio.S3Bucket(`${name}-${bucket}`, { bucket, acl: "private" }, mp);
      if (bucket === "bronze") new minio.S3BucketVersioning(`${name}-${bucket}-versioning`, { bucket: b.bucket, versioningConfiguration: { status: "Enabled" } }, mp);
      const rules = lifecycleRules(bucket);
      if (rules.length) new minio.IlmPolicy(`${name}-${bucket}-lifecycle`, { bucket: b.bucket, rules }, mp);
    }
    this.secretNames = {} as Record<Identity, string>;
    for (const identity of IDENTITIES) {
      const policy = new minio.IamPolicy(`${name}-${identity}`, { name: `lakehouse-${identity}`, policy: JSON.stringify(loadPolicy(identity)) }, mp);
      const key = new random.RandomPassword(`${name}-${identity}-key`, { length: 40, special: false }, p);
      const user = new minio.IamUser(`${name}-${identity}`, { name: `lakehouse-${identity}`, secret: key.result }, mp);
      new minio.IamUserPolicyAttachment(`${name}-${identity}`, { userName: user.name, policyName: policy.name }, mp);
      this.secretNames[identity] = s3SecretName(name, identity);
      new k8s.core.v1.Secret(`${name}-s3-${identity}`, {
        metadata: { name: s3SecretName(name, identity), namespace: args.namespace, labels: labels({ name: `s3-${identity}`, instance: args.instance, component: "object-store" }) },
        stringData: { LAKEHOUSE_S3_ACCESS_KEY: user.name, LAKEHOUSE_S3_SECRET_KEY: key.result },
      }, { parent: this, dependsOn: [user] });
    }
    this.registerOutputs({ endpoint: this.endpoint, secretNames: this.secretNames, rootPassword: this.rootPassword });
  }
}
