/**
 * The Debian programs the recording needs (espeak-ng, ffmpeg with ffprobe, tmux), installed
 * with apt when missing so that a fresh machine needs no manual step, and quiet wrappers
 * around ffmpeg and ffprobe: their banners and per-frame progress would bury the script's
 * own progress lines, so every call runs with -hide_banner -loglevel error.
 */
import fs from "node:fs";
import path from "node:path";
import { aptInstall } from "../../src/lib/apt";
import { run } from "../../src/lib/exec";
import type { Logger } from "../../src/lib/log";

/** Program → the Debian package that provides it. */
const PACKAGES: Record<string, string> = { "espeak-ng": "espeak-ng", ffmpeg: "ffmpeg", ffprobe: "ffmpeg", tmux: "tmux" };

/** Where a program is on PATH, or undefined. */
export function which(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir, program);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Installs the Debian packages of the programs that are missing (as root, waiting for dpkg's
 * lock: aptInstall); not root, it fails naming the apt-get command to run.
 */
export async function ensurePrograms(programs: string[], log: Logger): Promise<void> {
  const missing = programs.filter((p) => !which(p));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((p) => PACKAGES[p] ?? p))];
  if (process.getuid?.() !== 0) {
    throw new Error(`${missing.join(", ")} not found: run 'sudo apt-get install -y ${packages.join(" ")}' (Debian/Ubuntu)`);
  }
  log.step(`installing ${packages.join(", ")} from Debian's packages`);
  await aptInstall(packages);
  const still = programs.filter((p) => !which(p));
  if (still.length) throw new Error(`apt-get installed ${packages.join(" ")} but ${still.join(", ")} is still not on PATH`);
}

/** ffmpeg with its banner and progress off: errors only. Overwrites its output (-y). */
export function ffmpeg(args: string[], cwd?: string): Promise<string> {
  return run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], { cwd });
}

/** A media file's duration in seconds, as ffprobe reads it from the container. */
export async function probeDuration(file: string): Promise<number> {
  const out = await run("ffprobe", ["-hide_banner", "-loglevel", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", file]);
  const seconds = Number(out.trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe could not read the duration of ${file}: '${out.trim()}'`);
  return seconds;
}

/** The first video stream's width and height, as ffprobe reads them. */
export async function probeSize(file: string): Promise<{ width: number; height: number }> {
  const out = await run("ffprobe", ["-hide_banner", "-loglevel", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", file]);
  const [width, height] = out.trim().split("x").map(Number);
  return { width, height };
}

/** Writes through a temporary file and renames it: a killed run never leaves half a file under the final name. */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
