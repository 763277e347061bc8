/**
 * The Revenue Trends dashboards (Revenue Trends, and NYC Revenue Trends: DashboardSpec) checked
 * as a user sees them, against any Superset: rendered in a
 * real headless chromium (Debian's package, driven by playwright-core), and each chart's data
 * read through Superset's chart-data API and checked against hand-written SQL run directly on
 * Trino as the read-only dashboard user.
 *
 * Shared by the local stack's test (test/integration/serving/dashboard.test.ts) and the
 * deployment's, so everything a check needs comes in as an argument: where Superset is and its
 * admin login, an API session, the Trino to compare with. Nothing here reads the local stack.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page, type Request } from "playwright-core";
import { consoleLogger, type Logger } from "../../src/lib/log";
import { query, type TrinoTarget } from "../../src/lib/trino";
import { CHROMIUM_ARGS, installChromium } from "./chromium";
import { ASSETS_DIR } from "../../src/serving/asset-bundle";
import { listDashboards, type SupersetApi } from "../../src/serving/superset-api";

const GOLD = "iceberg.gold";
const dashboardYaml = (file: string) => fs.readFileSync(path.join(ASSETS_DIR, "dashboards", file), "utf8");

type Row = Record<string, unknown>;
interface DomElement {
  innerText: string;
  querySelector(selector: string): DomElement | null;
}

/** A Superset to check, as a browser reaches it. */
export interface SupersetTarget {
  /** Superset's base URL without a trailing slash, e.g. http://127.0.0.1:8088 (local) or http://localhost:30088 (a cluster's NodePort). */
  baseUrl: string;
  /** The user the browser logs in as on /login/ (the admin: it can see every chart). */
  adminUser: string;
  /** That user's password. */
  adminPassword: string;
}

/** One chart-data response the dashboard received in the browser. */
export interface CapturedChartRequest {
  /** HTTP status of the response. */
  status: number;
  /** The query context the dashboard POSTed, as sent (replayed by assertChartsMatchTrino). */
  request: Record<string, unknown>;
  /** The response's JSON (or `{ message: "not JSON" }`). */
  body: { result?: { status: string; rowcount: number; error?: string }[]; message?: string };
}

/** The last chart-data response the dashboard received per chart id. */
export type CapturedChartData = Map<number, CapturedChartRequest>;

/**
 * What each chart must show, as SQL written here, independently of the chart's definition:
 * `key` names the column that identifies a row in both results; the other columns of the
 * SQL are compared with the chart's columns of the same position in `columns`. Ratios are
 * taken in double: Trino's decimal division and AVG keep the operands' scale (2 digits).
 */
export interface Expectation {
  sql: string;
  key: string;
  columns: string[];
  /** Charts that show only the first N rows by a measure (ties compared by value, not by key). */
  top?: { n: number; by: string };
}

/** A dashboard of the bundle and what its charts must show. */
export interface DashboardSpec {
  /** Its title in Superset (dashboard_title). */
  title: string;
  /** Its UUID in the bundle (superset/assets/dashboards/<file>): the same in every Superset it is imported into. */
  uuid: string;
  /** The UUIDs of the charts its layout places (position's CHART entries). */
  chartUuids: string[];
  /** The native filters of its filter bar, by name. */
  filters: string[];
  /** Each chart's expectation, by chart name: exactly the dashboard's charts. */
  expected: Record<string, Expectation>;
}

/** The spec of superset/assets/dashboards/<file>: title, UUID and charts read from the file. */
function dashboardSpec(file: string, filters: string[], expected: Record<string, Expectation>): DashboardSpec {
  const text = dashboardYaml(file);
  return {
    title: /^dashboard_title:\s*(.+)$/m.exec(text)![1].trim(),
    uuid: /^uuid:\s*(\S+)/m.exec(text)![1],
    chartUuids: [...text.matchAll(/^[ \t]+uuid:[ \t]*(\S+)/gm)].map((m) => m[1]),
    filters,
    expected,
  };
}

