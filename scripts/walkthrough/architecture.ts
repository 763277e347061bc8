/**
 * The architecture scenes, drawn from docs/architecture.md itself so that they stay true: its
 * mermaid flowchart (nodes, labels, groups, edges) and its table of each step on the local
 * stack and in the cluster. The `mermaid` npm package is not available to this project offline,
 * so this draws the same nodes as an HTML page of its own: positions come from LAYOUT below,
 * everything else from the document. A node the document gains and LAYOUT does not place is
 * an error naming it, rather than a diagram that silently leaves it out.
 */
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../../src/local/paths";
import { COLORS, escapeHtml, page, STAGE } from "./cards";

export const ARCHITECTURE_DOC = path.join(repoRoot, "docs", "architecture.md");

export interface FlowNode {
  id: string;
  /** The label's lines (mermaid's <br/>). */
  lines: string[];
  shape: "box" | "store";
  group?: string;
}
export interface FlowEdge {
  from: string;
  to: string;
  dotted: boolean;
  label?: string;
}
export interface Flowchart {
  nodes: Map<string, FlowNode>;
  groups: Map<string, string>;
  edges: FlowEdge[];
}

/** Where each node of the flowchart goes: left, top, width, height (px on the 1280x620 stage). */
const LAYOUT: Record<string, [number, number, number, number]> = {
  syn: [40, 112, 180, 68], chi: [40, 200, 180, 68], nyc: [40, 288, 180, 68], wx: [40, 376, 180, 68],
  ingest: [280, 228, 190, 96],
  bronze: [525, 112, 210, 84], silver: [525, 262, 210, 84], gold: [525, 412, 210, 84],
  spark: [790, 176, 200, 92], dbt: [790, 340, 200, 76], hms: [790, 505, 200, 74],
  superset: [1045, 112, 200, 76], trino: [1045, 286, 200, 92], pg: [1045, 505, 200, 74],
};
/** Bends ("from>to": points) for the edges a straight line would draw through another box. */
const VIA: Record<string, [number, number][]> = {
  "spark>hms": [[1016, 222], [1016, 488]],
  "trino>gold": [[1010, 458]],
  "trino>bronze": [[1016, 156]],
  "superset>pg": [[1264, 150], [1264, 542]],
};
/** Padding of a group's box around its nodes, and room for its title. */
const GROUP_PAD = 16;

const NODE = /^(\w+)\s*(\[\(|\(\(|\[|\{|\()(.+?)(\)\]|\)\)|\]|\}|\))$/;
const ARROW = /\s*(--\s+[^-]+?\s+-->|-\.\s+[^.]+?\s+\.->|-\.->|-->|==>)\s*/;

/** The first ```mermaid block of a markdown text. */
export function mermaidBlock(markdown: string, file = ARCHITECTURE_DOC): string {
  const m = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!m) throw new Error(`${file} has no mermaid block`);
  return m[1];
}

/** A mermaid flowchart's nodes, subgraphs and edges: the subset docs/architecture.md uses. */
export function parseFlowchart(source: string): Flowchart {
  const nodes = new Map<string, FlowNode>();
  const groups = new Map<string, string>();
  const edges: FlowEdge[] = [];
  let group: string | undefined;
  const define = (token: string): string => {
    const m = NODE.exec(token.trim());
    const id = m ? m[1] : token.trim();
    if (m && !nodes.has(id)) nodes.set(id, { id, lines: m[3].split(/<br\s*\/?>/), shape: m[2] === "[(" ? "store" : "box", group });
    return id;
  };
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("%%") || /^(flowchart|graph)\b/.test(line)) continue;
    const sub = /^subgraph\s+(\w+)\s*(?:\[(.+)\])?$/.exec(line);
    if (sub) {
      group = sub[1];
      groups.set(sub[1], sub[2] ?? sub[1]);
      continue;
    }
    if (line === "end") {
      group = undefined;
      continue;
    }
    const parts = line.split(ARROW);
    if (parts.length === 1) {
      define(line);
      continue;
    }
    for (let i = 0; i + 2 < parts.length; i += 2) {
      const arrow = parts[i + 1];
      const label = /^(?:--|-\.)\s+(.+?)\s+(?:-->|\.->)$/.exec(arrow)?.[1];
      for (const from of parts[i].split("&").map(define)) {
        for (const to of parts[i + 2].split("&").map(define)) {
          if (!edges.some((e) => e.from === from && e.to === to)) edges.push({ from, to, dotted: arrow.startsWith("-."), label });
        }
      }
    }
  }
  return { nodes, groups, edges };
}

