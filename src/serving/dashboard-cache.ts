/**
 * Superset's chart-data cache, kept true to gold and warm after every gold build.
 *
 * Superset caches a chart's result for a day (DATA_CACHE_CONFIG, superset_config.py), keyed by the query,
 * not by the data under it: without a refresh, a dashboard shows the gold of before the run
 * until the entry expires. So after each build, for every dashboard whose tables gold has:
 * 1. its datasets' cached results are dropped (POST /api/v1/cachekey/invalidate, which finds
 *    them in the keys Superset records: STORE_CACHE_KEYS_IN_METADATA_DB in superset_config.py);
 * 2. each of its charts is queried again as the dashboard asks when opened (POST
 *    /api/v1/chart/data, forced), so its first visitor is answered from the cache rather than
 *    waiting on Trino.
 *
 * Superset's cache key is made from the query object the browser builds from a chart's
 * settings, so the requests are the dashboard's own, captured from a real browser into
 * superset/dashboard-requests.json (`npm run superset:capture-requests`) with Superset's ids
 * left out; they are bound here by UUID, since ids differ per Superset. A capture that no longer
 * matches the charts only costs the warm-up (the browser's requests miss the cache); the
 * integration test that opens the dashboard after a refresh fails on it.
 */
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../lib/log";
import { repoRoot } from "../local/paths";
import { listDashboards, supersetFailure, type SupersetApi } from "./superset-api";

/** The captured requests, relative to the project root. */
export const DASHBOARD_REQUESTS_FILE = "superset/dashboard-requests.json";

/** A chart-data request body (Superset's query context) without Superset's ids. */
export type PortableRequest = Record<string, unknown> & { datasource: { type: string }; form_data: Record<string, unknown> };

export interface CapturedChart {
  uuid: string;
  name: string;
  /** The UUID of the dataset the chart reads. */
  dataset: string;
  /** The chart-data requests the dashboard sends for it when opened (usually one). */
  requests: PortableRequest[];
}

export interface CapturedDashboard {
  uuid: string;
  title: string;
  charts: CapturedChart[];
}

export interface DashboardRequests {
  about: string;
  dashboards: CapturedDashboard[];
}

/** The ids a request names, each for one object of the bundle (by UUID in the file). */
export interface RequestIds {
  datasetId: number;
  chartId: number;
  dashboardId: number;
}

/** The keys of a request's form_data that hold this Superset's ids (pure). */
const ID_KEYS = ["datasource", "slice_id", "chart_id", "dashboardId"] as const;

/**
 * A request as the browser sent it, without the ids of the Superset it was sent to (pure):
 * `datasource.id` and form_data's datasource, slice_id, chart_id and dashboardId. `force` is
 * cleared: the refresh sets it.
 */
export function portableRequest(sent: Record<string, unknown>): PortableRequest {
  const copy = structuredClone(sent) as PortableRequest & { datasource: { id?: number } };
  delete copy.datasource.id;
  for (const key of ID_KEYS) delete copy.form_data[key];
  copy.force = false;
  return copy;
}

/** The request with this Superset's ids put back (pure): what the dashboard sends, forced. */
export function boundRequest(request: PortableRequest, ids: RequestIds): Record<string, unknown> {
  const copy: Record<string, unknown> & { form_data: Record<string, unknown> } = structuredClone(request);
  copy.datasource = { ...request.datasource, id: ids.datasetId };
  copy.form_data = {
    ...copy.form_data,
    datasource: `${ids.datasetId}__${request.datasource.type}`,
    slice_id: ids.chartId,
    chart_id: ids.chartId,
    dashboardId: ids.dashboardId,
  };
  copy.force = true;
  return copy;
}

