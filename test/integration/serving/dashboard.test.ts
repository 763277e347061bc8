/**
 * The Revenue Trends dashboard on the real local stack: imported from superset/assets
 * (twice: idempotent, overwriting by UUID), rendered in a real headless chromium, and each
 * chart's data read through Superset's chart-data API and checked against hand-written SQL
 * run directly on Trino as the read-only dashboard user; after a gold build, a visit answered
 * from the cache the build refreshed. The browser and Trino checks live in
 * test/support/revenue-trends.ts, shared with the deployment's tests.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { silentLogger } from "../../../src/lib/log";
import { query } from "../../../src/lib/trino";
import { runGold } from "../../../src/local/jobs/pipeline";
import { repoRoot } from "../../../src/local/paths";
import { supersetUrl } from "../../../src/local/services/superset";
import { importAssets, listDashboards, supersetApi, type SupersetApi } from "../../../src/serving/superset-assets";
import {
  assertAnsweredFromCache,
  assertChartsMatchTrino,
  CHART_UUIDS,
  dashboardCharts,
  DASHBOARD_TITLE,
  DASHBOARD_UUID,
  launchChromium,
  renderRevenueTrends,
  type CapturedChartData,
  type ChromiumSession,
} from "../../support/revenue-trends";
import { useStack, type TestStack } from "../harness";

const SCREENSHOT = path.join(repoRoot, "test-results", "revenue-trends.png");

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
    const dashboard = first.dashboards.find((d) => d.uuid === DASHBOARD_UUID);
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
    let chromium: ChromiumSession;
    /** The last chart-data response the dashboard received per chart id (filled even when the render test fails). */
    const chartData: CapturedChartData = new Map();

    before(async () => {
      chromium = await launchChromium();
    });

    after(async () => {
      await chromium?.close();
    });

    test("logs in, renders every chart without error or empty result, and saves a screenshot", async () => {
      assert.ok(dashboardId, "the import test did not run first");
      const { adminUser, adminPassword } = stack.ctx.secrets.superset;
      await renderRevenueTrends(chromium.browser, { baseUrl: supersetUrl(stack.ctx), adminUser, adminPassword }, api, dashboardId, SCREENSHOT, chartData);
    });

    test("each chart's data from the chart-data API equals the same question asked of Trino as the dashboard user", async () => {
      await assertChartsMatchTrino(api, chartData, stack.trino({ as: "dashboard" }), dashboardId);
    });

    test("a gold build drops the dashboard's cached results and warms its charts: the next visit is answered from Superset's cache, refreshed", { timeout: 600_000 }, async () => {
      assert.ok(chartData.size > 0, "the render test did not run first");
      // A question the dashboard does not ask when opened (a date filter of its own), cached before the build.
      const [first] = chartData.values();
      const filtered = { ...first.request, queries: (first.request.queries as Record<string, unknown>[]).map((q) => ({ ...q, time_range: "2000-01-01 : 2100-01-01" })) };
      const ask = async () => (await api.json<{ result: { is_cached: boolean | null }[] }>("POST", "/api/v1/chart/data", filtered)).result[0].is_cached;
      await ask();
      assert.equal(await ask(), true, "Superset did not cache the filtered question");

      const [[day]] = (await query(stack.trino(), "select cast(max(revenue_date) as varchar) from iceberg.gold.daily_revenue_by_driver")).rows as string[][];
      const built = new Date();
      await runGold(stack.ctx, [day], { log: silentLogger });

      assert.notEqual(await ask(), true, "the filtered question was still answered from the cache of before the build");
      const { adminUser, adminPassword } = stack.ctx.secrets.superset;
      const visit: CapturedChartData = new Map();
      // A new visitor: a browser of its own, which logs in afresh.
      const visitor = await launchChromium();
      try {
        await renderRevenueTrends(visitor.browser, { baseUrl: supersetUrl(stack.ctx), adminUser, adminPassword }, api, dashboardId, SCREENSHOT, visit);
      } finally {
        await visitor.close();
      }
      assertAnsweredFromCache(visit, await dashboardCharts(api, dashboardId), built);
      await assertChartsMatchTrino(api, visit, stack.trino({ as: "dashboard" }), dashboardId);
    });
  });
});
