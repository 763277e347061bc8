/**
 * Where a dashboard render's seconds go, from the browser's own Navigation and Resource Timing
 * entries (pure): the page, Superset's scripts, the app's start, then the chart-data requests,
 * against the moment the last chart was seen drawn. Times are seconds from the navigation's start.
 */

/** The fields of a PerformanceNavigationTiming / PerformanceResourceTiming entry read here (their toJSON()). */
export interface TimingEntry {
  name: string;
  initiatorType?: string;
  startTime: number;
  responseEnd: number;
  /** Bytes after decompression (0 when the browser served it from its memory cache). */
  decodedBodySize?: number;
  /** Bytes over the wire; 0 from the browser's cache. */
  transferSize?: number;
  domContentLoadedEventEnd?: number;
}

export interface RenderPhases {
  /** The dashboard page's HTML received. */
  pageSeconds: number;
  /** Scripts (initiator "script" or a .js URL): how many, their size, the last one received and how many came over the wire. */
  scripts: number;
  scriptMegabytes: number;
  scriptsFetched: number;
  lastScriptSeconds: number;
  /** The page's DOMContentLoaded handlers done. */
  domContentLoadedSeconds: number;
  /** The chart-data requests: the first sent, the last answered. */
  chartRequests: number;
  firstChartRequestSeconds: number;
  lastChartResponseSeconds: number;
  /** When the last chart was seen drawn (the render's figure). */
  drawnSeconds: number;
}

const CHART_DATA = /\/api\/v1\/chart\/data\b/;
const isScript = (e: TimingEntry) => e.initiatorType === "script" || /\.js(\?|$)/.test(e.name);

export function renderPhases(navigation: TimingEntry, resources: TimingEntry[], drawnSeconds: number): RenderPhases {
  const s = (ms: number) => ms / 1000;
  const scripts = resources.filter(isScript);
  const charts = resources.filter((e) => CHART_DATA.test(e.name));
  return {
    pageSeconds: s(navigation.responseEnd),
    scripts: scripts.length,
    scriptMegabytes: scripts.reduce((sum, e) => sum + (e.decodedBodySize ?? 0), 0) / 1e6,
    scriptsFetched: scripts.filter((e) => (e.transferSize ?? 0) > 0).length,
    lastScriptSeconds: s(Math.max(0, ...scripts.map((e) => e.responseEnd))),
    domContentLoadedSeconds: s(navigation.domContentLoadedEventEnd ?? NaN),
    chartRequests: charts.length,
    firstChartRequestSeconds: charts.length ? s(Math.min(...charts.map((e) => e.startTime))) : NaN,
    lastChartResponseSeconds: charts.length ? s(Math.max(...charts.map((e) => e.responseEnd))) : NaN,
    drawnSeconds,
  };
}

/** One line: where a render's seconds went. */
export function phasesText(p: RenderPhases): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/m");
  return `page ${f(p.pageSeconds)} s; ${p.scripts} scripts (${p.scriptMegabytes.toFixed(1)} MB, ${p.scriptsFetched} over the wire) by ${f(p.lastScriptSeconds)} s; ` +
    `DOMContentLoaded ${f(p.domContentLoadedSeconds)} s; ${p.chartRequests} chart-data requests from ${f(p.firstChartRequestSeconds)} s to ${f(p.lastChartResponseSeconds)} s; last chart drawn ${f(p.drawnSeconds)} s`;
}