export const EXPECTED: Record<string, Expectation> = {
  "Daily revenue and moving averages": {
    sql: `select revenue_date, total_revenue, revenue_7d_avg, revenue_28d_avg from ${GOLD}.revenue_trends`,
    key: "revenue_date",
    columns: ["sum_revenue", "moving_avg_7d", "moving_avg_28d"],
  },
  "Trips per day": {
    sql: `select revenue_date, sum(trips) from ${GOLD}.daily_revenue_by_driver group by revenue_date`,
    key: "revenue_date",
    columns: ["sum_trips"],
  },
  "Revenue per mile over time": {
    sql: `select revenue_date, cast(sum(total_revenue) as double) / cast(sum(distance_miles) as double) from ${GOLD}.daily_revenue_by_driver group by revenue_date`,
    key: "revenue_date",
    columns: ["weighted_revenue_per_mile"],
  },
  "Revenue by weather condition": {
    sql: `with daily as (select revenue_date, weather_condition, sum(total_revenue) as revenue from ${GOLD}.daily_revenue_by_driver group by 1, 2)
          select weather_condition, avg(cast(revenue as double)) from daily group by weather_condition`,
    key: "weather_condition",
    columns: ["avg_daily_revenue"],
  },
  "Top drivers by revenue": {
    sql: `select driver_id, sum(total_revenue), sum(trips), cast(sum(total_revenue) as double) / cast(sum(distance_miles) as double) from ${GOLD}.daily_revenue_by_driver group by driver_id`,
    key: "driver_id",
    columns: ["sum_revenue", "sum_trips", "weighted_revenue_per_mile"],
    top: { n: 10, by: "sum_revenue" },
  },
};

/** Revenue Trends: the Chicago-shaped sources' dashboard (by driver). */
export const REVENUE_TRENDS = dashboardSpec("Revenue_Trends.yaml", ["Date range", "Driver"], EXPECTED);
export const DASHBOARD_TITLE = REVENUE_TRENDS.title;
export const DASHBOARD_UUID = REVENUE_TRENDS.uuid;
export const CHART_UUIDS = REVENUE_TRENDS.chartUuids;

/**
 * NYC Revenue Trends: NYC TLC's dashboard (no driver: by pickup zone). Its daily charts read
 * nyc_revenue_trends; the expectations sum nyc_daily_revenue_by_zone where they can, another
 * mart than the chart's.
 */
export const NYC_REVENUE_TRENDS = dashboardSpec("NYC_Revenue_Trends.yaml", ["Date range", "Borough"], {
  "NYC daily revenue and moving averages": {
    sql: `select revenue_date, total_revenue, revenue_7d_avg, revenue_28d_avg from ${GOLD}.nyc_revenue_trends`,
    key: "revenue_date",
    columns: ["sum_revenue", "moving_avg_7d", "moving_avg_28d"],
  },
  "NYC trips per day": {
    sql: `select revenue_date, sum(trips) from ${GOLD}.nyc_daily_revenue_by_zone group by revenue_date`,
    key: "revenue_date",
    columns: ["sum_trips"],
  },
  "NYC revenue by pickup borough": {
    sql: `select pickup_borough, sum(total_revenue) from ${GOLD}.nyc_daily_revenue_by_zone group by pickup_borough`,
    key: "pickup_borough",
    columns: ["sum_revenue"],
  },
  "NYC top pickup zones by revenue": {
    sql: `select pickup_zone, sum(total_revenue), sum(trips) from ${GOLD}.nyc_daily_revenue_by_zone group by pickup_zone`,
    key: "pickup_zone",
    columns: ["sum_revenue", "sum_trips"],
    top: { n: 10, by: "sum_revenue" },
  },
});

/** Superset sends temporal values as epoch milliseconds, Trino dates as 'YYYY-MM-DD'. */
export function keyOf(v: unknown): string {
  if (typeof v === "number") return new Date(v).toISOString().slice(0, 10);
  return String(v);
}