/** Reads superset/dashboard-requests.json (or `file`). */
export function readDashboardRequests(file: string = path.join(repoRoot, DASHBOARD_REQUESTS_FILE)): DashboardRequests {
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: capture it with 'npm run superset:capture-requests' on a running local stack`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as DashboardRequests;
}

interface DatasetRow {
  id: number;
  uuid: string;
  table_name: string;
  schema: string;
  catalog: string | null;
  database: { id: number };
}

/** Every object of a kind (charts, datasets) with the columns asked for; fails past one page rather than miss some. */
export async function listAll<T>(api: SupersetApi, kind: "chart" | "dataset", columns: string[]): Promise<T[]> {
  const q = encodeURIComponent(`(columns:!(${columns.join(",")}),page_size:100)`);
  const body = await api.json<{ count: number; result: T[] }>("GET", `/api/v1/${kind}/?q=${q}`);
  if (body.count > body.result.length) throw new Error(`Superset has ${body.count} ${kind}s, more than one page of ${body.result.length}: list them by page`);
  return body.result;
}

/**
 * The ids of a dashboard's charts by chart UUID, from its layout (position_json: each CHART
 * component's meta holds the chart's UUID and this Superset's id for it). Not the chart list
 * (/api/v1/chart/), which takes Superset ~1 s however few columns are asked for; this is one
 * ~0.1 s request, and names exactly the charts the dashboard shows.
 */
export async function chartIdsOf(api: SupersetApi, dashboardId: number): Promise<Map<string, number>> {
  const body = await api.json<{ result: { position_json: string | null } }>("GET", `/api/v1/dashboard/${dashboardId}`);
  return chartIdsInLayout(body.result.position_json);
}

/** Chart UUID → chart id of the CHART components of a dashboard's position_json (pure). */
export function chartIdsInLayout(positionJson: string | null): Map<string, number> {
  const ids = new Map<string, number>();
  const layout = JSON.parse(positionJson ?? "{}") as Record<string, { type?: string; meta?: { uuid?: string; chartId?: number } } | string>;
  for (const component of Object.values(layout)) {
    if (typeof component !== "object" || component.type !== "CHART") continue;
    const { uuid, chartId } = component.meta ?? {};
    if (uuid && typeof chartId === "number") ids.set(uuid, chartId);
  }
  return ids;
}

/** The tables of a schema as Superset's connection sees them (not Superset's cached list). */
async function tablesOf(api: SupersetApi, databaseId: number, schema: string, catalog: string | null): Promise<Set<string>> {
  const q = encodeURIComponent(`(schema_name:${schema},${catalog ? `catalog_name:${catalog},` : ""}force:!t)`);
  const body = await api.json<{ result: { value: string }[] }>("GET", `/api/v1/database/${databaseId}/tables/?q=${q}`);
  return new Set(body.result.map((t) => t.value));
}

export interface RefreshedDashboard {
  title: string;
  /** Chart-data requests run. */
  requests: number;
  seconds: number;
}

export interface CacheRefresh {
  refreshed: RefreshedDashboard[];
  /** Dashboards left alone, each with why (a table gold does not have: its source has not run here). */
  skipped: { title: string; reason: string }[];
}

/**
 * Drops the cached results of each dashboard whose tables exist and warms its charts (see the
 * module's comment). Fails, naming the chart, when a chart's query fails; a dashboard whose
 * tables are not all there is skipped with the reason.
 */
export async function refreshDashboardCache(api: SupersetApi, captured: DashboardRequests, log: Logger): Promise<CacheRefresh> {
  const [dashboards, datasets] = await Promise.all([
    listDashboards(api),
    listAll<DatasetRow>(api, "dataset", ["id", "uuid", "table_name", "schema", "catalog", "database.id"]),
  ]);
  const tableCache = new Map<string, Set<string>>();
  const tables = async (d: DatasetRow) => {
    const key = `${d.database.id}/${d.catalog}/${d.schema}`;
    if (!tableCache.has(key)) tableCache.set(key, await tablesOf(api, d.database.id, d.schema, d.catalog));
    return tableCache.get(key)!;
  };
  const result: CacheRefresh = { refreshed: [], skipped: [] };
  for (const board of captured.dashboards) {
    const dashboard = dashboards.find((d) => d.uuid === board.uuid);
    if (!dashboard) throw new Error(`Superset has no dashboard with UUID ${board.uuid} ('${board.title}'): import superset/assets first ('lakehouse dashboards import')`);
    const reads = new Map<string, DatasetRow>();
    for (const chart of board.charts) {
      const dataset = datasets.find((d) => d.uuid === chart.dataset);
      if (!dataset) throw new Error(`'${chart.name}': Superset has no dataset with UUID ${chart.dataset}: import superset/assets first`);
      reads.set(dataset.uuid, dataset);
    }
    const missing: string[] = [];
    for (const d of reads.values()) if (!(await tables(d)).has(d.table_name)) missing.push(`${d.schema}.${d.table_name}`);
    if (missing.length) {
      result.skipped.push({ title: board.title, reason: `no ${missing.join(", ")} yet` });
      continue;
    }
    const started = Date.now();
    const [chartIds] = await Promise.all([
      chartIdsOf(api, dashboard.id),
      api.json("POST", "/api/v1/cachekey/invalidate", { datasource_uids: [...reads.values()].map((d) => `${d.id}__table`) }),
    ]);
    const sends: { chart: (typeof board.charts)[number]; body: unknown }[] = [];
    for (const chart of board.charts) {
      const chartId = chartIds.get(chart.uuid);
      if (chartId === undefined) throw new Error(`'${chart.name}': dashboard '${board.title}' in Superset shows no chart with UUID ${chart.uuid}: import superset/assets first ('lakehouse dashboards import')`);
      const ids = { datasetId: reads.get(chart.dataset)!.id, chartId, dashboardId: dashboard.id };
      for (const request of chart.requests) sends.push({ chart, body: boundRequest(request, ids) });
    }
    // All at once, as the dashboard itself sends them when it opens.
    await Promise.all(
      sends.map(async ({ chart, body: request }) => {
        const res = await api.fetch("/api/v1/chart/data", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
        if (!res.ok) throw await supersetFailure(res, `chart data of '${chart.name}' (${board.title})`);
        const body = (await res.json()) as { result: { status: string; error?: string }[] };
        const failed = body.result.filter((r) => r.status !== "success");
        if (failed.length) throw new Error(`Superset: chart data of '${chart.name}' (${board.title}): ${failed.map((r) => r.error ?? r.status).join("; ")}`);
      }),
    );
    const requests = sends.length;
    const seconds = (Date.now() - started) / 1000;
    log.step(`dashboards: ${board.title}: cache refreshed, ${requests} chart queries in ${seconds.toFixed(1)}s`);
    result.refreshed.push({ title: board.title, requests, seconds });
  }
  for (const s of result.skipped) log.step(`dashboards: ${s.title}: cache left alone (${s.reason})`);
  return result;
}
