/**
 * The browser the dashboard tests and the walkthrough drive: Debian's chromium package, steered
 * by playwright-core (never `playwright install`, which downloads browsers from outside a package
 * registry). Test tooling, not product: `lakehouse local install` does not install it; the
 * first browser test (or walkthrough) does, on demand.
 */
import fs from "node:fs";
import { aptInstall } from "../../src/lib/apt";
import type { Logger } from "../../src/lib/log";

export const CHROMIUM = process.env.LAKEHOUSE_CHROMIUM ?? "/usr/bin/chromium";

/** Headless and quiet: no GPU, no QUIC, no update/sync/first-run traffic. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Returns the chromium binary, installing Debian's package with apt when root; idempotent. */
export async function installChromium(log: Logger): Promise<string> {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(`chromium is not installed at ${CHROMIUM}: run 'sudo apt-get install -y chromium' (Debian/Ubuntu), or set LAKEHOUSE_CHROMIUM`);
  }
  log.step("installing chromium from Debian's packages (for the dashboard's browser test)");
  await aptInstall(["chromium"]);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} does not exist`);
  return CHROMIUM;
}
