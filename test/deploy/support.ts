/**
 * What the deployment tests share: the dev stack as `lakehouse deploy` opens it (the managed
 * workspace, offline settings, the real engine and the one-node cluster), the CLI run as a user
 * runs it, and the cluster's services reached as a user reaches them (NodePorts, port-forward).
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { ClusterContext } from "../../src/cluster/cluster";
import { ensureSecrets, offlineOverrides, openStack } from "../../src/deploy/workspace";
import { silentLogger } from "../../src/lib/log";
import type { S3Connection } from "../../src/lib/connection";
import type { TrinoTarget } from "../../src/lib/trino";
import { DEFAULTS } from "../../components/config";
import { s3AdminSecretName, s3SecretName } from "../../components/minio";
import type { Identity } from "../../components/policies";
import { repoRoot } from "../../src/local/paths";
import { k } from "../cluster/harness";

export const STACK = "dev";
export const NS = "lakehouse";

/** The dev stack with the settings `lakehouse deploy --offline` uses, `extra` on top. */
export async function devStack(ctx: ClusterContext, extra: Record<string, string> = {}): Promise<Stack> {
  const stack = await openStack({ stack: STACK, pulumiBin: ctx.tools.pulumiBin, kubeconfig: ctx.layout.adminKubeconfig, overrides: { ...(await offlineOverrides()), ...extra } });
  await ensureSecrets(stack, silentLogger);
  return stack;
}

/** A stack config value (secrets decrypted). */
export async function configValue(stack: Stack, key: string): Promise<string> {
  const v = (await stack.getAllConfig())[key];
  if (!v) throw new Error(`stack ${stack.name} has no ${key}`);
  return v.value;
}

/** The `lakehouse` CLI as a user runs it, against the one-node cluster; resolves with its exit code and output. */
export function lakehouse(ctx: ClusterContext, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, "bin", "lakehouse.mjs"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, KUBECTL: path.join(ctx.tools.kubeBin, "kubectl"), KUBECONFIG: ctx.layout.adminKubeconfig },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Trino on its NodePort (https://localhost:30443), as a user of the stack, its CA from the stack's config. */
export async function clusterTrino(stack: Stack, user: "admin" | "pipeline" | "dashboard"): Promise<TrinoTarget> {
  const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-trino-ca-")), "ca.pem");
  fs.writeFileSync(caFile, await configValue(stack, "lakehouse:trinoTlsCert"));
  return { server: "https://localhost:30443", user, password: await configValue(stack, `lakehouse:trinoPassword_${user}`), caFile };
}

/** A Secret's data, decoded. */
export async function secretData(ctx: ClusterContext, ns: string, name: string): Promise<Record<string, string>> {
  const s = JSON.parse(await k(ctx, ["-n", ns, "get", "secret", name, "-o", "json"]));
  return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([key, v]) => [key, Buffer.from(v, "base64").toString("utf8")]));
}

/** `kubectl port-forward` to a Service's port, on a free local port; close() stops it. */
export async function portForward(ctx: ClusterContext, ns: string, target: string, port: number): Promise<{ url: string; close: () => void }> {
  const child = spawn(path.join(ctx.tools.kubeBin, "kubectl"), ["--kubeconfig", ctx.layout.adminKubeconfig, "-n", ns, "port-forward", target, `:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d) => (err += d));
  const local = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`port-forward ${target}: no port within 30 s: ${err}`)), 30_000);
    child.stdout.on("data", (d: Buffer) => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(d.toString());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`port-forward ${target} exited ${code}: ${err}`)));
  });
  return { url: `http://127.0.0.1:${local}`, close: () => child.kill() };
}

/** Kubernetes objects of a kind in a namespace (items). */
export async function list(ctx: ClusterContext, ns: string, kind: string, selector?: string): Promise<any[]> {
  return JSON.parse(await k(ctx, ["-n", ns, "get", kind, ...(selector ? ["-l", selector] : []), "-o", "json"])).items;
}

/**
 * The cluster's MinIO (no NodePort: a port-forward to its Service) as one job's identity, with the
 * keys of that identity's Secret as its pods get them, or as "admin" (the root keys of the store's
 * admin Secret, for a test's own setup); the forward is closed when `fn` settles.
 */
export async function withClusterS3<T>(ctx: ClusterContext, identity: Identity | "admin", fn: (s3: S3Connection) => Promise<T>): Promise<T> {
  const store = await portForward(ctx, NS, "svc/minio", 9000);
  try {
    return await fn(await clusterS3Connection(ctx, identity, store.url));
  } finally {
    store.close();
  }
}

/** A connection to `endpoint` (a forward to the cluster's MinIO) with `identity`'s keys from its Secret. */
export async function clusterS3Connection(ctx: ClusterContext, identity: Identity | "admin", endpoint: string): Promise<S3Connection> {
  if (identity === "admin") {
    const root = await secretData(ctx, NS, s3AdminSecretName("minio"));
    return { endpoint, region: DEFAULTS.s3Region, accessKey: root.S3_ADMIN_USER, secretKey: root.S3_ADMIN_PASSWORD };
  }
  const keys = await secretData(ctx, NS, s3SecretName("minio", identity));
  return { endpoint, region: DEFAULTS.s3Region, accessKey: keys.LAKEHOUSE_S3_ACCESS_KEY, secretKey: keys.LAKEHOUSE_S3_SECRET_KEY };
}
