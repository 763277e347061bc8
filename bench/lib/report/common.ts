/** What every report shares: number formats, the memory table and the SVG bars (no charting library). */
import type { MemoryPeak } from "../memory";
import type { RenderFigures } from "../dashboard-render";
import { phasesText } from "../render-phases";

/** `x` with `digits` decimals, thousands separated; "n/m" (not measured) when absent. */
export const fixed = (x: number | undefined, digits: number) =>
  x === undefined || Number.isNaN(x) ? "n/m" : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** `x` rounded to a whole number, thousands separated; "n/m" when absent. */
export const whole = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? "n/m" : Math.round(x).toLocaleString("en-US"));

/** Peak memory per service (and the benchmark's own jobs), as Markdown lines. */
export function memoryTable(memory: Record<string, MemoryPeak>): string[] {
  return [
    "Peak memory during the run (sum of RSS over each process tree, sampled every second; lifetime VmHWM of the main process):",
    "",
    "| process | peak RSS during run | lifetime VmHWM | processes |",
    "|---|---:|---:|---:|",
    ...Object.entries(memory).map(([name, m]) => `| ${name} | ${whole(m.peakRssMb)} MB | ${m.lifetimeHwmMb === undefined ? "" : `${whole(m.lifetimeHwmMb)} MB`} | ${m.processes} |`),
  ];
}

/** What held the daily run's memory peak, one sentence (empty when the result predates it): "trino 2,900 MB, spark 2,100 MB, …". */
export function peakComposition(atPeakMb: Record<string, number> | undefined): string[] {
  if (!atPeakMb || !Object.keys(atPeakMb).length) return [];
  const parts = Object.entries(atPeakMb).sort(([, a], [, b]) => b - a).map(([owner, mb]) => `${owner} ${whole(mb)} MB`);
  return [`At the daily run's memory peak (PSS at that instant): ${parts.join(", ")}.`, ""];
}

export interface Bar {
  label: string;
  seconds: number;
  engine: "lakehouse" | "duckdb" | "overhead";
}

/** Horizontal bars with their seconds, coloured by engine; bars without a finite value are left out. */
export function svgBars(title: string, all: Bar[]): string {
  const bars = all.filter((b) => Number.isFinite(b.seconds));
  const colors = { lakehouse: "#3b6ea8", duckdb: "#e0a526", overhead: "#9aa5b1" };
  const width = 760;
  const labelW = 260;
  const rowH = 24;
  const max = Math.max(...bars.map((b) => b.seconds), 0.001);
  const scale = (width - labelW - 80) / max;
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const height = 40 + bars.length * rowH + 30;
  const rows = bars.map((b, k) => {
    const y = 34 + k * rowH;
    const w = Math.max(1, b.seconds * scale);
    return [
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${colors[b.engine]}"/>`,
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${b.seconds < 10 ? b.seconds.toFixed(2) : b.seconds.toFixed(1)} s</text>`,
    ].join("");
  });
  const legend = Object.entries(colors).map(([name, c], k) => `<rect x="${labelW + k * 130}" y="${height - 22}" width="12" height="12" fill="${c}"/><text x="${labelW + k * 130 + 18}" y="${height - 12}">${name}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    ...rows,
    ...legend,
    `</svg>`,
    "",
  ].join("\n");
}

/** The dashboard drawn in the browser: each visit's seconds and, where measured, where the first and the last visit's went. */
export function renderSection(render: RenderFigures | undefined): string[] {
  if (!render) return [];
  const p = render.phases ?? [];
  return [
    `The dashboard in the browser (chromium, navigation to the last chart drawn): first visit ${fixed(render.firstSeconds, 2)} s, returning visits ${render.runs.slice(1).map((x) => fixed(x, 2)).join(", ")} s.`,
    ...(p.length ? ["", `Where the seconds went, from the browser's Navigation and Resource Timing: the first visit: ${phasesText(p[0])}.${p.length > 1 ? ` The last returning visit: ${phasesText(p.at(-1)!)}.` : ""}`] : []),
    "",
  ];
}
