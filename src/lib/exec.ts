/** Running child processes with errors that say what failed and where to look. */
import { spawn, type SpawnOptions } from "node:child_process";
import fs from "node:fs";

export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Append stdout+stderr to this file instead of keeping them in memory only. */
  logFile?: string;
  /** Stream output to this process's stderr as it comes (long installs). */
  echo?: boolean;
  /**
   * Lines not echoed (still in the output, the error's tail and the log file): the libraries'
   * start-up notices a user can do nothing about. LAKEHOUSE_VERBOSE=1 echoes them too.
   */
  quiet?: RegExp;
  /** Run as this user (when root), e.g. PostgreSQL refuses to run as root. */
  asUser?: string;
  input?: string;
}

/** Runs a command to completion; rejects with the tail of its output on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  let file = cmd;
  let argv = args;
  if (opts.asUser) {
    file = "runuser";
    argv = ["-u", opts.asUser, "--", cmd, ...args];
  }
  const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"] };
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, spawnOpts);
    const chunks: Buffer[] = [];
    const log = opts.logFile ? fs.createWriteStream(opts.logFile, { flags: "a" }) : undefined;
    const echo = opts.echo ? echoer(opts.quiet && process.env.LAKEHOUSE_VERBOSE !== "1" ? opts.quiet : undefined) : undefined;
    const onData = (d: Buffer) => {
      chunks.push(d);
      log?.write(d);
      echo?.write(d);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    if (opts.input !== undefined) {
      // A child may exit before reading its input; its exit code tells what happened, not EPIPE.
      child.stdin!.on("error", () => undefined);
      child.stdin!.end(opts.input);
    }
    child.on("error", (err) => {
      log?.end();
      reject(new CommandError(`could not start '${cmd}': ${err.message}`, null, ""));
    });
    child.on("close", (code) => {
      log?.end();
      echo?.end();
      const output = Buffer.concat(chunks).toString("utf8");
      if (code === 0) return resolve(output);
      const tail = output.trim().split("\n").slice(-15).join("\n");
      const where = opts.logFile ? ` (full output: ${opts.logFile})` : "";
      reject(new CommandError(`'${[cmd, ...args].join(" ")}' failed with exit code ${code}${where}:\n${tail}`, code, output));
    });
  });
}

/**
 * Writes a child's output to this process's stderr as it comes, without the lines `quiet`
 * matches: whole lines are judged, so a chunk's last partial line waits for its end.
 */
export function echoer(quiet: RegExp | undefined, out: (s: string) => void = (s) => process.stderr.write(s)): { write(d: Buffer): void; end(): void } {
  if (!quiet) return { write: (d) => out(d.toString("utf8")), end: () => undefined };
  let pending = "";
  const flush = (text: string) => {
    const kept = text.split("\n").filter((line) => !quiet.test(line));
    if (kept.length > 0) out(kept.join("\n") + "\n");
  };
  return {
    write(d) {
      pending += d.toString("utf8");
      const end = pending.lastIndexOf("\n");
      if (end < 0) return;
      flush(pending.slice(0, end));
      pending = pending.slice(end + 1);
    },
    end() {
      if (pending) flush(pending);
      pending = "";
    },
  };
}
