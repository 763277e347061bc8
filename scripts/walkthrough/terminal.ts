/**
 * A real shell in tmux, recorded by polling `tmux capture-pane`: the commands run exactly as a
 * person would run them (their own output, colors stripped, their real timing), and the frames
 * are the pane's text at each moment. tmux runs on a socket of its own (-L), so neither the
 * user's tmux nor another recording is touched, and the server is killed when done.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { run } from "../../src/lib/exec";
import type { Logger } from "../../src/lib/log";
import { repoRoot } from "../../src/local/paths";
import { TERMINAL } from "./cards";
import type { Frame } from "./frames";

/** How often the pane is captured while a command runs (ms). */
const POLL_MS = 250;
/** The longest a command may take (a cold Spark run on a busy machine is minutes, not an hour). */
const COMMAND_TIMEOUT_MS = 45 * 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The tmux sockets of this process's open terminals, for killOpenTerminals. */
const openSockets = new Set<string>();

/** Stops every terminal this process opened (on Ctrl-C or an error), so no recorded command runs on unseen. */
export function killOpenTerminals(): void {
  for (const socket of openSockets) spawnSync("tmux", ["-L", socket, "kill-server"], { stdio: "ignore" });
  openSockets.clear();
}

export class Terminal {
  private readonly socket = `lakehouse-walkthrough-${process.pid}`;
  private readonly target = "walkthrough";
  private commandsRun = 0;
  /** The server's socket file, removed on close (kill-server leaves it behind). */
  private socketPath = "";

  private constructor(
    private readonly statusFile: string,
    private readonly log: Logger,
  ) {}

  /**
   * Starts bash (no profile, an rcfile of its own: the same prompt "$ " everywhere) in a detached tmux session
   * of TERMINAL's size, in the repository, with `env` added to this process's environment.
   * After each command the prompt appends its exit code to a file: that is how a command's end
   * is known without printing anything into the pane.
   */
  static async open(workDir: string, log: Logger, env: Record<string, string> = {}): Promise<Terminal> {
    fs.mkdirSync(workDir, { recursive: true });
    const statusFile = path.join(workDir, "exit-codes");
    fs.writeFileSync(statusFile, "");
    const conf = path.join(workDir, "tmux.conf");
    fs.writeFileSync(conf, "set -g status off\nset -g history-limit 100000\nset -g default-terminal xterm-256color\n");
    // An rcfile rather than the environment: bash sets its own PS1 whatever the environment says.
    const rc = path.join(workDir, "bashrc");
    const quoted = statusFile.replace(/'/g, "'\\''");
    fs.writeFileSync(rc, `PS1='$ '\nPS2='> '\nHISTFILE=/dev/null\nPROMPT_COMMAND='echo $? >> ${quoted}'\n`);
    const t = new Terminal(statusFile, log);
    openSockets.add(t.socket);
    const shellEnv = { ...process.env, ...env, NO_COLOR: "1" };
    const shell = `bash --noprofile --rcfile '${rc.replace(/'/g, "'\\''")}' -i`;
    await run("tmux", ["-L", t.socket, "-f", conf, "new-session", "-d", "-s", t.target, "-x", String(TERMINAL.cols), "-y", String(TERMINAL.rows), "-c", repoRoot, shell], { env: shellEnv });
    t.socketPath = (await t.tmux(["display-message", "-p", "#{socket_path}"])).trim();
    await t.waitForPrompts(1, 20_000, "bash's first prompt");
    await t.tmux(["clear-history", "-t", t.target]);
    return t;
  }

  private tmux(args: string[]): Promise<string> {
    return run("tmux", ["-L", this.socket, ...args]);
  }

  /** The visible pane's text. */
  capture(): Promise<string> {
    return this.tmux(["capture-pane", "-p", "-t", this.target]);
  }

  /** Everything the pane has shown since it opened (scrollback included). */
  history(): Promise<string> {
    return this.tmux(["capture-pane", "-p", "-S", "-", "-E", "-", "-t", this.target]);
  }

  private exitCodes(): string[] {
    return fs.readFileSync(this.statusFile, "utf8").split("\n").filter(Boolean);
  }

  private async waitForPrompts(count: number, timeoutMs: number, what: string, onPoll?: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.exitCodes().length < count) {
      if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; the pane shows:\n${(await this.capture()).trimEnd().split("\n").slice(-12).join("\n")}`);
      await onPoll?.();
      await sleep(POLL_MS);
    }
  }

  /**
   * Types `command` (a few characters at a time, so the typing shows), presses Enter and
   * captures a frame whenever the pane changes, until the prompt is back. Frames' times count
   * from `t0` (ms), so a scene of several commands is one timeline. Fails with the pane's last
   * lines when the command exits non-zero.
   */
  async type(command: string, frames: Frame<string>[], t0: number): Promise<void> {
    const snap = async () => {
      const text = await this.capture();
      if (frames.length === 0 || frames[frames.length - 1].value !== text) frames.push({ at: (Date.now() - t0) / 1000, value: text });
    };
    await snap();
    const chunk = Math.max(1, Math.ceil(command.length / 40));
    for (let i = 0; i < command.length; i += chunk) {
      // tmux reads an argument that ends in ';' as the end of its command, unless escaped.
      // "--": a chunk that starts with "-" (the "-0" of "--date 2024-03-07") is text, not a flag.
      await this.tmux(["send-keys", "-t", this.target, "-l", "--", command.slice(i, i + chunk).replace(/;$/, "\\;")]);
      await sleep(30);
      await snap();
    }
    await sleep(400);
    await snap();
    const started = Date.now();
    await this.tmux(["send-keys", "-t", this.target, "Enter"]);
    this.commandsRun++;
    this.log.step(`  $ ${command}`);
    await this.waitForPrompts(this.commandsRun + 1, COMMAND_TIMEOUT_MS, `'${command}' to finish`, snap);
    await snap();
    const code = this.exitCodes()[this.commandsRun];
    this.log.step(`  exit ${code} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (code !== "0") {
      const tail = (await this.history()).trimEnd().split("\n").slice(-15).join("\n");
      throw new Error(`'${command}' failed (exit ${code}) in the recorded terminal:\n${tail}`);
    }
  }

  /** Stops this recording's tmux server (its own socket: nothing else). */
  async close(): Promise<void> {
    await this.tmux(["kill-server"]).catch(() => undefined);
    if (this.socketPath) fs.rmSync(this.socketPath, { force: true });
    openSockets.delete(this.socket);
  }
}

/** Runs `commands` one after another in a fresh terminal; returns the frames and the whole transcript. */
export async function recordCommands(commands: string[], workDir: string, log: Logger, env: Record<string, string> = {}): Promise<{ frames: Frame<string>[]; transcript: string }> {
  const terminal = await Terminal.open(workDir, log, env);
  try {
    const frames: Frame<string>[] = [];
    const t0 = Date.now();
    for (const command of commands) {
      await terminal.type(command, frames, t0);
      await sleep(800); // a moment on the result before the next command clears nothing but scrolls
    }
    const transcript = await terminal.history();
    fs.writeFileSync(path.join(workDir, "transcript.txt"), transcript);
    fs.writeFileSync(path.join(workDir, "frames.json"), JSON.stringify(frames));
    return { frames, transcript };
  } finally {
    await terminal.close();
  }
}
