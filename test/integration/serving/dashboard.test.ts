/**
 * The Revenue Trends dashboard on the real local stack: imported from superset/assets
 * (twice: idempotent, overwriting by UUID), rendered in a real headless chromium, and each
 * chart's data read through Superset's chart-data API and checked against hand-written SQL
 * run directly on Trino as the read-only dashboard user.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type BrowserContext } from "playwright-core";
import { consoleLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { repoRoot } from "../../../src/local/paths";
import { supersetUrl } from "../../../src/local/services/superset";
import { CHROMIUM_ARGS, installChromium } from "../../../src/serving/chromium";
import { ASSETS_DIR, importAssets, listDashboards, supersetApi, type SupersetApi } from "../../../src/serving/superset-assets";
import { useStack, type TestStack } from "../harness";

const DASHBOARD_TITLE = "Revenue Trends";
const yamlUuid = (file: string) => /^uuid:\s*(\S+)/m.exec(fs.readFileSync(file, "utf8"))![1];
const DASHBOARD_UUID = yamlUuid(path.join(ASSETS_DIR, "dashboards", "Revenue_Trends.yaml"));
const CHART_UUIDS = fs.readdirSync(path.join(ASSETS_DIR, "charts")).map((f) => yamlUuid(path.join(ASSETS_DIR, "charts", f)));
const SCREENSHOT = path.join(repoRoot, "test-results", "revenue-trends.png");
const GOLD = "iceberg.gold";

type Row = Record<string, unknown>;
interface DomElement {
  innerText: string;
  querySelector(selector: string): DomElement | null;
}

/**
 * What each chart must show, as SQL written here, independently of the chart's definition:
 * `key` names the column that identifies a row in both results; the other columns of the
 * SQL are compared with the chart's columns of the same position in `columns`. Ratios are
 * taken in double: Trino's decimal division and AVG keep the operands' scale (2 digits).
 */
interface Expectation {
  sql: string;
  key: string;
  columns: string[];
  /** Charts that show only the first N rows by a measure (ties compared by value, not by key). */
  top?: { n: number; by: string };
}

