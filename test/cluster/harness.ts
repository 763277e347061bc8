/**
 * Cluster tests run against the real one-node cluster (src/cluster). test/run.ts brings it up
 * once before the files run (LAKEHOUSE_CLUSTER_READY=1); a file run alone brings it up itself.
 */
import path from "node:path";
import { clusterContext, clusterUp, kubectl, type ClusterContext } from "../../src/cluster/cluster";
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
  await loadImages(ctx.layout.containerdSocket, [WEB_IMAGE], path.join(ctx.layout.run, "images-loaded.json"), silentLogger);
  return WEB_IMAGE;
}

export const k = (ctx: ClusterContext, args: string[], input?: string) => kubectl(ctx, args, input);

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
