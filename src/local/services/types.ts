import type { Logger } from "../../lib/log";
import type { Installed } from "../install";
import type { StackPaths } from "../paths";
import type { StackSecrets } from "../secrets";
import type { StackSettings } from "../settings";
import type { Probe } from "../health";
import type { Program } from "../supervisor";

/** What every service definition may use: resolved once per command. */
export interface StackContext {
  paths: StackPaths;
  settings: StackSettings;
  secrets: StackSecrets;
  installed: Installed;
  log: Logger;
}

/** One long-running process of the local stack. */
export interface Service {
  name: string;
  description: string;
  /** Ports it listens on (checked free before the first start). */
  ports: number[];
  /** What a person opens or connects to. */
  endpoint: string;
  /** Services that must be healthy first. */
  dependsOn: string[];
  /** First start can take a while (JVM, migrations). */
  startTimeoutMs: number;
  program(): Program;
  /** Before start: render configs, initialise data directories and schemas. Idempotent. */
  prepare?(): Promise<void>;
  health: Probe;
  /** After it is healthy: buckets, users, imports. Idempotent. */
  afterHealthy?(): Promise<void>;
}