const EXPECTED: Record<string, Expectation> = {
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

/** Superset sends temporal values as epoch milliseconds, Trino dates as 'YYYY-MM-DD'. */
function keyOf(v: unknown): string {
  if (typeof v === "number") return new Date(v).toISOString().slice(0, 10);
  return String(v);
}

function assertClose(actual: unknown, expected: unknown, what: string): void {
  const a = Number(actual);
  const e = Number(expected);
  assert.ok(Number.isFinite(a) && Number.isFinite(e), `${what}: not numbers (Superset ${String(actual)}, Trino ${String(expected)})`);
  assert.ok(Math.abs(a - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${what}: Superset ${a} != Trino ${e}`);
}

interface ChartRef {
  id: number;
  name: string;
  uuid: string;
}

async function dashboardCharts(api: SupersetApi, dashboardId: number): Promise<ChartRef[]> {
  const body = await api.json<{ result: { id: number; slice_name: string }[] }>("GET", `/api/v1/dashboard/${dashboardId}/charts`);
  const q = encodeURIComponent("(columns:!(id,uuid,slice_name),page_size:100)");
  const all = await api.json<{ result: { id: number; uuid: string; slice_name: string }[] }>("GET", `/api/v1/chart/?q=${q}`);
  const uuidById = new Map(all.result.map((c) => [c.id, c.uuid]));
  return body.result.map((c) => ({ id: c.id, name: c.slice_name, uuid: uuidById.get(c.id)! }));
}

describe("Revenue Trends dashboard (Superset on the local stack)", () => {
  let stack: TestStack;
  let api: SupersetApi;
  let dashboardId: number;

  before(async () => {
    stack = await useStack();
    api = await supersetApi(stack.ctx);
  });

  test("importing twice leaves one dashboard with the bundle's UUID, and overwrites changes made in Superset", async () => {
    const first = await importAssets(stack.ctx);
    const [dashboard] = first.dashboards;
    assert.ok(dashboard, "the import reported no dashboard with the bundle's UUID");
    // Tamper with a chart, then import again: the bundle must win.
    const charts = await dashboardCharts(api, dashboard.id);
    const victim = charts[0];
    await api.json("PUT", `/api/v1/chart/${victim.id}`, { slice_name: "changed in the UI" });

    const second = await importAssets(stack.ctx);
    assert.deepEqual(second.dashboards, first.dashboards, "the second import created or renumbered the dashboard");

    const named = (await listDashboards(api)).filter((d) => d.title === DASHBOARD_TITLE);
    assert.equal(named.length, 1, `expected exactly one '${DASHBOARD_TITLE}', found ${named.length}`);
    assert.equal(named[0].uuid, DASHBOARD_UUID);
    dashboardId = named[0].id;

    const after = await dashboardCharts(api, dashboardId);
    assert.deepEqual(after.map((c) => c.uuid).sort(), [...CHART_UUIDS].sort(), "the dashboard's charts are not exactly the bundle's charts");
    assert.equal(after.find((c) => c.id === victim.id)?.name, victim.name, "re-import did not overwrite the chart changed in Superset");

    // The connection is stored as the read-only user, with its password masked in the API.
    const dbs = await api.json<{ result: { database_name: string; sqlalchemy_uri?: string; backend: string; id: number }[] }>("GET", "/api/v1/database/");
    const trinoDbs = dbs.result.filter((d) => d.backend === "trino");
    assert.equal(trinoDbs.length, 1, `expected one Trino database, found ${trinoDbs.map((d) => d.database_name).join(", ")}`);
    const conn = await api.json<{ result: { sqlalchemy_uri: string } }>("GET", `/api/v1/database/${trinoDbs[0].id}/connection`);
    assert.match(conn.result.sqlalchemy_uri, /^trino:\/\/dashboard:X+@/);
  });

  describe("in a real browser", () => {
    let browser: BrowserContext;
    let userDataDir: string;
    /** The last chart-data response the dashboard received per chart id. */
    const chartData = new Map<number, { status: number; request: Record<string, unknown>; body: { result?: { status: string; rowcount: number; error?: string }[]; message?: string } }>();

    before(async () => {
      const executablePath = await installChromium(consoleLogger("test"));
      userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-chromium-"));
      browser = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: CHROMIUM_ARGS,
        viewport: { width: 1600, height: 1300 },
      });
    });

    after(async () => {
      await browser?.close();
      if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    });

    test("logs in, renders every chart without error or empty result, and saves a screenshot", async () => {
      assert.ok(dashboardId, "the import test did not run first");
      const base = supersetUrl(stack.ctx);
      const page = browser.pages()[0] ?? (await browser.newPage());
      page.on("response", async (res) => {
        if (!res.url().includes("/api/v1/chart/data") || res.request().method() !== "POST") return;
        const request = JSON.parse(res.request().postData() ?? "{}") as { form_data?: { slice_id?: number } };
        const sliceId = request.form_data?.slice_id;
        if (!sliceId) return; // the driver filter's own value list
        chartData.set(sliceId, { status: res.status(), request, body: await res.json().catch(() => ({ message: "not JSON" })) });
      });

      await page.goto(`${base}/login/`);
      await page.fill("#username", stack.ctx.secrets.superset.adminUser);
      await page.fill("#password", stack.ctx.secrets.superset.adminPassword);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 120_000 }), page.keyboard.press("Enter")]);

      const charts = await dashboardCharts(api, dashboardId);
      await page.goto(`${base}/superset/dashboard/${dashboardId}/`);
      await page.waitForSelector('[data-test="chart-grid-component"]', { timeout: 120_000 });

      // Each chart ends rendered (a canvas, an SVG or table rows), in error, or empty.
      type State = { id: number; state: "missing" | "loading" | "rendered" | "error" | "no-results"; text: string };
      const states = async () =>
        page.evaluate((ids: number[]): State[] => {
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
        }, charts.map((c) => c.id));
      // A readiness wait, not a speed target (that is bench/): alone on a busy 2-core machine the
      // first render took ~60 s, close to the 90 s this allowed before, after the suite has filled gold.
      const deadline = Date.now() + 240_000;
      let last: State[] = [];
      while (Date.now() < deadline) {
        last = await states();
        if (last.every((s) => s.state !== "loading" && s.state !== "missing")) break;
        await page.waitForTimeout(500);
      }
      await page.waitForTimeout(2000); // ECharts animates its first draw
      fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const filterNames = await page.locator('[data-test="filter-control-name"]').allInnerTexts();
      assert.deepEqual(filterNames.map((n) => n.trim()).sort(), ["Date range", "Driver"], "native filters in the filter bar");

      const name = (id: number) => charts.find((c) => c.id === id)?.name ?? String(id);
      const bad = last.filter((s) => s.state !== "rendered");
      assert.deepEqual(
        bad.map((s) => `${name(s.id)}: ${s.state} ${s.text.replace(/\s+/g, " ").slice(0, 300)}`),
        [],
        `charts not rendered (screenshot: ${SCREENSHOT})`,
      );
      for (const c of charts) {
        const got = chartData.get(c.id);
        assert.ok(got, `${c.name}: the dashboard made no chart-data request`);
        assert.equal(got.status, 200, `${c.name}: chart-data HTTP ${got.status} ${got.body.message ?? ""}`);
        for (const r of got.body.result ?? []) {
          assert.equal(r.status, "success", `${c.name}: ${r.error ?? r.status}`);
          assert.ok(r.rowcount > 0, `${c.name}: no rows`);
        }
      }
    });

    test("each chart's data from the chart-data API equals the same question asked of Trino as the dashboard user", async () => {
      const charts = await dashboardCharts(api, dashboardId);
      assert.deepEqual(charts.map((c) => c.name).sort(), Object.keys(EXPECTED).sort(), "every chart needs an expectation here (and no more)");
      const trino = stack.trino({ as: "dashboard" });
      for (const chart of charts) {
        const captured = chartData.get(chart.id);
        assert.ok(captured, `${chart.name}: no query context captured from the browser`);
        // Replay the dashboard's own query context, bypassing Superset's cache so that both
        // sides read the same snapshot of gold.
        const res = await api.json<{ result: { data: Row[]; colnames: string[] }[] }>("POST", "/api/v1/chart/data", { ...captured.request, force: true });
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
    });
  });
});
