/**
 * The object store's parts as plain functions: MinIO's StatefulSet and ingress rule, the
 * buckets with their versioning and lifecycle, and one user + policy + credentials Secret per
 * job identity (policies/<identity>.json). The ObjectStore component composes them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as minio from "@pulumi/minio";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { Size } from "./config";
import { httpProbe, podSecurity, resources, restricted, tcpProbe } from "./k8s";
import { labels, selectorLabels } from "./labels";
import { BUCKETS, type Identity, loadPolicy } from "./policies";

/** Pods with this label may reach the object store (NetworkPolicy). */
export const S3_CLIENT_LABEL = { "lakehouse.io/s3-client": "true" };
export const MINIO_UID = 1000;
export const MINIO_ROOT_USER = "lakehouse-root";

/** The S3 identity Secret's name: envFrom it to get LAKEHOUSE_S3_ACCESS_KEY / _SECRET_KEY. */
export function s3SecretName(store: string, identity: Identity): string {
  return `${store}-s3-${identity}`;
}

/** Bronze keeps old versions of a re-ingested day for 30 days; no layer keeps stale uploads. */
export function lifecycleRules(bucket: string): { id: string; noncurrentVersionExpirationDays?: number; expiration?: string; filter?: string }[] {
  return bucket === "bronze" ? [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 30 }] : [];
}

export interface MinioPodArgs {
  name: string;
  instance: string;
  image: string;
  /** Secret with MINIO_ROOT_USER / MINIO_ROOT_PASSWORD. */
  rootSecretName: pulumi.Input<string>;
  size: Size;
  storageClass: string;
  storageSize: string;
  labels: Record<string, string>;
}

/** One MinIO server on a PVC: S3 API on :9000, read-only root filesystem, no update checks or call-home. */
export function minioStatefulSetSpec(a: MinioPodArgs): k8s.types.input.apps.v1.StatefulSetSpec {
  return {
    serviceName: a.name,
    replicas: 1,
    selector: { matchLabels: selectorLabels({ name: "minio", instance: a.instance }) },
    template: {
      metadata: { labels: a.labels },
      spec: {
        securityContext: podSecurity(MINIO_UID),
        containers: [{
          name: "minio",
          image: a.image,
          args: ["server", "/data", "--address", ":9000", "--console-address", ":9001"],
          envFrom: [{ secretRef: { name: a.rootSecretName } }],
          env: [{ name: "MINIO_UPDATE", value: "off" }, { name: "MINIO_CALLHOME_ENABLE", value: "off" }],
          ports: [{ name: "s3", containerPort: 9000 }, { name: "console", containerPort: 9001 }],
          readinessProbe: httpProbe("/minio/health/ready", "s3", "HTTP", 5),
          livenessProbe: httpProbe("/minio/health/live", "s3", "HTTP", 20),
          startupProbe: tcpProbe(9000, 5),
          resources: resources(a.size),
          securityContext: restricted(MINIO_UID, true),
          volumeMounts: [{ name: "data", mountPath: "/data" }],
        }],
      },
    },
    volumeClaimTemplates: [{
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: a.storageClass, resources: { requests: { storage: a.storageSize } } },
    }],
  };
}

/** Only S3 clients (and the CIDRs of whoever runs Pulumi, through the NodePort) reach the S3 port. */
export function minioIngressSpec(instance: string, adminCidrs: string[]): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selectorLabels({ name: "minio", instance }) },
    policyTypes: ["Ingress"],
    ingress: [{
      from: [{ podSelector: { matchLabels: S3_CLIENT_LABEL } }, ...adminCidrs.map((cidr) => ({ ipBlock: { cidr } }))],
      ports: [{ port: 9000, protocol: "TCP" }],
    }],
  };
}

/** The medallion buckets through the admin provider; bronze versioned, with its lifecycle. */
export function createBuckets(name: string, opts: pulumi.CustomResourceOptions): void {
  for (const bucket of BUCKETS) {
    const b = new minio.S3Bucket(`${name}-${bucket}`, { bucket, acl: "private" }, opts);
    if (bucket === "bronze") new minio.S3BucketVersioning(`${name}-${bucket}-versioning`, { bucket: b.bucket, versioningConfiguration: { status: "Enabled" } }, opts);
    const rules = lifecycleRules(bucket);
    if (rules.length) new minio.IlmPolicy(`${name}-${bucket}-lifecycle`, { bucket: b.bucket, rules }, opts);
  }
}

/**
 * One job identity: the policy from policies/<identity>.json, a user `lakehouse-<identity>`
 * with a generated key, and the Secret its workload reads the keys from. Returns the Secret's name.
 */
export function createIdentity(
  name: string,
  identity: Identity,
  where: { namespace: pulumi.Input<string>; instance: string },
  opts: pulumi.CustomResourceOptions & { parent: pulumi.Resource },
): string {
  const policy = new minio.IamPolicy(`${name}-${identity}`, { name: `lakehouse-${identity}`, policy: JSON.stringify(loadPolicy(identity)) }, opts);
  const key = new random.RandomPassword(`${name}-${identity}-key`, { length: 40, special: false }, { parent: opts.parent });
  const user = new minio.IamUser(`${name}-${identity}`, { name: `lakehouse-${identity}`, secret: key.result }, opts);
  new minio.IamUserPolicyAttachment(`${name}-${identity}`, { userName: user.name, policyName: policy.name }, opts);
  const secretName = s3SecretName(name, identity);
  new k8s.core.v1.Secret(secretName, {
    metadata: { name: secretName, namespace: where.namespace, labels: labels({ name: `s3-${identity}`, instance: where.instance, component: "object-store" }) },
    stringData: { LAKEHOUSE_S3_ACCESS_KEY: user.name, LAKEHOUSE_S3_SECRET_KEY: key.result },
  }, { parent: opts.parent, dependsOn: [user] });
  return secretName;
}
