/**
 * The object store's provisioning Job, as plain functions: a POSIX sh script that runs MinIO's
 * client `mc` inside the cluster against the S3 endpoint, with the admin credentials from a
 * Secret, and makes the store what the lakehouse needs: the medallion buckets, versioning on
 * bronze, the lifecycle rules (src/lib/buckets.ts), and per identity the policy from
 * policies/<identity>.json, the user `lakehouse-<identity>` with its key and the attachment.
 * Every step sets the state it names, so a rerun changes nothing; a digest of the inputs in the
 * Job's annotations makes `pulumi up` replace (rerun) it when one changes (as supersetImport.ts).
 *
 * Why a Job and not @pulumi/minio: that provider's plugin cannot be had in air-gapped installs,
 * and it had to reach MinIO's admin API from the machine running Pulumi (a NodePort opened to it).
 */
import crypto from "node:crypto";
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { BUCKETS, lifecycleConfiguration, lifecycleRules, VERSIONED_BUCKETS } from "../src/lib/buckets";
import { ENV } from "../src/lib/connection";
import { s3UserName } from "../src/lib/s3Identities";
import type { Size } from "./config";
import { PROJECT_ROOT } from "./files";
import { plainEnv, podSecurity, resources, restricted, secretEnv } from "./k8s";
import { IDENTITIES, type Identity, policyText } from "./policies";

export { lifecycleConfiguration, s3UserName, VERSIONED_BUCKETS };

/** Where the Job mounts the ConfigMap (script, policies, lifecycle rules). */
export const PROVISION_MOUNT = "/provision";
export const SCRIPT_KEY = "provision.sh";
/** Job and pod-template annotation: a changed input changes the template, so Pulumi replaces the Job and it runs again. */
export const DIGEST_ANNOTATION = "lakehouse.io/provision-sha256";
/** The mc alias the script defines for the store. */
export const ALIAS = "store";
/** mc keeps its config here (an emptyDir: the root filesystem is read-only). */
export const MC_CONFIG_DIR = "/tmp/.mc";
/** How long the script waits for the store's S3 API before it fails (the pod is then retried). */
export const WAIT_SECONDS = 120;
export const policyFile = (identity: Identity) => `policy-${identity}.json`;
export const lifecycleFile = (bucket: string) => `lifecycle-${bucket}.json`;
/** The Job's env var holding an identity's secret key (from the identity's Secret). */
export const secretKeyVar = (identity: Identity) => `S3_SECRET_KEY_${identity.toUpperCase()}`;

