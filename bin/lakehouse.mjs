#!/usr/bin/env node
// Entry point of the `lakehouse` CLI. Plain JavaScript on purpose: on a fresh clone it
// installs the Node dependencies (npm ci) before loading the TypeScript CLI through tsx.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const marker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
if (!existsSync(join(root, "node_modules", "tsx")) || (existsSync(marker) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000)) {
  process.stderr.write("[lakehouse] installing Node dependencies (npm ci)\n");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
}
// The TypeScript sources are CommonJS (as Pulumi's runtime expects): load them through tsx's require hook.
const { register } = await import("tsx/cjs/api");
register();
const { createRequire } = await import("node:module");
createRequire(import.meta.url)(join(root, "src", "cli", "main.ts"));
