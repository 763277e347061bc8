/** `lakehouse local …`: the stack of real services on this machine. */
import type { Command } from "commander";
import type { Logger } from "../lib/log";
import { down, logs, restart, stackContext, status, up } from "../local/stack";
import { renderTable } from "./table";

export function registerLocalCommands(program: Command, log: Logger): void {
  const local = program.command("local").description("run the lakehouse's services as local processes (no cluster needed)");

  local
    .command("install")
    .description("download and build what the local stack runs (cached in ~/.cache/lakehouse; idempotent)")
    .action(async () => {
      await stackContext(log, true);
      log.step("everything is installed");
    });

  local
    .command("up")
    .description("start the object store, PostgreSQL, Hive Metastore, Trino, Superset and the warm job servers (a Spark driver, dbt), in order, each health-checked")
    .option("--only <services...>", "start only these services (and what they depend on)")
    .addHelpText(
      "after",
      "\nPorts (127.0.0.1): objectstore 9000/9001, postgres 5433, metastore 9083, trino 8080, superset 8088; the job servers\n" +
        "spark (silver runs in it) and dbt (gold builds run in it) listen on Unix sockets in .lakehouse/run/.\n" +
        "Move one with LAKEHOUSE_PORT_<NAME>, e.g. LAKEHOUSE_PORT_TRINO=18080. State lives in .lakehouse/ (LAKEHOUSE_HOME).",
    )
    .action(async (opts: { only?: string[] }) => {
      await up(log, opts.only);
      await printStatus(log);
    });

  local
    .command("down")
    .description("stop every service; data stays in .lakehouse/data for the next 'up'")
    .action(() => down(log));

  local
    .command("restart")
    .description("restart services, e.g. after changing their configuration")
    .argument("<services...>", "objectstore | postgres | metastore | trino | superset | spark | dbt")
    .action((names: string[]) => restart(log, names));

  local
    .command("status")
    .description("each service: process state, health, URL or port, log file")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const rows = await status(log);
      if (opts.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
      await printStatus(log);
      if (rows.some((r) => !r.healthy)) process.exitCode = 3;
    });

  local
    .command("logs")
    .description("print a service's log")
    .argument("<service>", "objectstore | postgres | metastore | trino | superset | spark | dbt (or a setup log such as metastore-schematool)")
    .option("-f, --follow", "keep printing as the log grows")
    .option("-n, --lines <n>", "lines to show", "100")
    .action((service: string, opts: { follow?: boolean; lines: string }) => logs(log, service, { follow: !!opts.follow, lines: Number(opts.lines) }));
}

async function printStatus(log: Logger): Promise<void> {
  const rows = await status(log);
  if (rows.length === 0) return void process.stdout.write("The local stack has not been set up here: run 'lakehouse local up'.\n");
  process.stdout.write(
    renderTable(
      ["service", "process", "health", "endpoint", "log"],
      rows.map((r) => [r.name, r.process, r.healthy ? "healthy" : "DOWN", r.endpoint, r.log]),
    ) + "\n",
  );
}