/** A node's look: the layers in their colors, the engines in the accent. */
function nodeColor(id: string): string {
  return (COLORS as Record<string, string>)[id] ?? COLORS.accent;
}

/** The flowchart as a page; arrows are drawn by a script in the page, from the boxes' positions. */
export function diagramHtml(chart: Flowchart, file = ARCHITECTURE_DOC): string {
  const unplaced = [...chart.nodes.keys()].filter((id) => !LAYOUT[id]);
  if (unplaced.length) throw new Error(`${path.relative(repoRoot, file)}'s diagram has node(s) ${unplaced.join(", ")} that scripts/walkthrough/architecture.ts does not place: add them to LAYOUT`);
  const groups = [...chart.groups].map(([id, title]) => {
    const members = [...chart.nodes.values()].filter((n) => n.group === id).map((n) => LAYOUT[n.id]);
    const left = Math.min(...members.map((b) => b[0])) - GROUP_PAD;
    const top = Math.min(...members.map((b) => b[1])) - GROUP_PAD - 26;
    const right = Math.max(...members.map((b) => b[0] + b[2])) + GROUP_PAD;
    const bottom = Math.max(...members.map((b) => b[1] + b[3])) + GROUP_PAD;
    return `<div class="group" style="left:${left}px;top:${top}px;width:${right - left}px;height:${bottom - top}px"><span>${escapeHtml(title)}</span></div>`;
  });
  const boxes = [...chart.nodes.values()].map((n) => {
    const [left, top, width, height] = LAYOUT[n.id];
    const [head, ...rest] = n.lines;
    return `<div class="node ${n.shape}" data-node="${n.id}" style="left:${left}px;top:${top}px;width:${width}px;height:${height}px;border-color:${nodeColor(n.id)}">` +
      `<b>${escapeHtml(head)}</b>${rest.map((l) => `<small>${escapeHtml(l)}</small>`).join("")}</div>`;
  });
  const draw = `${DRAW_EDGES}(${JSON.stringify(chart.edges.map((e) => ({ ...e, via: VIA[`${e.from}>${e.to}`] ?? [] })))});`;
  return page(
    `<h2>Architecture <small>drawn from docs/architecture.md</small></h2>${groups.join("")}<svg id="edges" width="${STAGE.width}" height="${STAGE.height}">
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.dim}"/></marker></defs></svg>
      ${boxes.join("")}<footer>local stack: <code>lakehouse local up</code>, every engine a process · cluster: <code>pulumi up</code>, the same engines as pods, the jobs as CronJobs</footer>
      <script>${draw}</script>`,
    `h2 { position: absolute; left: 40px; top: 14px; margin: 0; font-size: 30px; } h2 small { font-size: 17px; color: ${COLORS.dim}; font-weight: normal; margin-left: 12px; }
     .group { position: absolute; border: 1px dashed #475569; border-radius: 12px; } .group span { position: absolute; left: 12px; top: 4px; font-size: 15px; color: ${COLORS.dim}; }
     .node { position: absolute; box-sizing: border-box; border: 2px solid; border-radius: 8px; background: ${COLORS.panel}; display: flex; flex-direction: column;
       justify-content: center; align-items: center; text-align: center; padding: 4px 8px; z-index: 1; }
     .node.store { border-radius: 50% / 16px; } .node b { font-size: 16px; } .node small { font-size: 12.5px; color: ${COLORS.dim}; margin-top: 3px; }
     svg { position: absolute; inset: 0; } footer { position: absolute; left: 40px; right: 40px; bottom: 12px; font-size: 16px; color: ${COLORS.dim}; }
     code { color: ${COLORS.text}; font-family: "DejaVu Sans Mono", monospace; }`,
  );
}

/**
 * Runs in the page: a line per edge between the two boxes' borders, arrow at the target.
 * Plain JavaScript in a string: a function's source, as tsx compiles it, may call helpers
 * (esbuild's __name) that do not exist in the page.
 */
