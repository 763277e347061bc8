/**
 * The deployment scene, never faked: `--with-cluster` records `pulumi up` (the project's
 * engine: `lakehouse deploy up`) and kubectl live on the project's one-node cluster and saves
 * the transcript to docs/walkthrough/cluster-transcript.txt; a later recording without the
 * cluster shows that transcript, labelled with when it was captured; with neither, a card says
 * the deployment is not recorded in this run and how to record it.
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../../src/lib/log";
import { repoRoot } from "../../src/local/paths";
import { TERMINAL, titleCard } from "./cards";
import type { Frame } from "./frames";
import { requireCluster } from "./preflight";
import { recordCommands } from "./terminal";
import { writeAtomic } from "./tools";

export const CLUSTER_TRANSCRIPT = path.join(repoRoot, "docs", "walkthrough", "cluster-transcript.txt");
const HEADER = /^# captured (\S+) by npm run walkthrough -- --with-cluster\n/;

export type DeploymentMode = "live" | "transcript" | "unrecorded";

/** What the scene can show in this run: decided before the narration is spoken, since the words differ. */
export function deploymentMode(withCluster: boolean, transcript = CLUSTER_TRANSCRIPT): DeploymentMode {
  if (withCluster) return "live";
  return fs.existsSync(transcript) && HEADER.test(fs.readFileSync(transcript, "utf8")) ? "transcript" : "unrecorded";
}

export type DeploymentCapture =
  | { mode: "live" | "transcript"; frames: Frame<string>[]; title: string }
  | { mode: "unrecorded"; html: string };

/** A saved transcript shown as a terminal scrolling through it, a few lines a step. */
export function scrollFrames(text: string, rows = TERMINAL.rows): Frame<string>[] {
  const lines = text.replace(/\s+$/, "").split("\n");
  const frames: Frame<string>[] = [];
  for (let end = Math.min(rows, lines.length), i = 0; ; end = Math.min(lines.length, end + 3), i++) {
    frames.push({ at: i * 0.4, value: lines.slice(Math.max(0, end - rows), end).join("\n") });
    if (end >= lines.length) break;
  }
  return frames;
}

/** A transcript as committed: this checkout's absolute path (in log paths the CLI prints) as ".", so it names no machine. */
export function portableTranscript(transcript: string, root: string = repoRoot): string {
  const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // The root itself, not a longer name that starts with it (/repo2).
  return transcript.replace(new RegExp(`${escaped}(?=[/\\s)'":,]|$)`, "gm"), ".");
}

/** Records, replays or announces the deployment, as `mode` says. */
export async function captureDeployment(mode: DeploymentMode, commands: string[], workDir: string, log: Logger): Promise<DeploymentCapture> {
  if (mode === "live") {
    const cluster = await requireCluster(log);
    const { frames, transcript } = await recordCommands(commands, workDir, log, cluster.env);
    const captured = new Date().toISOString().slice(0, 16) + "Z";
    writeAtomic(CLUSTER_TRANSCRIPT, `# captured ${captured} by npm run walkthrough -- --with-cluster\n${portableTranscript(transcript).replace(/\s+$/, "")}\n`);
    log.step(`deployment: transcript saved to ${path.relative(repoRoot, CLUSTER_TRANSCRIPT)} (commit it: later recordings without the cluster show it)`);
    return { mode, frames, title: "bash: the project's one-node cluster (lakehouse cluster up)" };
  }
  if (mode === "transcript") {
    const text = fs.readFileSync(CLUSTER_TRANSCRIPT, "utf8");
    const captured = HEADER.exec(text)![1];
    log.step(`deployment: showing the transcript captured ${captured} (${path.relative(repoRoot, CLUSTER_TRANSCRIPT)})`);
    return { mode, frames: scrollFrames(text.replace(HEADER, "")), title: `transcript captured ${captured} with --with-cluster: not live in this recording` };
  }
  log.step("deployment: no cluster and no saved transcript: a card says it is not recorded (--with-cluster records it)");
  return {
    mode,
    html: titleCard("The deployment: not recorded in this run", [
      "the same pipeline on Kubernetes, with one pulumi up",
      "to record it:",
      "sudo npx lakehouse cluster up",
      "npm run walkthrough -- --with-cluster",
    ], "docs/cluster.md: the project's one-node cluster; docs/deploy.md: the Pulumi program"),
  };
}