/** Equal as numbers, to within 1e-6 relative (absolute below 1); `what` names the value in the failure. */
export function assertClose(actual: unknown, expected: unknown, what: string): void {
  const a = Number(actual);
  const e = Number(expected);
  assert.ok(Number.isFinite(a) && Number.isFinite(e), `${what}: not numbers (Superset ${String(actual)}, Trino ${String(expected)})`);
  assert.ok(Math.abs(a - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${what}: Superset ${a} != Trino ${e}`);
}

export interface ChartRef {
  id: number;
  name: string;
  uuid: string;
}

/** The charts on a dashboard, with the UUIDs that the dashboard's own endpoint does not give. */
export async function dashboardCharts(api: SupersetApi, dashboardId: number): Promise<ChartRef[]> {
  const body = await api.json<{ result: { id: number; slice_name: string }[] }>("GET", `/api/v1/dashboard/${dashboardId}/charts`);
  const q = encodeURIComponent("(columns:!(id,uuid,slice_name),page_size:100)");
  const all = await api.json<{ result: { id: number; uuid: string; slice_name: string }[] }>("GET", `/api/v1/chart/?q=${q}`);
  const uuidById = new Map(all.result.map((c) => [c.id, c.uuid]));
  return body.result.map((c) => ({ id: c.id, name: c.slice_name, uuid: uuidById.get(c.id)! }));
}

/**
 * The id of the dashboard (default: Revenue Trends) in this Superset, found by the bundle's UUID (ids
 * differ per instance). Fails, naming what is there, when no dashboard has that UUID, or when
 * more than one dashboard has the UUID or the title (a copy made in the UI, say).
 */
export async function findRevenueTrends(api: SupersetApi, spec: DashboardSpec = REVENUE_TRENDS): Promise<number> {
  const { uuid: DASHBOARD_UUID, title: DASHBOARD_TITLE } = spec;
  const dashboards = await listDashboards(api);
  const byUuid = dashboards.filter((d) => d.uuid === DASHBOARD_UUID);
  const byTitle = dashboards.filter((d) => d.title === DASHBOARD_TITLE);
  const list = (ds: typeof dashboards) => ds.map((d) => `#${d.id} '${d.title}' ${d.uuid}`).join(", ") || "none";
  assert.ok(
    byUuid.length > 0,
    `${api.url} has no dashboard with the bundle's UUID ${DASHBOARD_UUID} (were the assets imported?); its dashboards: ${list(dashboards)}`,
  );
  assert.equal(byUuid.length, 1, `${api.url} has ${byUuid.length} dashboards with the UUID ${DASHBOARD_UUID}: ${list(byUuid)}`);
  assert.equal(byTitle.length, 1, `expected exactly one '${DASHBOARD_TITLE}' on ${api.url}, found ${byTitle.length}: ${list(byTitle)}`);
  assert.equal(byTitle[0].id, byUuid[0].id, `'${DASHBOARD_TITLE}' on ${api.url} is not the bundle's dashboard: ${list(byTitle)}`);
  return byUuid[0].id;
}

/** A headless chromium with its own profile; `close()` stops it and removes the profile. */
export interface ChromiumSession {
  browser: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Debian's chromium (installed with apt when missing and root: installChromium) with
 * CHROMIUM_ARGS, in a fresh profile under the temporary directory, at a viewport that shows
 * the whole dashboard.
 */
export async function launchChromium(log: Logger = consoleLogger("test")): Promise<ChromiumSession> {
  const executablePath = await installChromium(log);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-chromium-"));
  const removeProfile = () => fs.rmSync(userDataDir, { recursive: true, force: true });
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 1300 },
    });
  } catch (e) {
    removeProfile();
    throw e;
  }
  return {
    browser,
    async close() {
      try {
        await browser.close();
      } finally {
        removeProfile();
      }
    },
  };
}

/**
 * A chart's chart-data request as the dashboard POSTs it, with the chart's id; undefined for any
 * other request, and for a filter's own value list (no slice_id).
 */
export function chartDataRequest(req: Request): { sliceId: number; request: Record<string, unknown> } | undefined {
  if (!req.url().includes("/api/v1/chart/data") || req.method() !== "POST") return undefined;
  const request = JSON.parse(req.postData() ?? "{}") as { form_data?: { slice_id?: number } };
  const sliceId = request.form_data?.slice_id;
  return sliceId ? { sliceId, request } : undefined;
}

/** Logs the page into Superset on /login/ as the target's admin. */
export async function loginInBrowser(page: Page, target: SupersetTarget): Promise<void> {
  // The login page sends its pending log events as it unloads (POST /superset/log/, with the
  // session of before the login). When Superset answers that request after the login, its
  // "please log in" redirect sets an anonymous session cookie over the new one, and the browser
  // is logged out again at once (seen once in 2026-12-07's benchmark: the welcome page's API calls
  // 401, the dashboard a login page). So the session is checked, and the login done again if lost.
  for (let attempt = 1; ; attempt++) {
    await page.goto(`${target.baseUrl}/login/`);
    await page.fill("#username", target.adminUser);
    await page.fill("#password", target.adminPassword);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 120_000 }), page.keyboard.press("Enter")]);
    await page.waitForLoadState("networkidle").catch(() => undefined);
    const me = await page.request.get(`${target.baseUrl}/api/v1/me/`);
    if (me.ok()) return;
    if (attempt === 3) throw new Error(`Superset logged the browser out again right after each of 3 logins (GET /api/v1/me/: ${me.status()})`);
  }
}