const DRAW_EDGES = `(function (edges) {
  var svg = document.getElementById("edges");
  function box(id) { return document.querySelector('[data-node="' + id + '"]').getBoundingClientRect(); }
  function center(r) { return [r.left + r.width / 2, r.top + r.height / 2]; }
  function border(r, toward) {
    var c = center(r), dx = toward[0] - c[0], dy = toward[1] - c[1];
    var t = Math.min(Math.abs(r.width / 2 / (dx || 1e-9)), Math.abs(r.height / 2 / (dy || 1e-9)));
    return [c[0] + dx * t, c[1] + dy * t];
  }
  function element(name, attrs) {
    var el = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, String(attrs[k])); });
    return svg.appendChild(el);
  }
  edges.forEach(function (e) {
    var a = box(e.from), b = box(e.to);
    var first = e.via.length ? e.via[0] : center(b), last = e.via.length ? e.via[e.via.length - 1] : center(a);
    var points = [border(a, first)].concat(e.via, [border(b, last)]);
    element("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "), fill: "none", stroke: "#94a3b8", "stroke-width": 2,
      "marker-end": "url(#arrow)", "stroke-dasharray": e.dotted ? "6 5" : "none" });
    if (!e.label) return;
    var best = 0;
    for (var i = 1; i + 1 < points.length; i++) if (Math.hypot(points[i + 1][0] - points[i][0], points[i + 1][1] - points[i][1]) > Math.hypot(points[best + 1][0] - points[best][0], points[best + 1][1] - points[best][1])) best = i;
    var p = points[best], q = points[best + 1], vertical = Math.abs(q[0] - p[0]) < 2, t = vertical ? 0.35 : 0.5;
    var x = p[0] + (q[0] - p[0]) * t + (vertical ? 4 : 0), y = p[1] + (q[1] - p[1]) * t - (vertical ? 0 : 8);
    element("text", { x: x, y: y, fill: "#e2e8f0", "font-size": 13, stroke: "#0b1120", "stroke-width": 4, "paint-order": "stroke",
      "text-anchor": "middle", transform: vertical ? "rotate(-90 " + x + " " + y + ")" : "" }).textContent = e.label;
  });
})`;

/** The rows of the document's table whose header starts "| step | technology | local stack | cluster |". */
export function environmentsTable(markdown: string, file = ARCHITECTURE_DOC): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^\|\s*step\s*\|\s*technology\s*\|\s*local stack\s*\|\s*cluster\s*\|/.test(l));
  if (start < 0) throw new Error(`${file} has no table with the columns step | technology | local stack | cluster`);
  const rows: string[][] = [];
  for (const l of lines.slice(start)) {
    if (!l.startsWith("|")) break;
    if (/^\|[\s|:-]+\|$/.test(l)) continue;
    rows.push(l.slice(1, -1).split("|").map((c) => c.trim()));
  }
  return rows;
}

/** The table as a page; `code` spans kept as code. */
export function environmentsHtml(rows: string[][]): string {
  const cell = (c: string) => escapeHtml(c).replace(/`([^`]+)`/g, "<code>$1</code>");
  const [head, ...body] = rows;
  return page(
    `<h2>One set of engines, two places <small>docs/architecture.md</small></h2><table><thead><tr>${head.map((h) => `<th>${cell(h)}</th>`).join("")}</tr></thead>` +
      `<tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`,
    `h2 { margin: 22px 40px 16px; font-size: 30px; } h2 small { font-size: 17px; color: ${COLORS.dim}; font-weight: normal; margin-left: 12px; }
     table { margin: 0 40px; border-collapse: collapse; font-size: 17.5px; width: 1200px; } th { text-align: left; color: ${COLORS.accent}; padding: 6px 10px; border-bottom: 2px solid #334155; }
     td { padding: 10px 10px; border-bottom: 1px solid #1e293b; vertical-align: top; } td:first-child { color: ${COLORS.gold}; white-space: nowrap; }
     code { font-family: "DejaVu Sans Mono", monospace; font-size: 15.5px; color: ${COLORS.text}; background: #1e293b; padding: 1px 4px; border-radius: 3px; }`,
  );
}

/** Both pages from the document as it is now. */
export function architecturePages(file = ARCHITECTURE_DOC): { diagram: string; environments: string } {
  const markdown = fs.readFileSync(file, "utf8");
  return { diagram: diagramHtml(parseFlowchart(mermaidBlock(markdown, file)), file), environments: environmentsHtml(environmentsTable(markdown, file)) };
}
