/** ZIP entry names from outside (a download, a Superset export) before any is written to disk. */
import path from "node:path";

/** Whether entry `name` would land outside the directory it is written under: absolute (POSIX or Windows), or with a `..` part. */
export function escapesDir(name: string): boolean {
  return path.posix.isAbsolute(name) || path.win32.isAbsolute(name) || name.split(/[\\/]/).includes("..");
}
