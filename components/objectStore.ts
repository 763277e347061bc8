/**
 * ObjectStore: MinIO in the cluster (or an external S3 endpoint with a MinIO-compatible admin
 * API), the medallion buckets, and one user + least-privilege policy per job identity from
 * policies/<identity>.json, made by a provisioning Job that runs mc in the cluster
 * (./s3Provision.ts). One path for both modes; only the server itself differs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENV } from "../src/lib/connection";
import type { Size } from "./config";
import { labels, selectorLabels, versionLabel } from "./labels";
import { MINIO_UID, minioIngressSpec, minioStatefulSetSpec, S3_CLIENT_LABEL, S3_PORT, s3AdminSecretName, s3SecretName } from "./minio";
import { BUCKETS, IDENTITIES, type Identity } from "./policies";
import { DIGEST_ANNOTATION, provisionDigest, provisionFiles, provisionJobSpec, s3UserName } from "./s3Provision";

export { lifecycleRules, MINIO_ROOT_USER, MINIO_UID, S3_CLIENT_LABEL, s3SecretName } from "./minio";

export interface ObjectStoreArgs {
  /** Namespace of MinIO, the provisioning Job and the per-identity credential Secrets. */
  namespace: string;
  /** app.kubernetes.io/instance (the stack name). */
  instance: string;
  /** "minio": run MinIO here. "external": use `endpoint` (no StatefulSet). */
  mode: "minio" | "external";
  /** MinIO server image (mode minio): the project's lakehouse-minio, or the stack's minioImage. */
  image: pulumi.Input<string>;
  /** Image of the provisioning Job: needs /bin/sh and mc (the project's MinIO image has both). */
  mcImage: pulumi.Input<string>;
  /** Version label of the MinIO image (required when it is not a plain reference). */
  version?: string;
  /** Version label of the provisioning Job's image (required when it is not a plain reference). */
  mcVersion?: string;
  /** S3 endpoint of an external store (mode external only; forbidden with minio). */
  endpoint?: string;
  /** Region the buckets are made in and requests signed for (the stack's s3Region; default us-east-1, src/lib/connection.ts). */
  region: string;
  /** StorageClass of MinIO's data volume (mode minio; unused with external). */
  storageClass: string;
  /** Size of MinIO's data volume, a Kubernetes quantity (mode minio; unused with external). */
  storageSize: string;
  /** MinIO's resources. */
  size: Size;
  /** The provisioning Job's resources. */
  jobSize: Size;
  /** The admin login: MinIO's root user (mode minio; stack secret minioRootPassword) or the external store's admin (s3AdminUser/s3AdminPassword). */
  admin: { user: pulumi.Input<string>; password: pulumi.Input<string> };
  /** Each identity's secret key (stack secrets s3SecretKey_<identity>); its access key is lakehouse-<identity>. */
  identityKeys: Record<Identity, pulumi.Input<string>>;
}

/** Fails fast on args that contradict each other, naming the fields. */
export function checkObjectStoreArgs(a: Pick<ObjectStoreArgs, "mode" | "endpoint" | "identityKeys">): void {
  if (a.mode === "external" && !a.endpoint) throw new Error("ObjectStore: mode external needs endpoint");
  if (a.mode === "minio" && a.endpoint) throw new Error("ObjectStore: endpoint is for mode external only (mode minio serves its own)");
  const missing = IDENTITIES.filter((i) => a.identityKeys[i] === undefined);
  if (missing.length) throw new Error(`ObjectStore: identityKeys lacks ${missing.join(", ")}`);
}

export class ObjectStore extends pulumi.ComponentResource {
  /** In-cluster (or external) S3 endpoint URL for LAKEHOUSE_S3_ENDPOINT. */
  readonly endpoint: pulumi.Output<string>;
  readonly region: string;
  readonly buckets = BUCKETS;
  readonly secretNames: Record<Identity, string>;
  /** The provisioning Job: complete (Pulumi waits for it) once buckets, users and policies exist. Depend on it. */
  readonly provisioned: k8s.batch.v1.Job;

