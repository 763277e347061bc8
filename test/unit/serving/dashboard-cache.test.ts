/**
 * The dashboards' captured chart-data requests (superset/dashboard-requests.json): ids taken out
 * and put back, and the committed capture still that of the committed charts and dashboards.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { ASSETS_DIR } from "../../../src/serving/asset-bundle";
import { boundRequest, chartIdsInLayout, portableRequest, readDashboardRequests } from "../../../src/serving/dashboard-cache";

/** What Superset's dashboard sent for a chart, as seen in the browser (ids of one Superset). */
const SENT = {
  datasource: { id: 4, type: "table" },
  force: false,
  queries: [{ metrics: ["sum_revenue"], time_range: "No filter", row_limit: 10000 }],
  form_data: { datasource: "4__table", viz_type: "echarts_timeseries_line", slice_id: 1, chart_id: 1, dashboardId: 2, metrics: ["sum_revenue"] },
  result_format: "json",
  result_type: "full",
};

test("a captured request keeps no id of the Superset it came from, and gets another's back, forced", () => {
  const portable = portableRequest(SENT);
  assert.deepEqual(portable.datasource, { type: "table" });
  assert.deepEqual(portable.form_data, { viz_type: "echarts_timeseries_line", metrics: ["sum_revenue"] });
  assert.deepEqual(portable.queries, SENT.queries);
  assert.equal(SENT.datasource.id, 4, "the browser's request is not changed");

  const bound = boundRequest(portable, { datasetId: 7, chartId: 11, dashboardId: 3 });
  assert.deepEqual(bound, {
    ...SENT,
    datasource: { id: 7, type: "table" },
    force: true,
    form_data: { ...SENT.form_data, datasource: "7__table", slice_id: 11, chart_id: 11, dashboardId: 3 },
  });
  // The same ids back give the request the browser sent (but forced).
  assert.deepEqual(boundRequest(portable, { datasetId: 4, chartId: 1, dashboardId: 2 }), { ...SENT, force: true });
});

const yamls = (folder: string) =>
  fs.readdirSync(path.join(ASSETS_DIR, folder)).map((f) => ({ file: `${folder}/${f}`, doc: parse(fs.readFileSync(path.join(ASSETS_DIR, folder, f), "utf8")) as Record<string, unknown> }));

test("the committed capture has every dashboard of superset/assets with exactly its charts, their datasets, and no ids", () => {
  const captured = readDashboardRequests();
  const dashboards = yamls("dashboards");
  assert.deepEqual(captured.dashboards.map((d) => d.uuid).sort(), dashboards.map((d) => d.doc.uuid).sort(), "capture again: npm run superset:capture-requests");
  const charts = new Map(yamls("charts").map((c) => [c.doc.uuid as string, c]));
  for (const board of captured.dashboards) {
    const yaml = dashboards.find((d) => d.doc.uuid === board.uuid)!;
    const placed = Object.values(yaml.doc.position as Record<string, { type?: string; meta?: { uuid?: string } }>)
      .filter((p) => p.type === "CHART")
      .map((p) => p.meta!.uuid!);
    assert.deepEqual(board.charts.map((c) => c.uuid).sort(), placed.sort(), `${yaml.file}: its charts`);
    for (const chart of board.charts) {
      const c = charts.get(chart.uuid)!;
      assert.equal(chart.dataset, c.doc.dataset_uuid, `${c.file}: its dataset`);
      assert.ok(chart.requests.length > 0, `${c.file}: no request`);
      for (const r of chart.requests) {
        assert.equal((r.datasource as { id?: number }).id, undefined, `${c.file}: a datasource id`);
        for (const key of ["datasource", "slice_id", "chart_id", "dashboardId"]) assert.equal(r.form_data[key], undefined, `${c.file}: form_data.${key}`);
      }
    }
  }
});

test("each captured request was sent for the chart as committed: every setting of its params is in the request's form_data", () => {
  const charts = new Map(yamls("charts").map((c) => [c.doc.uuid as string, c]));
  for (const chart of readDashboardRequests().dashboards.flatMap((d) => d.charts)) {
    const { file, doc } = charts.get(chart.uuid)!;
    // The dashboard adds its filters' defaults (extra_form_data); the datasource is an id, left out.
    const params = Object.entries(doc.params as Record<string, unknown>).filter(([k]) => k !== "datasource" && k !== "extra_form_data");
    for (const r of chart.requests) {
      const stale = params.filter(([k, v]) => !isDeepStrictEqual(r.form_data[k], v)).map(([k]) => k);
      assert.deepEqual(stale, [], `${file} changed since its requests were captured (${stale.join(", ")}): run 'npm run superset:capture-requests' on the local stack`);
    }
  }
});

test("a dashboard's layout names each of its charts' ids by UUID, and every chart whose requests are captured is in it", () => {
  const dir = path.join(ASSETS_DIR, "dashboards");
  const assets = fs.readdirSync(dir).map((f) => parse(fs.readFileSync(path.join(dir, f), "utf8")) as { uuid: string; position: Record<string, unknown> });
  for (const board of readDashboardRequests().dashboards) {
    const asset = assets.find((a) => a.uuid === board.uuid);
    assert.ok(asset, `no dashboard asset with UUID ${board.uuid}`);
    // As Superset returns it: the layout as a JSON string.
    const ids = chartIdsInLayout(JSON.stringify(asset.position));
    assert.deepEqual([...ids.keys()].sort(), board.charts.map((c) => c.uuid).sort(), board.title);
    assert.equal(new Set(ids.values()).size, ids.size, `${board.title}: each chart its own id`);
  }
  assert.equal(chartIdsInLayout(null).size, 0);
  assert.deepEqual([...chartIdsInLayout(JSON.stringify({ DASHBOARD_VERSION_KEY: "v2", C: { type: "CHART", meta: { uuid: "u", chartId: 12 } }, M: { type: "MARKDOWN", meta: {} } }))], [["u", 12]]);
});
