/** `lakehouse query "<SQL>"`: SQL on the local stack's Trino, as a table, JSON or CSV. */
import { Option, type Command } from "commander";
import { ENV } from "../lib/connection";
import type { Logger } from "../lib/log";
import { query, type QueryOutput } from "../lib/trino";
import { stackContext } from "../local/stack";
import { trinoTls, trinoUrl } from "../local/services/trino";
import { TRINO_USERS, type TrinoUser } from "../local/secrets";
import { renderTable, formatCell } from "./table";

export function formatResult(out: QueryOutput, format: "table" | "json" | "csv"): string {
  const names = out.columns.map((c) => c.name);
  if (format === "json") return JSON.stringify(out.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))), null, 2);
  if (format === "csv") {
    const esc = (v: unknown) => {
      const s = v === null || v === undefined ? "" : formatCell(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [names.map(esc).join(","), ...out.rows.map((r) => r.map(esc).join(","))].join("\n");
  }
  return renderTable(names, out.rows) + `\n(${out.rows.length} row${out.rows.length === 1 ? "" : "s"})`;
}

export function registerQueryCommand(program: Command, log: Logger): void {
  program
    .command("query")
    .description("run SQL on Trino (catalogs: iceberg for silver/gold, hive for raw bronze)")
    .argument("<sql>", "one SQL statement")
    .addOption(new Option("-f, --format <format>", "output format").choices(["table", "json", "csv"]).default("table"))
    .option("--catalog <catalog>", "default catalog", "iceberg")
    .option("--schema <schema>", "default schema")
    .addOption(new Option("--user <user>", "Trino user of the local stack (its password is read from .lakehouse/secrets.json)").choices([...TRINO_USERS]).default("admin"))
    .option("--server <url>", `another Trino (then ${ENV.trinoUser}, ${ENV.trinoPassword} and ${ENV.trinoCaFile} apply)`)
    .action(async (sql: string, opts: { format: "table" | "json" | "csv"; catalog: string; schema?: string; server?: string; user: TrinoUser }) => {
      const target = { catalog: opts.catalog, schema: opts.schema };
      let out;
      if (opts.server) {
        const env = process.env;
        out = await query({ ...target, server: opts.server, user: env[ENV.trinoUser] ?? opts.user, password: env[ENV.trinoPassword], caFile: env[ENV.trinoCaFile] }, sql);
      } else {
        const ctx = await stackContext(log, false);
        if (!ctx) throw new Error("the local stack is not set up: run 'lakehouse local up' (or pass --server)");
        out = await query({ ...target, server: trinoUrl(ctx), user: opts.user, password: ctx.secrets.trino.users[opts.user], caFile: trinoTls(ctx).caFile }, sql);
      }
      process.stdout.write(formatResult(out, opts.format) + "\n");
    });
}
