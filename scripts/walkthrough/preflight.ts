/**
 * What a full recording needs before it starts, checked up front so that a missing service
 * fails in a second with what to run, not after minutes of recording: the local stack up and
 * healthy (every service), and with --with-cluster the project's one-node cluster.
 */
import fs from "node:fs";
import path from "node:path";
import { clusterContext, clusterStatus } from "../../src/cluster/cluster";
import type { Logger } from "../../src/lib/log";
import { silentLogger } from "../../src/lib/log";
import type { StackContext } from "../../src/local/services/types";
import { stackContext, status } from "../../src/local/stack";

/** The local stack's context when every service is healthy; otherwise an error naming each one that is not, and what to run. */
export async function requireLocalStack(log: Logger): Promise<StackContext> {
  const ctx = await stackContext(silentLogger, false);
  if (!ctx) throw new Error("the local stack was never set up in this checkout: run 'npx lakehouse local up' (or 'npm run demo', which also loads a week of data), then 'npm run walkthrough' again");
  const services = await status(silentLogger);
  const down = services.filter((s) => !s.healthy);
  if (down.length) {
    const lines = down.map((s) => `  ${s.name} (${s.description}): ${s.process.toLowerCase()}, not healthy at ${s.endpoint}; log ${s.log}`);
    throw new Error(`the local stack is not up:\n${lines.join("\n")}\nrun 'npx lakehouse local up' (it starts what is stopped), then 'npm run walkthrough' again`);
  }
  log.step(`local stack: ${services.map((s) => s.name).join(", ")} healthy`);
  return ctx;
}

export interface ClusterAccess {
  /** The admin kubeconfig of `lakehouse cluster`. */
  kubeconfig: string;
  /** Environment for the recorded shell: KUBECONFIG, and the cluster's kubectl first on PATH. */
  env: Record<string, string>;
}

/** The running one-node cluster, or an error that says how to start it (or to leave out --with-cluster). */
export async function requireCluster(log: Logger): Promise<ClusterAccess> {
  const { components, kubeconfig } = await clusterStatus(silentLogger);
  const hint = "start it with 'sudo npx lakehouse cluster up' (docs/cluster.md), or record without --with-cluster";
  if (components.length === 0 || !fs.existsSync(kubeconfig)) throw new Error(`--with-cluster: the project's cluster is not running here; ${hint}`);
  const down = components.filter((c) => !c.healthy);
  if (down.length) throw new Error(`--with-cluster: cluster component(s) not healthy: ${down.map((c) => `${c.name} (${c.process}; log ${c.log})`).join(", ")}; ${hint}`);
  const ctx = await clusterContext(silentLogger, { installMissing: false, pulumi: false });
  const kubeBin = ctx?.tools.kubeBin;
  const PATH = [kubeBin, process.env.PATH].filter(Boolean).join(path.delimiter);
  log.step(`cluster: ${components.length} components healthy (kubeconfig ${kubeconfig})`);
  return { kubeconfig, env: { KUBECONFIG: kubeconfig, PATH } };
}