/** A chart's state on the page: drawn (a canvas, an SVG or table rows), in error, empty, or not yet. */
export interface ChartState {
  id: number;
  state: "missing" | "loading" | "rendered" | "error" | "no-results";
  text: string;
}

/**
 * Opens the dashboard on a logged-in page and waits until every chart has ended (drawn, in
 * error or empty; at most 240 s). Returns each chart's last state and the seconds from
 * navigation until then. When the dashboard's grid does not appear in 120 s, reloads once;
 * then fails with what the page shows and the failed requests and console errors collected in
 * `opts.trouble` (a screenshot is saved at `opts.screenshot`).
 */
export async function drawDashboard(
  page: Page,
  base: string,
  dashboardId: number,
  chartIds: number[],
  opts: { screenshot?: string; trouble?: string[] } = {},
): Promise<{ states: ChartState[]; seconds: number }> {
  const started = Date.now();
  const url = `${base}/superset/dashboard/${dashboardId}/`;
  const trouble = opts.trouble ?? [];
  const why = async () => {
    const shown = (await page.locator("body").innerText().catch(() => "")).replace(/\s+/g, " ").slice(0, 500);
    return `the page shows: "${shown}"; ${trouble.length ? trouble.slice(-15).join("; ") : "no failed request or console error"}`;
  };
  await page.goto(url);
  // One reload, as a user would, when the grid does not appear: CI once saw the cluster's
  // Superset page stay without a chart for 120 s where it takes ~20 s. The first attempt's
  // diagnosis is printed either way, so a reload never hides what happened.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.waitForSelector('[data-test="chart-grid-component"]', { timeout: 120_000 });
      break;
    } catch (e) {
      if (opts.screenshot) await page.screenshot({ path: opts.screenshot, fullPage: true }).catch(() => undefined);
      const seconds = Math.round((Date.now() - started) / 1000);
      if (attempt === 2) throw new Error(`${url} showed no chart after ${seconds} s and a reload (screenshot: ${opts.screenshot ?? "none"}); ${await why()}`, { cause: e });
      process.stderr.write(`[revenue-trends] ${url} showed no chart after ${seconds} s; reloading once. ${await why()}\n`);
      await page.reload();
    }
  }
  const states = async () =>
    page.evaluate((ids: number[]): ChartState[] => {
      // Runs in the page (this project compiles without DOM types).
      const doc = (globalThis as unknown as { document: { querySelector(s: string): DomElement | null } }).document;
      return ids.map((id) => {
        const el = doc.querySelector(`[data-test="chart-grid-component"][data-test-chart-id="${id}"]`);
        if (!el) return { id, state: "missing", text: "" };
        const text = el.innerText;
        if (/no results/i.test(text)) return { id, state: "no-results", text };
        if (el.querySelector(".ant-alert-error, [data-test='error-tooltip']") || /unexpected error|error occurred|data error/i.test(text)) return { id, state: "error", text };
        const body = el.querySelector(".slice_container");
        if (body?.querySelector("canvas, svg, table tbody tr")) return { id, state: "rendered", text };
        return { id, state: "loading", text };
      });
    }, chartIds);
  // A readiness wait, not a speed target (that is bench/): alone on a busy 2-core machine the
  // first render took ~60 s, close to the 90 s this allowed before, after the suite has filled gold.
  const deadline = Date.now() + 240_000;
  let last: ChartState[] = [];
  while (Date.now() < deadline) {
    last = await states();
    if (last.every((s) => s.state !== "loading" && s.state !== "missing")) break;
    await page.waitForTimeout(100);
  }
  return { states: last, seconds: (Date.now() - started) / 1000 };
}

