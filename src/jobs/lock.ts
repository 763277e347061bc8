/**
 * One run at a time of a job on a local stack: a lock file in the stack's run directory,
 * created exclusively (O_EXCL) and holding its owner's pid. A second run is refused before it
 * touches anything, naming the run that holds the lock; a lock left by a process that is gone
 * (killed, crashed) is taken over. (Two runs that find the same dead lock in the same instant
 * could both take it over; that needs a crash and a double start at once, so it is left.)
 * The cluster's CronJobs get the same from `concurrencyPolicy: Forbid`.
 */
import fs from "node:fs";
import path from "node:path";
import type { StackPaths } from "../local/paths";

interface Holder {
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

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

/** Takes the job's lock or throws naming who holds it; returns the release function. */
export function acquireJobLock(paths: StackPaths, job: string, why: string): () => void {
  fs.mkdirSync(paths.run, { recursive: true });
  const file = path.join(paths.run, `${job}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify({ pid: process.pid, started_at: new Date().toISOString() } satisfies Holder), { flag: "wx" });
      return () => {
        if (readHolder(file)?.pid === process.pid) fs.rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = readHolder(file);
      // An unreadable lock is one being written by a run starting this instant: held.
      const stat = fs.statSync(file, { throwIfNoEntry: false });
      const starting = !holder && stat !== undefined && Date.now() - stat.mtimeMs < 10_000;
      if ((holder && alive(holder.pid)) || starting) {
        const who = holder ? `pid ${holder.pid}, started ${holder.started_at}` : "starting now";
        throw new Error(`another ${job} run is in progress on this stack (${who}); ${why}. Nothing was done: wait for it to finish, then run again`);
      }
      // Its process is gone: the lock is left over from a run that was killed.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not take the ${job} lock ${file}: another run took it at the same moment; run again`);
}