export interface ProvisionPlan {
  buckets: readonly string[];
  versioned: readonly string[];
  /** Buckets with lifecycle rules (a file lifecycle-<bucket>.json beside the script); the others get none. */
  withLifecycle: readonly string[];
  identities: readonly Identity[];
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The script. One line per step on stdout (`provision: <step>: ok`); mc's own output only when a
 * step fails, then it exits with mc's status. Needs /bin/sh and mc only (no jq, grep or coreutils).
 */
export function provisionScript(plan: ProvisionPlan): string {
  for (const n of [...plan.buckets, ...plan.identities]) if (!NAME.test(n)) throw new Error(`provisionScript: "${n}" is not a plain bucket or identity name`);
  for (const b of [...plan.versioned, ...plan.withLifecycle]) if (!plan.buckets.includes(b)) throw new Error(`provisionScript: ${b} is not one of the buckets ${plan.buckets.join(", ")}`);
  const a = ALIAS;
  const lines = [
    "#!/bin/sh",
    "# Provisions the lakehouse's object store with mc; rendered by components/s3Provision.ts.",
    "# Every step sets the state it names, so running it again changes nothing.",
    "set -eu",
    'dir=${0%/*}',
    "say() { printf 'provision: %s\\n' \"$*\"; }",
    "# run <step> <command...>: one line per step; the command's own output only when it fails.",
    "run() {",
    "  step=$1; shift",
    '  if out=$("$@" 2>&1); then say "$step: ok"; else',
    '    rc=$?; say "$step: FAILED (exit $rc)"; printf \'%s\\n\' "$out" >&2; exit "$rc"',
    "  fi",
    "}",
    `say "store $S3_ENDPOINT (region $S3_REGION), admin user $S3_ADMIN_USER"`,
    // Not through run: mc's complaint about a malformed login quotes the secret key.
    `if mc alias set ${a} "$S3_ENDPOINT" "$S3_ADMIN_USER" "$S3_ADMIN_PASSWORD" --api S3v4 --path on >/dev/null 2>&1; then say "alias ${a}: ok"; else`,
    `  rc=$?; say "alias ${a}: FAILED (exit $rc): mc refused the endpoint or the admin login (its message would show the password); check S3_ENDPOINT and S3_ADMIN_USER / S3_ADMIN_PASSWORD (access key 3+, secret key 8+ characters)"; exit "$rc"`,
    "fi",
    "waited=0",
    `until mc ls ${a} >/dev/null 2>&1; do`,
    `  if [ "$waited" -ge ${WAIT_SECONDS} ]; then run "S3 API reachable after ${WAIT_SECONDS}s" mc ls ${a}; fi`,
    '  say "waiting for the S3 API (${waited}s)"; sleep 5; waited=$((waited + 5))',
    "done",
    'say "S3 API reachable"',
    ...plan.buckets.flatMap((b) => [
      `run "bucket ${b}" mc mb --ignore-existing --region "$S3_REGION" ${a}/${b}`,
      ...(plan.versioned.includes(b) ? [`run "versioning of ${b}: enabled" mc version enable ${a}/${b}`] : []),
      plan.withLifecycle.includes(b)
        ? `run "lifecycle of ${b}: ${lifecycleFile(b)}" mc ilm rule import ${a}/${b} < "$dir/${lifecycleFile(b)}"`
        : `if mc ilm rule ls ${a}/${b} >/dev/null 2>&1; then run "lifecycle of ${b}: removed" mc ilm rule rm --all --force ${a}/${b}; else say "lifecycle of ${b}: none"; fi`,
    ]),
    ...plan.identities.flatMap((i) => [
      `run "policy ${s3UserName(i)}" mc admin policy create ${a} ${s3UserName(i)} "$dir/${policyFile(i)}"`,
      `run "user ${s3UserName(i)}" mc admin user add ${a} ${s3UserName(i)} "$${secretKeyVar(i)}"`,
      // mc treats "already attached" (XMinioAdminPolicyChangeAlreadyApplied) as success.
      `run "policy ${s3UserName(i)} attached to user ${s3UserName(i)}" mc admin policy attach ${a} ${s3UserName(i)} --user ${s3UserName(i)}`,
    ]),
    `say "done: ${plan.buckets.length} buckets, ${plan.identities.length} identities"`,
  ];
  return `${lines.join("\n")}\n`;
}

/** The ConfigMap's data: the script, every policies/<identity>.json verbatim, each bucket's lifecycle rules. */
export function provisionFiles(root: string = PROJECT_ROOT): Record<string, string> {
  const lifecycle = Object.fromEntries(BUCKETS.map((b) => [b, lifecycleConfiguration(lifecycleRules(b))]).filter(([, json]) => json !== undefined)) as Record<string, string>;
  const plan: ProvisionPlan = { buckets: BUCKETS, versioned: VERSIONED_BUCKETS, withLifecycle: Object.keys(lifecycle), identities: IDENTITIES };
  return {
    [SCRIPT_KEY]: provisionScript(plan),
    ...Object.fromEntries(IDENTITIES.map((i) => [policyFile(i), policyText(i, root)])),
    ...Object.fromEntries(Object.entries(lifecycle).map(([b, json]) => [lifecycleFile(b), json])),
  };
}

/**
 * sha256 over the files and the other inputs (endpoint, region, credentials): equal inputs, equal
 * digests. Credentials enter only through this one-way hash of long random values, so the digest
 * may stand in plain text; a rotated key still reruns the Job.
 */
export function provisionDigest(files: Record<string, string>, inputs: readonly string[]): string {
  const h = crypto.createHash("sha256");
  for (const k of Object.keys(files).sort()) h.update(k).update("\0").update(files[k]).update("\0");
  for (const v of inputs) h.update(v).update("\0");
  return h.digest("hex");
}

export interface ProvisionJobArgs {
  /** Image with /bin/sh and mc (the project's MinIO image has both). */
  image: pulumi.Input<string>;
  /** The user the image runs as (the project's MinIO image: MINIO_UID). */
  uid: number;
  /** ConfigMap holding provisionFiles(). */
  configMapName: pulumi.Input<string>;
  /** The store's S3 URL (the in-cluster MinIO Service or the external endpoint). */
  endpoint: pulumi.Input<string>;
  /** Region the buckets are made in (mc mb --region). */
  region: string;
  /** Secret with the admin login under S3_ADMIN_USER / S3_ADMIN_PASSWORD. */
  adminSecretName: string;
  /** Each identity's Secret (its LAKEHOUSE_S3_SECRET_KEY becomes the user's key). */
  identitySecretNames: Record<Identity, string>;
  /** provisionDigest of the inputs: the pod template's annotation, so a changed input replaces the Job. */
  digest: pulumi.Input<string>;
  /** The Job's resources. */
  size: Size;
  /** Pod labels (include the S3 client label: the store's NetworkPolicy admits only S3 clients). */
  labels: Record<string, string>;
}

/** Bounded in retries and time, cleaned up after a day; secrets only by reference. */
export function provisionJobSpec(a: ProvisionJobArgs): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 4, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400,
    template: {
      metadata: { labels: a.labels, annotations: { [DIGEST_ANNOTATION]: a.digest } },
      spec: {
        restartPolicy: "OnFailure", securityContext: podSecurity(a.uid),
        containers: [{
          name: "provision", image: a.image, command: ["/bin/sh", `${PROVISION_MOUNT}/${SCRIPT_KEY}`],
          env: [
            ...plainEnv({ S3_REGION: a.region, MC_CONFIG_DIR, HOME: "/tmp", MC_NO_COLOR: "1" }),
            { name: "S3_ENDPOINT", value: a.endpoint },
            ...secretEnv(a.adminSecretName, { S3_ADMIN_USER: "S3_ADMIN_USER", S3_ADMIN_PASSWORD: "S3_ADMIN_PASSWORD" }),
            ...IDENTITIES.flatMap((i) => secretEnv(a.identitySecretNames[i], { [secretKeyVar(i)]: ENV.s3SecretKey })),
          ],
          resources: resources(a.size), securityContext: restricted(a.uid, true),
          volumeMounts: [{ name: "provision", mountPath: PROVISION_MOUNT, readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
        }],
        volumes: [{ name: "provision", configMap: { name: a.configMapName } }, { name: "tmp", emptyDir: {} }],
      },
    },
  };
}
