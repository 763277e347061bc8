/**
 * The dashboard scenes: Revenue Trends in Superset, driven in a real browser and captured
 * frame by frame. Logging in, opening the dashboard and waiting for every chart is the browser
 * test's own code (test/support/revenue-trends.ts), so the video shows what the test checks;
 * this adds the filter bar's clicks (a date range, then a driver) and a screenshot loop.
 *
 * The browser keeps the test's 1600x1300 viewport, where every chart is in view (Superset
 * renders only charts in view), and the frames are clips of it of the stage's aspect (CLIP),
 * panned over the dashboard rather than scrolled.
 * The filter bar's selectors are those of Superset 6.1's bundle; a step that cannot find its
 * element fails naming the step, with a screenshot of what the browser showed.
 */
import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import type { Logger } from "../../src/lib/log";
import { query } from "../../src/lib/trino";
import { supersetUrl } from "../../src/local/services/superset";
import { trinoTarget } from "../../src/local/services/trino";
import type { StackContext } from "../../src/local/services/types";
import { supersetApi } from "../../src/serving/import-targets";
import { findRevenueTrends, renderRevenueTrends } from "../../test/support/revenue-trends";
import type { Frame } from "./frames";

export type DashboardStep = "overview" | "date-range" | "driver";
/** The stage's aspect (1280x620) at the browser's width: scaled by 0.8 to fill it. */
const CLIP = { x: 0, y: 0, width: 1600, height: 775 };
const SELECTORS = {
  timeTrigger: '[data-test="time-range-trigger"]',
  dateApply: '[data-test="date-filter-control__apply-button"]',
  filterBarApply: '[data-test="filter-bar__apply-button"]',
  filterName: '[data-test="filter-control-name"]',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Screenshots of a clip of the page in a loop, each with its time. */
class Recorder {
  readonly frames: Frame<string>[] = [];
  clip = { ...CLIP };
  private running = false;
  private loop?: Promise<void>;
  private t0 = Date.now();

  constructor(private readonly page: Page, private readonly dir: string) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }

  private async shot(): Promise<void> {
    const file = path.join(this.dir, `f${String(this.frames.length).padStart(5, "0")}.jpg`);
    await this.page.screenshot({ path: file, type: "jpeg", quality: 88, clip: this.clip });
    this.frames.push({ at: (Date.now() - this.t0) / 1000, value: file });
  }

  start(): void {
    this.running = true;
    this.t0 = Date.now();
    this.loop = (async () => {
      while (this.running) {
        // A step that failed closes the browser under the loop: its error is the one to report.
        await this.shot().catch((e: unknown) => {
          if (this.running) throw e;
        });
        await sleep(60);
      }
    })();
  }

  /** Stops the loop without a last frame (after a failed step). */
  async abandon(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
  }

  async stop(): Promise<Frame<string>[]> {
    this.running = false;
    await this.loop;
    await this.shot();
    return this.frames;
  }
}

