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
import { imageVersion, labels, selectorLabels } from "./labels";
import { createBuckets, createIdentity, MINIO_ROOT_USER, minioIngressSpec, minioStatefulSetSpec } from "./minio";
import { BUCKETS, IDENTITIES, type Identity } from "./policies";

export { lifecycleRules, MINIO_UID, S3_CLIENT_LABEL, s3SecretName } from "./minio";

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
        stringData: { MINIO_ROOT_USER, MINIO_ROOT_PASSWORD: root.result },
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
        spec: minioStatefulSetSpec({
          name, instance: args.instance, image: args.image, rootSecretName: rootSecret.metadata.name, size: args.size,
          storageClass: args.storageClass, storageSize: args.storageSize, labels: l,
        }),
      }, p);
      new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, {
        metadata: { name: `${name}-ingress`, namespace: args.namespace, labels: l },
        spec: minioIngressSpec(args.instance, args.adminCidrs),
      }, p);
      ready.push(sts, svc);
      this.endpoint = pulumi.interpolate`http://${svc.metadata.name}.${args.namespace}.svc:9000`;
      provider = new minio.Provider(`${name}-admin`, { minioServer: args.adminApi, minioUser: MINIO_ROOT_USER, minioPassword: root.result, minioRegion: args.region, minioSsl: false }, p);
    } else {
      this.endpoint = pulumi.output(args.endpoint!);
      provider = new minio.Provider(`${name}-admin`, {
        minioServer: new URL(args.endpoint!).host, minioSsl: args.endpoint!.startsWith("https:"),
        minioUser: args.admin!.user, minioPassword: args.admin!.password, minioRegion: args.region,
      }, p);
    }
    // Buckets, users and policies go through MinIO's admin API, once the server is ready.
    const mp = { parent: this, provider, dependsOn: ready };
    createBuckets(name, mp);
    this.secretNames = Object.fromEntries(IDENTITIES.map((identity) => [identity, createIdentity(name, identity, args, mp)])) as Record<Identity, string>;
    this.registerOutputs({ endpoint: this.endpoint, secretNames: this.secretNames, rootPassword: this.rootPassword });
  }
}
