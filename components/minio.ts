/**
 * The object store's Kubernetes parts as plain functions: MinIO's StatefulSet and its ingress
 * rule, and the identities' Secret names. The buckets, their lifecycle rules, the users and the
 * policies are made by the provisioning Job (./s3Provision.ts); ObjectStore composes.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { OBJECT_STORE_ROOT_USER } from "../src/lib/s3Identities";
import type { Size } from "./config";
import { httpProbe, podSecurity, resources, restricted, secretEnv, tcpProbe } from "./k8s";
import { selectorLabels } from "./labels";
import type { Identity } from "./policies";

/** Pods with this label may reach the object store (NetworkPolicy). */
export const S3_CLIENT_LABEL = { "lakehouse.io/s3-client": "true" };
export const MINIO_UID = 1000;
/** The root user of the cluster's MinIO: the store's root user in every environment. */
export const MINIO_ROOT_USER = OBJECT_STORE_ROOT_USER;
export const S3_PORT = 9000;

/** The S3 identity Secret's name: envFrom it to get LAKEHOUSE_S3_ACCESS_KEY / _SECRET_KEY. */
export function s3SecretName(store: string, identity: Identity): string {
  return `${store}-s3-${identity}`;
}

/** The store's root keys' Secret (S3_ADMIN_USER / S3_ADMIN_PASSWORD): the server and the provisioning Job only. */
export function s3AdminSecretName(store: string): string {
  return `${store}-admin`;
}

// The buckets' lifecycle rules are the store's in every environment (the local stack applies them too).
export { type LifecycleRule, lifecycleRules } from "../src/lib/buckets";

export interface MinioPodArgs {
  /** The StatefulSet's name, also its governing Service's (serviceName). */
  name: string;
  /** app.kubernetes.io/instance of the selector (the stack name). */
  instance: string;
  /** MinIO server image: runs `minio server` (the project's lakehouse-minio, or the stack's minioImage). */
  image: pulumi.Input<string>;
  /** Secret with the root login under S3_ADMIN_USER / S3_ADMIN_PASSWORD (the provisioning Job's admin login too). */
  adminSecretName: string;
  /** MinIO's resources. */
  size: Size;
  /** StorageClass of the data volume's PVC. */
  storageClass: string;
  /** Size of the data volume, a Kubernetes quantity (e.g. 20Gi). */
  storageSize: string;
  /** The pod's labels (they must include the selector's: name minio, instance). */
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
          // The command in full: images/minio.Dockerfile has no ENTRYPOINT, and upstream's
          // (docker-entrypoint.sh) only prepends `minio` to args like these.
          command: ["minio"],
          args: ["server", "/data", "--address", `:${S3_PORT}`, "--console-address", ":9001"],
          env: [
            ...secretEnv(a.adminSecretName, { MINIO_ROOT_USER: "S3_ADMIN_USER", MINIO_ROOT_PASSWORD: "S3_ADMIN_PASSWORD" }),
            { name: "MINIO_UPDATE", value: "off" }, { name: "MINIO_CALLHOME_ENABLE", value: "off" },
          ],
          ports: [{ name: "s3", containerPort: S3_PORT }, { name: "console", containerPort: 9001 }],
          readinessProbe: httpProbe("/minio/health/ready", "s3", "HTTP", 5),
          livenessProbe: httpProbe("/minio/health/live", "s3", "HTTP", 20),
          startupProbe: tcpProbe(S3_PORT, 5),
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

/**
 * Only S3 clients reach the S3 port, the provisioning Job among them (it is one: the admin API
 * shares the port). Nothing outside the cluster does: Pulumi no longer talks to MinIO.
 */
export function minioIngressSpec(instance: string): k8s.types.input.networking.v1.NetworkPolicySpec {
  return {
    podSelector: { matchLabels: selectorLabels({ name: "minio", instance }) },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: S3_CLIENT_LABEL } }], ports: [{ port: S3_PORT, protocol: "TCP" }] }],
  };
}