/** Counts the dashboard's chart-data requests in flight, to know when a filter's charts have redrawn. */
function chartRequests(page: Page): { settled(timeoutMs?: number): Promise<void> } {
  let inflight = 0;
  let changed = Date.now();
  const isChart = (url: string) => url.includes("/api/v1/chart/data");
  page.on("request", (r) => {
    if (!isChart(r.url())) return;
    inflight++;
    changed = Date.now();
  });
  const done = (r: { url(): string }) => {
    if (!isChart(r.url())) return;
    inflight--;
    changed = Date.now();
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  return {
    async settled(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (inflight > 0 || Date.now() - changed < 1500) {
        if (Date.now() > deadline) throw new Error(`charts still loading after ${timeoutMs / 1000} s`);
        await sleep(200);
      }
      await sleep(1500); // ECharts animates a redraw
    },
  };
}

/** Outlines the element about to be clicked (a headless screenshot has no mouse pointer), clicks it, then removes the outline. */
async function point(locator: Locator): Promise<void> {
  await locator.waitFor({ state: "visible", timeout: 30_000 });
  await locator.evaluate((el) => {
    const style = (el as unknown as { style: Record<string, string> }).style;
    style.outline = "4px solid #facc15";
    style.outlineOffset = "2px";
  });
  await sleep(700);
  await locator.click();
  await sleep(500);
  // The outline goes once the click has shown; an element the click removed (an option) has none to lose.
  await locator.evaluate((el) => void ((el as unknown as { style: Record<string, string> }).style.outline = ""), undefined, { timeout: 1000 }).catch(() => undefined);
}

/** Runs a named interaction; on failure, a screenshot and an error that names the step. */
async function step(page: Page, dir: string, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const shot = path.join(dir, `failed-${name.replace(/\W+/g, "-")}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    throw new Error(`dashboard scene, step '${name}': ${(e as Error).message.split("\n")[0]}\nscreenshot: ${shot}\n(Superset's filter bar may have changed: see SELECTORS in scripts/walkthrough/dashboard.ts)`);
  }
}

/** A week of gold ending on `day` (as far as gold goes back), and the top driver by revenue in it. */
async function choices(ctx: StackContext, day: string): Promise<Picks> {
  const trino = trinoTarget(ctx, "dashboard");
  const range = await query(trino, `select cast(min(revenue_date) as varchar) from iceberg.gold.revenue_trends where revenue_date between date '${day}' - interval '6' day and date '${day}'`);
  const since = String(range.rows[0]?.[0] ?? day);
  const until = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const top = await query(trino, `select driver_id from iceberg.gold.daily_revenue_by_driver where revenue_date >= date '${since}' and revenue_date < date '${until}' group by driver_id order by sum(total_revenue) desc limit 1`);
  if (!top.rows.length) throw new Error(`gold has no driver revenue between ${since} and ${day}: run the day first ('npx lakehouse run all --date ${day}')`);
  return { since, until, driver: String(top.rows[0][0]) };
}

/** What the filter steps pick: a date range (since inclusive, until exclusive) and a driver. */
export interface Picks {
  since: string;
  until: string;
  driver: string;
}

/**
 * Records each step on a page that shows the dashboard already: the dashboard panned top to
 * bottom over `overviewSeconds` (its narration's length, so the pan goes with the words), the
 * date range set to `picks`' week, `picks`' driver picked. Returns each step's frames (JPEG
 * files with their times) under `workDir`/<step>.
 */
export async function recordSteps(page: Page, steps: DashboardStep[], picks: Picks, overviewSeconds: number, workDir: string, log: Logger): Promise<Map<DashboardStep, Frame<string>[]>> {
  const charts = chartRequests(page);
  const out = new Map<DashboardStep, Frame<string>[]>();
  for (const s of steps) {
    log.step(`dashboard: recording '${s}'`);
    const rec = new Recorder(page, path.join(workDir, s));
    rec.start();
    try {
      if (s === "overview") {
        const height = Number(await page.evaluate("Math.min(document.documentElement.scrollHeight, window.innerHeight)"));
        const bottom = Math.max(0, height - CLIP.height);
        const pan = Math.max(3, overviewSeconds - 6) * 1000;
        await sleep(3000);
        for (let i = 1; i <= 20; i++) {
          rec.clip = { ...CLIP, y: Math.round((bottom * i) / 20) };
          await sleep(pan / 20);
        }
        await sleep(2000);
      } else if (s === "date-range") {
        await step(page, workDir, "open the date range filter", () => point(page.locator(SELECTORS.timeTrigger).first()));
        await step(page, workDir, "choose the Advanced range type", async () => {
          // Superset 6.1's "Range type" label is not tied to its select: the popover's first select.
          await point(page.locator(".ant-popover:visible .ant-select, .ant-popover-inner .ant-select").first());
          await point(page.locator(".ant-select-item-option", { hasText: /^Advanced$/ }).first());
        });
        for (const [label, value] of [["Start (inclusive)", picks.since], ["End (exclusive)", picks.until]]) {
          await step(page, workDir, `type ${label}`, async () => {
            const input = page.locator(".control-label", { hasText: label }).locator("xpath=following-sibling::input[1]").first();
            await point(input);
            await input.fill(value);
            await sleep(600);
          });
        }
        await step(page, workDir, "apply the date range", () => point(page.locator(SELECTORS.dateApply).first()));
        await step(page, workDir, "apply the filters", () => point(page.locator(SELECTORS.filterBarApply).first()));
        await step(page, workDir, "wait for the charts", () => charts.settled());
      } else {
        await step(page, workDir, "open the Driver filter", () =>
          point(page.locator(SELECTORS.filterName, { hasText: /^Driver$/ }).locator('xpath=ancestor::*[contains(concat(" ", @class, " "), " ant-form-item ")][1]').locator(".ant-select-selector").first()));
        await step(page, workDir, `pick driver ${picks.driver.slice(0, 12)}…`, async () => {
          await page.keyboard.type(picks.driver.slice(0, 12), { delay: 60 });
          await point(page.locator(".ant-select-item-option", { hasText: picks.driver.slice(0, 12) }).first());
          await page.keyboard.press("Escape");
        });
        await step(page, workDir, "apply the filters", () => point(page.locator(SELECTORS.filterBarApply).first()));
        await step(page, workDir, "wait for the charts", () => charts.settled());
      }
    } catch (e) {
      await rec.abandon();
      throw e;
    }
    await sleep(1000);
    out.set(s, await rec.stop());
    log.step(`dashboard: '${s}' ${out.get(s)!.length} frames`);
  }
  return out;
}

/**
 * Opens Revenue Trends as the browser test does (login, every chart drawn, its checks), picks a
 * week of gold ending on `day` and its top driver, and records the steps (recordSteps).
 */
export async function recordDashboard(ctx: StackContext, browser: BrowserContext, workDir: string, day: string, steps: DashboardStep[], overviewSeconds: number, log: Logger): Promise<Map<DashboardStep, Frame<string>[]>> {
  const api = await supersetApi(ctx);
  const dashboardId = await findRevenueTrends(api);
  const { adminUser, adminPassword } = ctx.secrets.superset;
  log.step("dashboard: logging in and waiting for every chart (the browser test's render)");
  await renderRevenueTrends(browser, { baseUrl: supersetUrl(ctx), adminUser, adminPassword }, api, dashboardId, path.join(workDir, "rendered.png"));
  return recordSteps(browser.pages()[0], steps, await choices(ctx, day), overviewSeconds, workDir, log);
}
