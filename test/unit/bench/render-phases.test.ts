/** Where a render's seconds go, from the browser's timing entries (bench/lib/render-phases.ts). */
import assert from "node:assert/strict";
import test from "node:test";
import { phasesText, renderPhases, type TimingEntry } from "../../../bench/lib/render-phases";

const navigation: TimingEntry = { name: "http://127.0.0.1:8088/superset/dashboard/1/", startTime: 0, responseEnd: 180, domContentLoadedEventEnd: 2400 };
const resources: TimingEntry[] = [
  // Two bundles over the wire, one from the browser's cache (transferSize 0), a stylesheet.
  { name: "http://127.0.0.1:8088/static/assets/spa.1.entry.js", initiatorType: "script", startTime: 200, responseEnd: 1500, decodedBodySize: 3_000_000, transferSize: 900_000 },
  { name: "http://127.0.0.1:8088/static/assets/vendors.2.chunk.js?v=1", initiatorType: "link", startTime: 210, responseEnd: 1900, decodedBodySize: 2_500_000, transferSize: 800_000 },
  { name: "http://127.0.0.1:8088/static/assets/theme.3.chunk.js", initiatorType: "script", startTime: 220, responseEnd: 400, decodedBodySize: 500_000, transferSize: 0 },
  { name: "http://127.0.0.1:8088/static/assets/theme.css", initiatorType: "link", startTime: 230, responseEnd: 300, decodedBodySize: 90_000, transferSize: 20_000 },
  // Two chart-data requests, and an API call that is not one.
  { name: "http://127.0.0.1:8088/api/v1/chart/data?form_data=%7B%22slice_id%22%3A3%7D", initiatorType: "fetch", startTime: 3100, responseEnd: 3600 },
  { name: "http://127.0.0.1:8088/api/v1/chart/data?form_data=%7B%22slice_id%22%3A4%7D", initiatorType: "fetch", startTime: 3000, responseEnd: 4100 },
  { name: "http://127.0.0.1:8088/api/v1/dashboard/1/charts", initiatorType: "fetch", startTime: 2500, responseEnd: 2900 },
];

test("the page, the scripts (by initiator or a .js name), DOMContentLoaded and the chart-data requests, in seconds", () => {
  const p = renderPhases(navigation, resources, 4.6);
  assert.deepEqual(p, {
    pageSeconds: 0.18,
    scripts: 3,
    scriptMegabytes: 6,
    scriptsFetched: 2,
    lastScriptSeconds: 1.9,
    domContentLoadedSeconds: 2.4,
    chartRequests: 2,
    firstChartRequestSeconds: 3,
    lastChartResponseSeconds: 4.1,
    drawnSeconds: 4.6,
  });
  assert.equal(phasesText(p), "page 0.18 s; 3 scripts (6.0 MB, 2 over the wire) by 1.90 s; DOMContentLoaded 2.40 s; 2 chart-data requests from 3.00 s to 4.10 s; last chart drawn 4.60 s");
});

test("no chart-data request (Superset answered from nothing the browser saw) is said, not a zero", () => {
  const p = renderPhases(navigation, resources.filter((e) => !e.name.includes("/chart/data")), 3);
  assert.equal(p.chartRequests, 0);
  assert.match(phasesText(p), /0 chart-data requests from n\/m s to n\/m s/);
});
