// Loads a TypeScript entry point of this repository, first installing the Node dependencies
// (npm ci) when they are missing or were installed from another package-lock.json. Plain
// JavaScript on purpose: it must run on a fresh clone, before tsx exists.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function ensureNodeDeps() {
  // Images install their dependencies at build time and never at run time.
  if (process.env.LAKEHOUSE_SKIP_NPM_CI === "1") return;
  const lock = join(root, "package-lock.json");
  const lockHash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  // The lock's hash as of the last install. By content, not mtime: a checkout or a worktree whose
  // node_modules links to another's touches the lock without changing it, and must not reinstall.
  const installed = join(root, "node_modules", ".lakehouse-lock-sha256");
  const recorded = existsSync(installed);
  let stale;
  if (recorded) stale = readFileSync(installed, "utf8").trim() !== lockHash;
  else {
    // Installed by npm itself (no hash yet): npm's own record of the install, by time.
    const npmRecord = join(root, "node_modules", ".package-lock.json");
    stale = !existsSync(npmRecord) || statSync(lock).mtimeMs > statSync(npmRecord).mtimeMs + 1000;
  }
  if (!existsSync(join(root, "node_modules", "tsx")) || stale) {
    process.stderr.write("[lakehouse] installing Node dependencies (npm ci)\n");
    execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  }
  if (!recorded || stale) writeFileSync(installed, lockHash + "\n");
}

/** Requires a .ts file through tsx's CommonJS hook (the sources are CommonJS, as Pulumi expects). */
export async function runTypeScript(file) {
  ensureNodeDeps();
  const { register } = await import("tsx/cjs/api");
  register();
  createRequire(import.meta.url)(resolve(root, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, ...rest] = process.argv.slice(2);
  process.argv = [process.argv[0], resolve(root, file), ...rest];
  await runTypeScript(file);
}
