/**
 * `npm run bench:cluster [-- --runs N --rest-seconds S --out DIR]`: what the one-node cluster
 * costs on this machine. Time from a stopped cluster to a Ready node (warm: toolchain built),
 * `down`, and at rest the resident memory and CPU of each component's process tree; the cold
 * figures are the build times the toolchain recorded when it built each part. Writes
 * <out>/<date>-cluster.json and .md (out: bench/results). Needs root, and no other cluster here.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Command } from "commander";
import { clusterDown, clusterState, clusterUp } from "../src/cluster/cluster";
import { buildRecords } from "../src/cluster/toolchain";
import { consoleLogger, silentLogger } from "../src/lib/log";
import { repoRoot } from "../src/local/paths";
import { descendants, readProcs } from "./lib/memory";
import { median } from "./lib/stats";

const log = consoleLogger("bench-cluster");
/** Clock ticks per second of /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

/** Each component's pid, from the cluster's supervisord. */
function componentPids(): Record<string, number> {
  const state = clusterState();
  const conf = path.join(state, "run", "supervisord.conf");
  const out = execFileSync(path.join(repoRoot, ".venv", "bin", "supervisorctl"), ["-c", conf, "status"], { encoding: "utf8" }).trim();
  return Object.fromEntries(out.split("\n").map((l) => /^(\S+)\s+RUNNING\s+pid (\d+)/.exec(l)).filter(Boolean).map((m) => [m![1], Number(m![2])]));
}

async function main(): Promise<void> {
  const o = new Command().option("--runs <n>", "down/up cycles (median)", "3").option("--rest-seconds <s>", "how long to sample at rest", "60")
    .option("--out <dir>", "where results go", path.join(repoRoot, "bench", "results")).parse(process.argv).opts<{ runs: string; restSeconds: string; out: string }>();
  const ups: number[] = [];
  const downs: number[] = [];
  for (let i = 0; i < Number(o.runs); i++) {
    let t = Date.now();
    await clusterDown(silentLogger);
    downs.push((Date.now() - t) / 1000);
    t = Date.now();
    await clusterUp(silentLogger, { pulumi: false });
    ups.push((Date.now() - t) / 1000);
    log.step(`run ${i + 1}: down ${downs.at(-1)!.toFixed(1)} s, up to a Ready node ${ups.at(-1)!.toFixed(1)} s`);
  }
  const pids = componentPids();
  const before = readProcs();
  log.step(`sampling the cluster at rest for ${o.restSeconds} s`);
  await new Promise((r) => setTimeout(r, Number(o.restSeconds) * 1000));
  const after = readProcs();
  const components = Object.entries(pids).map(([name, pid]) => {
    const now = descendants(after, pid);
    const ticks = now.reduce((s, p) => s + p.ticks - (before.get(p.pid)?.ticks ?? p.ticks), 0);
    return { name, rssMb: now.reduce((s, p) => s + p.rssKb, 0) / 1024, cores: ticks / CLK_TCK / Number(o.restSeconds) };
  });
  const result = {
    startedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: os.totalmem() / 1024 ** 3 },
    upSeconds: ups, downSeconds: downs, restSeconds: Number(o.restSeconds), components,
    builds: buildRecords(),
  };
  fs.mkdirSync(o.out, { recursive: true });
  const base = path.join(o.out, `${result.startedAt.slice(0, 10)}-cluster`);
  fs.writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + "\n");
  const total = components.reduce((s, c) => ({ rssMb: s.rssMb + c.rssMb, cores: s.cores + c.cores }), { rssMb: 0, cores: 0 });
  const md = [
    `# The one-node cluster's own cost (${result.startedAt.slice(0, 16)}Z)`,
    "",
    `Machine: ${result.machine.cpus} cores (${result.machine.cpuModel}), ${result.machine.memoryGb.toFixed(1)} GB. \`npm run bench:cluster\`.`,
    "",
    `- Stopped cluster to a Ready node (toolchain built, images loaded): median **${median(ups).toFixed(1)} s** (${ups.map((u) => u.toFixed(1)).join(", ")})`,
    `- \`cluster down\`: median ${median(downs).toFixed(1)} s`,
    `- At rest, ${o.restSeconds} s sample: **${total.rssMb.toFixed(0)} MB** resident, **${total.cores.toFixed(3)} cores**`,
    "",
    "| component | RSS MB | CPU cores at rest |",
    "|---|---:|---:|",
    ...components.map((c) => `| ${c.name} | ${c.rssMb.toFixed(0)} | ${c.cores.toFixed(3)} |`),
    "",
    "Cold: the builds the toolchain recorded (each once per version; absent = built before durations were recorded).",
    "",
    "| cache entry | built from | seconds |",
    "|---|---|---:|",
    ...result.builds.map((b) => `| ${b.dir} | ${b.built} | ${b.seconds ?? "not recorded"} |`),
    "",
  ].join("\n");
  fs.writeFileSync(`${base}.md`, md);
  log.step(`wrote ${base}.md`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:cluster failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
