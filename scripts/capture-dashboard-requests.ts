/**
 * `npm run superset:capture-requests`: opens every dashboard of superset/assets in Debian's
 * chromium on the running local stack and writes the chart-data requests each sends, without
 * Superset's ids, to superset/dashboard-requests.json: what the cache refresh after each gold
 * build replays (src/serving/dashboard-cache.ts). Run it after changing a chart or a
 * dashboard's filters, and commit the file with the change; the integration test that opens the
 * dashboard after a refresh fails while it is out of date.
 *
 * The dashboards need not hold data (the requests depend on the charts, not on gold), but every
 * chart must answer, so a dashboard whose tables do not exist yet is captured with the request
 * its chart sent even when that failed.
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { consoleLogger, silentLogger } from "../src/lib/log";
import { repoRoot } from "../src/local/paths";
import { stackContext } from "../src/local/stack";
import { DASHBOARD_REQUESTS_FILE, listAll, portableRequest, type CapturedDashboard, type DashboardRequests } from "../src/serving/dashboard-cache";
import { ASSETS_DIR, assetUuid, listDashboards, supersetApi, supersetUrl } from "../src/serving/superset-assets";
import { chartDataRequest, dashboardCharts, drawDashboard, launchChromium, loginInBrowser } from "../test/support/revenue-trends";

const ABOUT =
  "Each dashboard's chart-data requests as a browser sends them on opening it with its default filters, " +
  "without Superset's ids (bound by UUID when replayed). Written by 'npm run superset:capture-requests'; " +
  "replayed after each gold build to refresh Superset's cache (src/serving/dashboard-cache.ts).";

async function main(): Promise<void> {
  const program = new Command("superset:capture-requests")
    .description("capture each dashboard's chart-data requests from a real browser into " + DASHBOARD_REQUESTS_FILE)
    .option("--out <file>", "where to write", path.join(repoRoot, DASHBOARD_REQUESTS_FILE))
    .parse();
  const { out } = program.opts<{ out: string }>();
  const log = consoleLogger("capture");
  const ctx = await stackContext(silentLogger, false);
  if (!ctx) throw new Error("the local stack is not set up: run 'lakehouse local up'");
  const api = await supersetApi(ctx);
  const base = supersetUrl(ctx);
  const { adminUser, adminPassword } = ctx.secrets.superset;
  const charts = await listAll<{ id: number; datasource_id: number }>(api, "chart", ["id", "datasource_id"]);
  const datasets = await listAll<{ id: number; uuid: string }>(api, "dataset", ["id", "uuid"]);
  const chromium = await launchChromium(silentLogger);
  const captured: CapturedDashboard[] = [];
  try {
    const page = chromium.browser.pages()[0] ?? (await chromium.browser.newPage());
    const sent = new Map<number, Record<string, unknown>[]>();
    page.on("request", (req) => {
      const chart = chartDataRequest(req);
      if (chart) sent.set(chart.sliceId, [...(sent.get(chart.sliceId) ?? []), chart.request]);
    });
    await loginInBrowser(page, { baseUrl: base, adminUser, adminPassword });
    // The bundle's dashboards only: not one made in the UI and not exported.
    const bundled = new Set(fs.readdirSync(path.join(ASSETS_DIR, "dashboards")).map((f) => assetUuid(fs.readFileSync(path.join(ASSETS_DIR, "dashboards", f), "utf8"), f)));
    const boards = (await listDashboards(api)).filter((d) => bundled.has(d.uuid)).sort((a, b) => a.title.localeCompare(b.title));
    if (boards.length < bundled.size) throw new Error("a dashboard of superset/assets is not in this Superset: run 'lakehouse dashboards import' first");
    for (const dashboard of boards) {
      const onBoard = await dashboardCharts(api, dashboard.id);
      sent.clear();
      await drawDashboard(page, base, dashboard.id, onBoard.map((c) => c.id));
      const entry: CapturedDashboard = { uuid: dashboard.uuid, title: dashboard.title, charts: [] };
      for (const c of [...onBoard].sort((a, b) => a.name.localeCompare(b.name))) {
        const requests = sent.get(c.id);
        if (!requests?.length) throw new Error(`'${c.name}' on '${dashboard.title}' sent no chart-data request`);
        const datasetId = charts.find((x) => x.id === c.id)?.datasource_id;
        const dataset = datasets.find((d) => d.id === datasetId)?.uuid;
        if (!dataset) throw new Error(`'${c.name}': no dataset with id ${datasetId}`);
        // A chart can send the same request twice (a re-render); one of each is enough.
        const unique = [...new Map(requests.map((r) => [JSON.stringify(portableRequest(r)), portableRequest(r)])).values()];
        entry.charts.push({ uuid: c.uuid, name: c.name, dataset, requests: unique });
      }
      log.step(`${dashboard.title}: ${entry.charts.length} charts, ${entry.charts.reduce((n, c) => n + c.requests.length, 0)} requests`);
      captured.push(entry);
    }
  } finally {
    await chromium.close();
  }
  const file: DashboardRequests = { about: ABOUT, dashboards: captured };
  fs.writeFileSync(out, JSON.stringify(file, null, 2) + "\n");
  log.step(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e: Error) => {
  process.stderr.write(`capture failed: ${e.message}\n`);
  process.exit(1);
});
