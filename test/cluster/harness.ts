/**
 * Cluster tests run against the real one-node cluster (src/cluster). test/run.ts brings it up
 * once before the files run (LAKEHOUSE_CLUSTER_READY=1); a file run alone brings it up itself.
 */
import path from "node:path";
import { clusterContext, clusterNodeProblems, clusterStorageProblems, clusterUp, kubectl, type ClusterContext } from "../../src/cluster/cluster";
import { run } from "../../src/lib/exec";
import { buildImage, loadImages } from "../../src/cluster/images";
import { consoleLogger, silentLogger } from "../../src/lib/log";

let cluster: Promise<ClusterContext> | undefined;

export function testCluster(): Promise<ClusterContext> {
  cluster ??= (async () => {
    if (process.env.LAKEHOUSE_CLUSTER_READY === "1") {
      const ctx = await clusterContext(silentLogger, { installMissing: false });
      if (ctx) return ctx;
    }
    return clusterUp(consoleLogger("test-cluster"), { pulumi: true });
  })();
  return cluster;
}

/** The tests' web server image, built with podman from test/cluster/fixtures/webserver and loaded into containerd. */
export const WEB_IMAGE = "localhost/lakehouse-test/webserver:1";

export async function ensureWebImage(ctx: ClusterContext): Promise<string> {
  const dir = path.join(__dirname, "fixtures", "webserver");
  await buildImage({ tag: WEB_IMAGE, dockerfile: path.join(dir, "Dockerfile"), context: dir }, silentLogger);
  await loadImages(ctx.layout.containerdSocket, [WEB_IMAGE], ctx.layout.imagesLoaded, silentLogger);
  return WEB_IMAGE;
}

export const k = (ctx: ClusterContext, args: string[], input?: string) => kubectl(ctx, args, input);

/**
 * What a failed cluster test appends to its error, so that the end of a CI log says why pods did
 * not run: the node's problems (a DiskPressure taint leaves every pod Pending), the namespace's
 * pods that are not Running or done with their containers' waiting reasons, its last warnings,
 * and the free disk space. Never throws: it reports what it could not read instead.
 */
export async function clusterDiagnosis(ctx: ClusterContext, ns: string): Promise<string> {
  const part = async (title: string, read: () => Promise<string>) => `${title}:\n${(await read().catch((e: Error) => `(could not read: ${e.message})`)).trim() || "(none)"}`;
  const parts = await Promise.all([
    // One line, the first: the reason test/run.ts repeats at the end of the log.
    Promise.all([clusterNodeProblems(ctx), clusterStorageProblems(ctx)]).then((p) => `node problems: ${p.flat().join("; ") || "none"}`, (e: Error) => `node problems: (could not read: ${e.message})`),
    part(`pods in ${ns} not running`, async () => {
      const pods = JSON.parse(await k(ctx, ["-n", ns, "get", "pods", "-o", "json"])) as { items: { metadata: { name: string }; status: { phase?: string; containerStatuses?: { name: string; state?: { waiting?: { reason?: string; message?: string } } }[] } }[] };
      return pods.items
        .filter((p) => p.status.phase !== "Running" && p.status.phase !== "Succeeded")
        .map((p) => `${p.metadata.name} ${p.status.phase ?? "?"} ${(p.status.containerStatuses ?? []).map((c) => c.state?.waiting ? `${c.name}: ${c.state.waiting.reason ?? ""} ${c.state.waiting.message ?? ""}` : "").join("; ")}`.trim())
        .join("\n");
    }),
    part(`last warnings in ${ns}`, async () => (await k(ctx, ["-n", ns, "get", "events", "--field-selector", "type=Warning", "--sort-by=.lastTimestamp", "-o", "custom-columns=OBJECT:.involvedObject.name,REASON:.reason,MESSAGE:.message", "--no-headers"])).trim().split("\n").slice(-10).join("\n")),
    part("free disk", () => run("df", ["-h", "/", ctx.layout.run])),
  ]);
  return parts.join("\n");
}

/**
 * Runs a one-shot pod to completion and returns its log. Not `kubectl run --rm -i`: its attach races a
 * short-lived container and, when it loses, prints a fallback warning into the output (seen in CI).
 */
export async function runPod(ctx: ClusterContext, ns: string, name: string, image: string, command: string[]): Promise<string> {
  await k(ctx, ["-n", ns, "delete", "pod", name, "--ignore-not-found", "--wait=true"]);
  await k(ctx, ["-n", ns, "apply", "-f", "-"], JSON.stringify({
    apiVersion: "v1", kind: "Pod", metadata: { name },
    spec: { restartPolicy: "Never", containers: [{ name, image, imagePullPolicy: "Never", command }] },
  }));
  try {
    const phase = await eventually(`pod ${ns}/${name} finishes`, async () => {
      const p = (await k(ctx, ["-n", ns, "get", "pod", name, "-o", "jsonpath={.status.phase}"])).trim();
      return p === "Succeeded" || p === "Failed" ? p : undefined;
    }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await clusterDiagnosis(ctx, ns)}`);
    });
    const log = await k(ctx, ["-n", ns, "logs", name]);
    if (phase !== "Succeeded") throw new Error(`pod ${ns}/${name} failed:\n${log}`);
    return log;
  } finally {
    await k(ctx, ["-n", ns, "delete", "pod", name, "--ignore-not-found", "--wait=false"]);
  }
}

/** Polls until `check` resolves truthy, or fails with what it last saw. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000}s${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
