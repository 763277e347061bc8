/**
 * One run at a time of a job on a local stack: proper-lockfile's lock in the stack's run
 * directory (`<job>.lock`, a directory made atomically with mkdir), kept fresh by its owner
 * every STALE_MS / 2. A second run is refused before it touches anything, naming the run that
 * holds the lock (from `<job>.owner.json`, written beside it); a lock its owner stopped
 * refreshing (the run was killed or crashed) is stale after STALE_MS and taken over.
 * The cluster's CronJobs get the same from `concurrencyPolicy: Forbid`.
 */
import fs from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import type { StackPaths } from "../paths";

/** How long a lock nobody refreshes stays held; its owner refreshes it every half of this. */
export const STALE_MS = 30_000;

interface Owner {
  pid: number;
  started_at: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Owner;
  } catch {
    return undefined;
  }
}

/** Who holds the lock, as far as its owner file tells (it is written just after the lock is taken). */
function describeHolder(ownerFile: string, lockDir: string): string {
  const owner = readOwner(ownerFile);
  if (!owner) return "starting now";
  if (alive(owner.pid)) return `pid ${owner.pid}, started ${owner.started_at}`;
  const refreshed = fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
  const free = new Date(refreshed + STALE_MS).toISOString();
  return `pid ${owner.pid}, started ${owner.started_at}, is gone; its lock is free from ${free}`;
}

/** Takes the job's lock or throws naming who holds it; returns the release function. */
export function acquireJobLock(paths: StackPaths, job: string, why: string): () => void {
  fs.mkdirSync(paths.run, { recursive: true });
  const lockDir = path.join(paths.run, `${job}.lock`);
  const ownerFile = path.join(paths.run, `${job}.owner.json`);
  let release: () => void;
  try {
    // The locked path itself need not exist (realpath: false); lockfilePath names the lock.
    release = lockfile.lockSync(path.join(paths.run, job), {
      lockfilePath: lockDir,
      realpath: false,
      stale: STALE_MS,
      // A build stopped midway is worse than a warning: say it, and let this run finish.
      onCompromised: (e) => process.stderr.write(`warning: the ${job} lock ${lockDir} was lost (${e.message}); another ${job} run may be running alongside this one\n`),
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ELOCKED") throw e;
    throw new Error(
      `another ${job} run is in progress on this stack (${describeHolder(ownerFile, lockDir)}); ${why}. ` +
        `Nothing was done: wait for it to finish, then run again (a lock left by a killed run is taken over ${STALE_MS / 1000} s after it stopped)`,
    );
  }
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() } satisfies Owner));
  return () => {
    if (readOwner(ownerFile)?.pid === process.pid) fs.rmSync(ownerFile, { force: true });
    release();
  };
}
