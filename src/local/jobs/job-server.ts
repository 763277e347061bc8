/**
 * The client of the local stack's warm job servers (spark/lakehouse/job_server.py: the `spark`
 * service runs the silver job in one long-lived Spark session, the `dbt` service runs dbt with
 * its modules imported once): a job's request sent over the server's Unix socket, its output
 * read back as it comes, exactly as the job's own process would print it, and its exit code
 * from the last line.
 */
import crypto from "node:crypto";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { CommandError, echoer } from "../../lib/exec";
import type { Probe } from "../health";
import type { StackPaths } from "../paths";

/** The key of the server's last line, {"lakehouse_job_exit": <code>} (job_server.py's EXIT_KEY). */
export const EXIT_KEY = "lakehouse_job_exit";

/** The jobs the servers run (job_server.py's JOBS), and "ping", their health check. */
export type ServerJob = "silver" | "dbt" | "ping";

/** The local stack's job servers, by service name. */
export type JobServerName = "spark" | "dbt";

export interface JobServer {
  service: JobServerName;
  /** Where it listens: under the stack's run/, or /tmp when that path is too long for a socket (~100 bytes). */
  socket: string;
}

export function jobServer(paths: StackPaths, service: JobServerName): JobServer {
  const preferred = path.join(paths.run, `${service}.sock`);
  const hash = crypto.createHash("sha1").update(paths.state).digest("hex").slice(0, 12);
  return { service, socket: preferred.length < 100 ? preferred : path.join(os.tmpdir(), `lakehouse-${service}-${hash}.sock`) };
}

const DESCRIBED: Record<JobServerName, string> = { spark: "Spark driver (service spark)", dbt: "dbt server (service dbt)" };

/** The output without the server's last line, and the exit code that line gives (pure). */
export function splitAnswer(answer: string): { output: string; exitCode: number | undefined } {
  const lines = answer.replace(/\n$/, "").split("\n");
  const last = lines.at(-1) ?? "";
  let exitCode: number | undefined;
  try {
    const parsed = JSON.parse(last) as Record<string, unknown>;
    if (typeof parsed[EXIT_KEY] === "number") exitCode = parsed[EXIT_KEY];
  } catch {
    // no exit line: the server went away mid-job
  }
  const output = exitCode === undefined ? answer : lines.slice(0, -1).join("\n") + (lines.length > 1 ? "\n" : "");
  return { output, exitCode };
}

export interface ServerRunOptions {
  /** Echo the job's output to this process's stderr as it comes, without the lines `quiet` matches. */
  echo?: boolean;
  quiet?: RegExp;
}

/**
 * Runs `job` with `args` in the job server; resolves with its output, or rejects with a
 * CommandError carrying the output and exit code (as `run` does for a process of its own). A server
 * that is not running, or that went away mid-job, is named in the error with what to do.
 */
export function runOnJobServer(server: JobServer, job: ServerJob, args: string[], opts: ServerRunOptions = {}): Promise<string> {
  const what = `${job}${args.length ? ` ${args.join(" ")}` : ""}`;
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(server.socket);
    const chunks: Buffer[] = [];
    // Everything but the exit line is echoed; that line is the last, so the echo lags one line.
    const echo = opts.echo ? echoer(new RegExp(`^\\{"${EXIT_KEY}": \\d+\\}$|${opts.quiet?.source ?? "^$"}`)) : undefined;
    let connected = false;
    conn.on("connect", () => {
      connected = true;
      conn.write(JSON.stringify({ job, args }) + "\n");
    });
    conn.on("data", (d: Buffer) => {
      chunks.push(d);
      echo?.write(d);
    });
    conn.on("error", (err: NodeJS.ErrnoException) => {
      if (connected) return; // 'close' follows and judges what arrived
      const down = err.code === "ENOENT" || err.code === "ECONNREFUSED";
      reject(new CommandError(
        down
          ? `the local stack's ${DESCRIBED[server.service]} is not running, so '${what}' could not start: run 'lakehouse local up'`
          : `could not reach the local stack's ${DESCRIBED[server.service]} at ${server.socket}: ${err.message}`,
        null,
        "",
      ));
    });
    conn.on("close", () => {
      if (!connected) return;
      echo?.end();
      const { output, exitCode } = splitAnswer(Buffer.concat(chunks).toString("utf8"));
      if (exitCode === 0) return resolve(output);
      const tail = output.trim().split("\n").slice(-15).join("\n");
      reject(new CommandError(
        exitCode === undefined
          ? `the local stack's ${DESCRIBED[server.service]} went away during '${what}' (see 'lakehouse local logs ${server.service}'); its last output:\n${tail}`
          : `'${what}' in the local stack's ${DESCRIBED[server.service]} failed with exit code ${exitCode}:\n${tail}`,
        exitCode ?? null,
        output,
      ));
    });
  });
}

/** Healthy when the server answers a ping: its session is ready (it listens only then). */
export function jobServerProbe(server: JobServer): Probe {
  return async () => {
    try {
      await runOnJobServer(server, "ping", []);
      return true;
    } catch {
      return false;
    }
  };
}
