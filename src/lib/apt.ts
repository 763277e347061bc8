/**
 * Debian packages installed with apt-get, for the three install steps that need them (the local
 * stack's PostgreSQL, the browser test's Chromium, the cluster's runtime). They may run at the
 * same time (`lakehouse local install` beside `lakehouse cluster install`), so each waits for
 * dpkg's lock instead of failing on it.
 */
import { run } from "./exec";

/** How long an install waits for another apt-get to release dpkg's lock. */
const LOCK_WAIT_SECONDS = 900;

/** `apt-get update` then `apt-get install --no-install-recommends` of `packages`, as root. */
export async function aptInstall(packages: string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const lock = ["-o", `DPkg::Lock::Timeout=${LOCK_WAIT_SECONDS}`];
  await run("apt-get", [...lock, "update", "-qq"], { env });
  await run("apt-get", [...lock, "install", "-y", "-qq", "--no-install-recommends", ...packages], { env });
}
