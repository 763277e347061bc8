/**
 * The Revenue Trends dashboard as a user sees it: Debian's chromium (the browser test's) logs
 * into the local stack's Superset and opens the dashboard; a render is the seconds from
 * navigation until every chart has drawn (a canvas, an SVG or table rows), measured by the
 * test's own wait (test/support/revenue-trends.ts, drawDashboard), polled every 0.1 s.
 *
 * The first render has a new browser profile (nothing cached in the browser); the later ones
 * are a user coming back, with the browser's cache of Superset's scripts.
 */
import type { StackContext } from "../../src/local/services/types";
import { supersetUrl } from "../../src/serving/import-targets";
import { supersetLogin } from "../../src/serving/superset-api";
import { silentLogger } from "../../src/lib/log";
import { chartDataRequest, dashboardCharts, drawDashboard, findRevenueTrends, launchChromium, loginInBrowser } from "../../test/support/revenue-trends";
import { renderPhases, type RenderPhases, type TimingEntry } from "./render-phases";
import { median } from "./stats";

export interface RenderFigures {
  /** Seconds of the first render (new browser profile). */
  firstSeconds: number;
  /** Median seconds of the renders after it. */
  medianSeconds: number;
  runs: number[];
  charts: number;
  /** Charts that did not draw in a run, with their state ("error", "no-results", …). */
  notDrawn: string[];
  /** Where each run's seconds went, from the browser's timing entries (absent before 2026-12-06's year). */
  phases?: RenderPhases[];
}

/**
 * Renders the dashboard `runs` times; also returns the chart-data requests the first render
 * POSTed, by chart name (what the concurrent users of dashboard-load.ts send to Superset).
 */
export async function dashboardRender(ctx: StackContext, runs: number): Promise<{ figures: RenderFigures; chartRequests: Record<string, unknown> }> {
  const base = supersetUrl(ctx);
  const { adminUser, adminPassword } = ctx.secrets.superset;
  const api = await supersetLogin(base, adminUser, adminPassword, "is the local stack up? 'lakehouse local up'");
  const dashboardId = await findRevenueTrends(api);
  const charts = await dashboardCharts(api, dashboardId);
  const chromium = await launchChromium(silentLogger);
  try {
    const page = chromium.browser.pages()[0] ?? (await chromium.browser.newPage());
    const chartRequests: Record<string, unknown> = {};
    page.on("request", (req) => {
      const chart = chartDataRequest(req);
      const name = chart && charts.find((c) => c.id === chart.sliceId)?.name;
      if (name && !(name in chartRequests)) chartRequests[name] = chart.request;
    });
    await loginInBrowser(page, { baseUrl: base, adminUser, adminPassword });
    const seconds: number[] = [];
    const phases: RenderPhases[] = [];
    const notDrawn = new Set<string>();
    for (let k = 0; k < runs; k++) {
      const run = await drawDashboard(page, base, dashboardId, charts.map((c) => c.id));
      for (const s of run.states) if (s.state !== "rendered") notDrawn.add(`${charts.find((c) => c.id === s.id)?.name ?? s.id}: ${s.state}`);
      seconds.push(run.seconds);
      // The browser's own timings of this navigation (each render is a full page load).
      const timing = await page.evaluate(() => {
        const perf = (globalThis as unknown as { performance: { getEntriesByType(t: string): { toJSON(): unknown }[] } }).performance;
        return { navigation: perf.getEntriesByType("navigation").map((e) => e.toJSON()), resources: perf.getEntriesByType("resource").map((e) => e.toJSON()) };
      });
      const navigation = (timing.navigation as TimingEntry[])[0];
      if (navigation) phases.push(renderPhases(navigation, timing.resources as TimingEntry[], run.seconds));
    }
    const missing = charts.filter((c) => !(c.name in chartRequests)).map((c) => c.name);
    if (missing.length) throw new Error(`the dashboard's render made no chart-data request for ${missing.join(", ")}`);
    return { figures: { firstSeconds: seconds[0], medianSeconds: median(seconds.slice(1)), runs: seconds, charts: charts.length, notDrawn: [...notDrawn], phases }, chartRequests };
  } finally {
    await chromium.close();
  }
}