/**
 * Logs into Superset in the browser as the target's admin, opens the dashboard, waits until
 * every chart has drawn (canvas, SVG or table rows), ended in error or shows "No results",
 * saves a full-page screenshot at `screenshot`, then fails on: native filters other than
 * "Date range" and "Driver", any chart not drawn, and any chart without a chart-data
 * response that is HTTP 200 with every result successful and non-empty.
 *
 * Returns the chart-data requests the dashboard made, by chart id. They are collected into
 * `captured` as they arrive, so a caller that passes its own map keeps what was captured
 * even when an assertion here fails (and the next check can still replay those charts).
 *
 * @param browser    a context from launchChromium (its first page is used)
 * @param target     the Superset as the browser reaches it, and the login to use there
 * @param api        an API session on the same Superset (supersetLogin), for the chart list
 * @param dashboardId the dashboard's id there (findRevenueTrends)
 * @param screenshot where to write the PNG (its directory is created)
 * @param captured   the map to fill (default: a new one)
 * @param spec       the dashboard (default: Revenue Trends): its filter bar and charts
 */
export async function renderRevenueTrends(
  browser: BrowserContext,
  target: SupersetTarget,
  api: SupersetApi,
  dashboardId: number,
  screenshot: string,
  captured: CapturedChartData = new Map(),
  spec: DashboardSpec = REVENUE_TRENDS,
): Promise<CapturedChartData> {
  const base = target.baseUrl;
  const page = browser.pages()[0] ?? (await browser.newPage());
  // What the page went through, for the error when the dashboard never appears.
  const trouble: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") trouble.push(`console: ${m.text().slice(0, 200)}`);
  });
  page.on("requestfailed", (req) => trouble.push(`failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ""}`));
  // Requests for anything not Superset's own: each must be stopped in the browser by the
  // Content-Security-Policy (superset_config.py), never sent (Superset's pages embed a
  // telemetry pixel). `data:` and `blob:` URLs are the page's own.
  const origin = new URL(base).origin;
  const offHost = new Map<string, string>();
  page.on("request", (req) => {
    const url = req.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) offHost.set(url, "sent");
  });
  page.on("requestfailed", (req) => {
    if (offHost.has(req.url())) offHost.set(req.url(), req.failure()?.errorText === "csp" ? "blocked" : `sent (${req.failure()?.errorText})`);
  });
  page.on("response", async (res) => {
    if (res.status() >= 400) trouble.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    const chart = chartDataRequest(res.request());
    if (!chart) return;
    captured.set(chart.sliceId, { status: res.status(), request: chart.request, body: await res.json().catch(() => ({ message: "not JSON" })) });
  });

  await loginInBrowser(page, target);
  const charts = await dashboardCharts(api, dashboardId);
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  const { states: last } = await drawDashboard(page, base, dashboardId, charts.map((c) => c.id), { screenshot, trouble });
  await page.waitForTimeout(2000); // ECharts animates its first draw
  await page.screenshot({ path: screenshot, fullPage: true });

  assert.deepEqual([...offHost].filter(([, fate]) => fate !== "blocked").map(([url, fate]) => `${url}: ${fate}`), [], "the page sent requests to other hosts");

  const filterNames = await page.locator('[data-test="filter-control-name"]').allInnerTexts();
  assert.deepEqual(filterNames.map((n) => n.trim()).sort(), [...spec.filters].sort(), "native filters in the filter bar");

  const name = (id: number) => charts.find((c) => c.id === id)?.name ?? String(id);
  const bad = last.filter((s) => s.state !== "rendered");
  assert.deepEqual(
    bad.map((s) => `${name(s.id)}: ${s.state} ${s.text.replace(/\s+/g, " ").slice(0, 300)}`),
    [],
    `charts not rendered (screenshot: ${screenshot})`,
  );
  for (const c of charts) {
    const got = captured.get(c.id);
    assert.ok(got, `${c.name}: the dashboard made no chart-data request`);
    assert.equal(got.status, 200, `${c.name}: chart-data HTTP ${got.status} ${got.body.message ?? ""}`);
    for (const r of got.body.result ?? []) {
      assert.equal(r.status, "success", `${c.name}: ${r.error ?? r.status}`);
      assert.ok(r.rowcount > 0, `${c.name}: no rows`);
    }
  }
  return captured;
}

