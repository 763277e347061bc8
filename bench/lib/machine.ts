/** The machine and the versions a result was measured with. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../../src/local/paths";
import { VERSIONS } from "../../src/lib/versions";

function lockedVersion(lock: string, name: string): string | undefined {
  return new RegExp(`\\[\\[package\\]\\]\\nname = "${name}"\\nversion = "([^"]+)"`).exec(lock)?.[1];
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  kernel: string;
  node: string;
  loadAverageAtStart: number[];
  versions: Record<string, string | undefined>;
}

export function machineInfo(duckdbVersion: string): MachineInfo {
  const lock = fs.readFileSync(path.join(repoRoot, "uv.lock"), "utf8");
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: os.release(),
    node: process.version,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    versions: {
      ...VERSIONS,
      pyspark: lockedVersion(lock, "pyspark"),
      "dbt-core": lockedVersion(lock, "dbt-core"),
      "dbt-trino": lockedVersion(lock, "dbt-trino"),
      "apache-superset": lockedVersion(lock, "apache-superset"),
      duckdb: duckdbVersion,
    },
  };
}
