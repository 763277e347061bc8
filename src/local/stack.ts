/**
 * `lakehouse local up|down|status|logs`: the local stack's services started in dependency
 * order, each checked healthy over its own protocol before the next one starts.
 */
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import type { Logger } from "../lib/log";
import { install, type Installed } from "./install";
import { portInUse, waitFor } from "./health";
import { stackPaths, type StackPaths } from "./paths";
import { loadOrCreateSecrets } from "./secrets";
import { stackSettings } from "./settings";
import { Supervisor, tail } from "./supervisor";
import { metastore } from "./services/metastore";
import { objectStore } from "./services/objectstore";
import { postgres } from "./services/postgres";
import { sparkService } from "./services/spark";
import { dbtService } from "./services/dbt";
import { supersetService } from "./services/superset";
import { trino } from "./services/trino";
import type { Service, StackContext } from "./services/types";

/** In start order: each service's dependsOn precede it. */
export function services(ctx: StackContext): Service[] {
  return [objectStore(ctx), postgres(ctx), metastore(ctx), trino(ctx), supersetService(ctx), sparkService(ctx), dbtService(ctx)];
}

function installedFile(paths: StackPaths): string {
  return path.join(paths.run, "installed.json");
}

/** Resolves everything a command needs; installs what is missing when `installMissing`. */
export async function stackContext(log: Logger, installMissing = true): Promise<StackContext | undefined> {
  const paths = stackPaths();
  let installed: Installed | undefined;
  if (installMissing) {
    installed = await install(paths, log);
    fs.mkdirSync(paths.run, { recursive: true });
    fs.writeFileSync(installedFile(paths), JSON.stringify(installed, null, 2));
  } else if (fs.existsSync(installedFile(paths))) {
    installed = JSON.parse(fs.readFileSync(installedFile(paths), "utf8")) as Installed;
  }
  if (!installed) return undefined;
  return { paths, settings: stackSettings(), secrets: loadOrCreateSecrets(paths.secrets), installed, log };
}

async function startService(ctx: StackContext, supervisor: Supervisor, svc: Service): Promise<void> {
  const state = (await supervisor.states()).get(svc.name)?.state;
  if (state === "RUNNING" && (await svc.health())) {
    ctx.log.step(`${svc.name}: already running`);
  } else {
    if (state !== "RUNNING") {
      for (const port of svc.ports) {
        if (await portInUse(ctx.settings.host, port)) {
          throw new Error(`${svc.name}: port ${port} on ${ctx.settings.host} is taken by another program; stop it or move ${svc.name} with LAKEHOUSE_PORT_* (see 'lakehouse local up --help')`);
        }
      }
    }
    await svc.prepare?.();
    ctx.log.step(`${svc.name}: starting`);
    await supervisor.start(svc.name);
    const log = supervisor.logFile(svc.name);
    try {
      await waitFor(svc.health, {
        timeoutMs: svc.startTimeoutMs,
        intervalMs: 1000,
        abort: () => undefined,
      });
    } catch (e) {
      const now = (await supervisor.states()).get(svc.name);
      throw new Error(
        `${svc.name} failed its health check (${(e as Error).message}; process ${now?.state ?? "unknown"} ${now?.detail ?? ""}).\n` +
          `Log: ${log}\n--- last lines ---\n${tail(log)}`,
      );
    }
  }
  await svc.afterHealthy?.();
  ctx.log.step(`${svc.name}: healthy at ${svc.endpoint}`);
}

export async function up(log: Logger, only?: string[]): Promise<StackContext> {
  const ctx = (await stackContext(log, true))!;
  for (const dir of [ctx.paths.data, ctx.paths.logs, ctx.paths.conf]) fs.mkdirSync(dir, { recursive: true });
  const all = services(ctx);
  const wanted = only?.length ? withDependencies(all, only) : all;
  const supervisor = new Supervisor(ctx.paths);
  await supervisor.ensureRunning(all.map((s) => s.program()));
  for (const svc of wanted) await startService(ctx, supervisor, svc);
  return ctx;
}

/** The named services and, transitively, what they depend on, in start order. */
export function withDependencies(all: Service[], names: string[]): Service[] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const need = new Set<string>();
  const visit = (n: string) => {
    const s = byName.get(n);
    if (!s) throw new Error(`unknown service '${n}' (services: ${all.map((x) => x.name).join(", ")})`);
    if (need.has(n)) return;
    need.add(n);
    s.dependsOn.forEach(visit);
  };
  names.forEach(visit);
  return all.filter((s) => need.has(s.name));
}

/** Restarts services (after a configuration change); their dependencies are left alone. */
export async function restart(log: Logger, names: string[]): Promise<void> {
  const ctx = (await stackContext(log, true))!;
  const all = services(ctx);
  const supervisor = new Supervisor(ctx.paths);
  await supervisor.ensureRunning(all.map((s) => s.program()));
  for (const name of names) {
    const svc = all.find((s) => s.name === name);
    if (!svc) throw new Error(`unknown service '${name}' (services: ${all.map((s) => s.name).join(", ")})`);
    log.step(`${name}: stopping`);
    await supervisor.ctl(["stop", name]);
    await startService(ctx, supervisor, svc);
  }
}

export async function down(log: Logger): Promise<void> {
  const ctx = await stackContext(log, false);
  if (!ctx) return log.step("nothing to stop: the local stack was never started here");
  const supervisor = new Supervisor(ctx.paths);
  if (!(await supervisor.isRunning())) return log.step("the local stack is not running");
  log.step("stopping every service (data is kept in " + ctx.paths.data + ")");
  await supervisor.shutdown();
  const held = [];
  for (const svc of services(ctx)) for (const port of svc.ports) if (await portInUse(ctx.settings.host, port)) held.push(`${svc.name}:${port}`);
  if (held.length) throw new Error(`after stopping, ports are still in use: ${held.join(", ")}`);
  log.step("stopped");
}

export interface ServiceStatus {
  name: string;
  description: string;
  process: string;
  healthy: boolean;
  endpoint: string;
  log: string;
}

export async function status(log: Logger): Promise<ServiceStatus[]> {
  const ctx = await stackContext(log, false);
  if (!ctx) return [];
  const supervisor = new Supervisor(ctx.paths);
  const states = (await supervisor.isRunning()) ? await supervisor.states() : new Map();
  return Promise.all(
    services(ctx).map(async (svc) => ({
      name: svc.name,
      description: svc.description,
      process: states.get(svc.name)?.state ?? "STOPPED",
      healthy: await svc.health(),
      endpoint: svc.endpoint,
      log: supervisor.logFile(svc.name),
    })),
  );
}

/** Prints a service's log (and follows it with `follow`). */
export async function logs(log: Logger, name: string, opts: { follow: boolean; lines: number }): Promise<void> {
  const paths = stackPaths();
  const file = path.join(paths.logs, `${name}.log`);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(paths.logs) ? fs.readdirSync(paths.logs).map((f) => f.replace(/\.log$/, "")) : [];
    throw new Error(`no log for '${name}' at ${file}${known.length ? ` (logs: ${known.join(", ")})` : ""}`);
  }
  const args = ["-n", String(opts.lines), ...(opts.follow ? ["-F"] : []), file];
  await new Promise<void>((resolve, reject) => {
    const child = spawn("tail", args, { stdio: "inherit" });
    child.on("close", (code) => (code === 0 || code === null ? resolve() : reject(new Error(`tail exited ${code}`))));
  });
}