  constructor(name: string, args: ObjectStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:storage:ObjectStore", name, {}, opts);
    checkObjectStoreArgs(args);
    const p = { parent: this };
    const ns = args.namespace;
    this.region = args.region;
    const l = labels({ name: "minio", instance: args.instance, component: "object-store", version: versionLabel(args.image, args.version, "ObjectStore") });
    const adminSecretName = s3AdminSecretName(name);
    const adminSecret = new k8s.core.v1.Secret(adminSecretName, {
      metadata: { name: adminSecretName, namespace: ns, labels: l },
      stringData: { S3_ADMIN_USER: args.admin.user, S3_ADMIN_PASSWORD: args.admin.password },
    }, p);
    const server: pulumi.Resource[] = [];
    if (args.mode === "minio") {
      const svc = new k8s.core.v1.Service(name, {
        metadata: { name, namespace: ns, labels: l },
        spec: { selector: selectorLabels({ name: "minio", instance: args.instance }), ports: [{ name: "s3", port: S3_PORT, targetPort: "s3" }] },
      }, p);
      const sts = new k8s.apps.v1.StatefulSet(name, {
        metadata: { name, namespace: ns, labels: l },
        spec: minioStatefulSetSpec({
          name, instance: args.instance, image: args.image, adminSecretName, size: args.size,
          storageClass: args.storageClass, storageSize: args.storageSize, labels: l,
        }),
      }, { parent: this, dependsOn: [adminSecret] });
      new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, { metadata: { name: `${name}-ingress`, namespace: ns, labels: l }, spec: minioIngressSpec(args.instance) }, p);
      server.push(sts, svc);
      this.endpoint = pulumi.interpolate`http://${svc.metadata.name}.${ns}.svc:${S3_PORT}`;
    } else {
      this.endpoint = pulumi.output(args.endpoint!);
    }
    const identitySecrets = IDENTITIES.map((identity) => {
      const secretName = s3SecretName(name, identity);
      return new k8s.core.v1.Secret(secretName, {
        metadata: { name: secretName, namespace: ns, labels: labels({ name: `s3-${identity}`, instance: args.instance, component: "object-store" }) },
        stringData: { [ENV.s3AccessKey]: s3UserName(identity), [ENV.s3SecretKey]: args.identityKeys[identity] },
      }, p);
    });
    this.secretNames = Object.fromEntries(IDENTITIES.map((i) => [i, s3SecretName(name, i)])) as Record<Identity, string>;

    // A changed policy, script, endpoint or key changes the digest, so `pulumi up` replaces the Job
    // and it runs again; equal inputs leave it alone. Plain text: credentials enter only hashed.
    const files = provisionFiles();
    const digest = pulumi.unsecret(pulumi.all([this.endpoint, args.admin.user, args.admin.password, ...IDENTITIES.map((i) => args.identityKeys[i])])
      .apply((inputs) => provisionDigest(files, [args.region, ...inputs])));
    const jobLabels = labels({ name: "minio-provision", instance: args.instance, component: "object-store", version: versionLabel(args.mcImage, args.mcVersion, "ObjectStore") });
    const cm = new k8s.core.v1.ConfigMap(`${name}-provision`, { metadata: { name: `${name}-provision`, namespace: ns, labels: jobLabels }, data: files }, p);
    this.provisioned = new k8s.batch.v1.Job(`${name}-provision`, {
      metadata: { name: `${name}-provision`, namespace: ns, labels: jobLabels, annotations: { [DIGEST_ANNOTATION]: digest } },
      spec: provisionJobSpec({
        image: args.mcImage, uid: MINIO_UID, configMapName: cm.metadata.name, endpoint: this.endpoint, region: args.region,
        adminSecretName, identitySecretNames: this.secretNames, digest, size: args.jobSize, labels: { ...jobLabels, ...S3_CLIENT_LABEL },
      }),
    }, { parent: this, dependsOn: [...server, adminSecret, cm, ...identitySecrets] });
    this.registerOutputs({ endpoint: this.endpoint, secretNames: this.secretNames });
  }
}