/**
 * Asserts that every chart-data response of a dashboard visit was answered from Superset's cache,
 * filled at or after `since` when given: what a gold build's cache refresh
 * (src/serving/dashboard-cache.ts) leaves for the next visitor. A chart queried on Trino instead
 * means the captured requests no longer match what the dashboard sends.
 */
export function assertAnsweredFromCache(captured: CapturedChartData, charts: ChartRef[], since?: Date): void {
  for (const c of charts) {
    const results = (captured.get(c.id)?.body.result ?? []) as { is_cached?: boolean | null; cached_dttm?: string | null; cache_timeout?: number | null }[];
    assert.ok(results.length > 0, `${c.name}: no chart-data response`);
    for (const r of results) {
      // Kept until the next daily build replaces it: a shorter life sends the visitors of later in the day to Trino.
      assert.ok((r.cache_timeout ?? 0) >= 24 * 3600, `${c.name}: cached for ${r.cache_timeout} s, less than the day between gold builds`);
      assert.equal(r.is_cached, true, `${c.name}: queried on Trino, not answered from the cache a gold build warms (superset/dashboard-requests.json out of date? npm run superset:capture-requests)`);
      // Superset's cached_dttm is UTC without a zone, to the second.
      if (since) assert.ok(new Date(`${r.cached_dttm}Z`).getTime() >= Math.floor(since.getTime() / 1000) * 1000, `${c.name}: cached at ${r.cached_dttm}, before ${since.toISOString()}`);
    }
  }
}

/**
 * Replays each chart's query context, as the dashboard sent it in the browser, to
 * POST /api/v1/chart/data and compares every row with the chart's EXPECTED SQL run on Trino.
 * Fails when the dashboard's charts are not exactly those of EXPECTED, or a chart has no
 * captured request.
 *
 * @param api         an API session on the Superset the requests were captured from
 * @param captured    renderRevenueTrends' result
 * @param trino       Trino as the read-only `dashboard` user (what Superset's connection uses)
 * @param dashboardId the dashboard's id in that Superset
 * @param spec        the dashboard (default: Revenue Trends): the expectation of each chart
 */
export async function assertChartsMatchTrino(api: SupersetApi, captured: CapturedChartData, trino: TrinoTarget, dashboardId: number, spec: DashboardSpec = REVENUE_TRENDS): Promise<void> {
  const EXPECTED = spec.expected;
  const charts = await dashboardCharts(api, dashboardId);
  assert.deepEqual(charts.map((c) => c.name).sort(), Object.keys(EXPECTED).sort(), "every chart needs an expectation here (and no more)");
  for (const chart of charts) {
    const got = captured.get(chart.id);
    assert.ok(got, `${chart.name}: no query context captured from the browser`);
    // Replay the dashboard's own query context, bypassing Superset's cache so that both
    // sides read the same snapshot of gold.
    const res = await api.json<{ result: { data: Row[]; colnames: string[] }[] }>("POST", "/api/v1/chart/data", { ...got.request, force: true });
    const exp = EXPECTED[chart.name];
    const data = res.result[0].data;
    const out = await query(trino, exp.sql);
    const trinoRows = new Map(out.rows.map((r) => [keyOf(r[0]), r.slice(1)]));
    assert.equal(trinoRows.size, out.rows.length, `${chart.name}: the expected SQL returned duplicate keys`);
    assert.ok(data.length > 0, `${chart.name}: the chart-data API returned no rows`);

    if (exp.top) {
      const byIdx = exp.columns.indexOf(exp.top.by);
      const ranked = [...trinoRows.values()].map((v) => Number(v[byIdx])).sort((a, b) => b - a);
      assert.equal(data.length, Math.min(exp.top.n, trinoRows.size), `${chart.name}: row count`);
      data.forEach((row, i) => assertClose(row[exp.top!.by], ranked[i], `${chart.name} rank ${i + 1} ${exp.top!.by}`));
    } else {
      assert.deepEqual(data.map((r) => keyOf(r[exp.key])).sort(), [...trinoRows.keys()].sort(), `${chart.name}: different ${exp.key} values`);
    }
    for (const row of data) {
      const key = keyOf(row[exp.key]);
      const expected = trinoRows.get(key);
      assert.ok(expected, `${chart.name}: ${exp.key}=${key} is not in Trino's result`);
      exp.columns.forEach((col, i) => assertClose(row[col], expected[i], `${chart.name} ${exp.key}=${key} ${col}`));
    }
  }
}
