/**
 * Where the local stack keeps things. State (data, logs, rendered configs, credentials)
 * lives in one git-ignored directory of the checkout; downloads live in a per-user cache
 * outside the repository so that a fresh clone on a warm machine starts in seconds.
 */
import os from "node:os";
import path from "node:path";

/** The repository root (this file is src/local/paths.ts). */
export const repoRoot = path.resolve(__dirname, "..", "..");

export interface StackPaths {
  state: string;
  data: string;
  logs: string;
  conf: string;
  run: string;
  secrets: string;
  cache: string;
  cacheBin: string;
  cacheDist: string;
  venv: string;
}

export function stackPaths(env: NodeJS.ProcessEnv = process.env): StackPaths {
  const state = path.resolve(env.LAKEHOUSE_HOME ?? path.join(repoRoot, ".lakehouse"));
  const cache = path.resolve(env.LAKEHOUSE_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "lakehouse"));
  return {
    state,
    data: path.join(state, "data"),
    logs: path.join(state, "logs"),
    conf: path.join(state, "conf"),
    run: path.join(state, "run"),
    secrets: path.join(state, "secrets.json"),
    cache,
    cacheBin: path.join(cache, "bin"),
    cacheDist: path.join(cache, "dist"),
    venv: path.join(repoRoot, ".venv"),
  };
}
