/**
 * The video's own pictures, as HTML drawn by the same headless Chromium that drives Superset:
 * title cards, terminal frames (tmux's captured text in a terminal window) and notices.
 * HTML rather than ffmpeg's drawtext because Chromium lays out text, wraps and fonts properly.
 */
import type { BrowserContext, Page } from "playwright-core";

/** The video's frame. */
export const WIDTH = 1280;
export const HEIGHT = 720;
/**
 * What the pictures fill: the frame's top 620 px. The 100 px band under it is the captions'
 * own, so they never hide a terminal's newest line or a chart's axis.
 */
export const STAGE = { width: 1280, height: 620 };

/** Terminal geometry: what tmux is sized to, and what a frame shows. */
export const TERMINAL = { cols: 118, rows: 26 };

export const COLORS = { background: "#0b1120", panel: "#111a2e", text: "#e2e8f0", dim: "#94a3b8", accent: "#38bdf8", bronze: "#cd7f32", silver: "#c0c7d1", gold: "#e5b83b", prompt: "#4ade80", mark: "#facc15" };

export const escapeHtml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A page of the stage's size: dark, DejaVu fonts (Debian's, always there with chromium). */
export function page(body: string, css = ""): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    html, body { margin: 0; width: ${STAGE.width}px; height: ${STAGE.height}px; overflow: hidden; background: ${COLORS.background}; color: ${COLORS.text};
      font-family: "DejaVu Sans", sans-serif; }
    ${css}</style></head><body>${body}</body></html>`;
}

/** A title card: heading, lines under it, and a footer line (where and when it was recorded). */
export function titleCard(heading: string, lines: string[], footer: string): string {
  return page(
    `<main><h1>${escapeHtml(heading)}</h1>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}</main><footer>${escapeHtml(footer)}</footer>`,
    `main { position: absolute; inset: 0 0 60px 0; display: flex; flex-direction: column; justify-content: center; padding: 0 110px; }
     h1 { font-size: 60px; margin: 0 0 34px; border-left: 10px solid ${COLORS.gold}; padding-left: 28px; }
     p { font-size: 28px; margin: 8px 0 8px 38px; color: ${COLORS.dim}; font-family: "DejaVu Sans Mono", monospace; }
     footer { position: absolute; left: 110px; bottom: 24px; font-size: 18px; color: ${COLORS.dim}; }`,
  );
}

export interface TerminalLook {
  /** The window's title. */
  title: string;
  /** Right side of the title bar, e.g. "real time 1:32 · shown 4.2× faster". */
  status?: string;
  /** Lines matching this are marked (the reconciliation line). */
  mark?: RegExp;
}

/** tmux's captured text as a terminal window; prompt lines ("$ …") in green. */
export function terminalFrame(text: string, look: TerminalLook): string {
  const lines = text.replace(/\s+$/, "").split("\n").slice(-TERMINAL.rows);
  const html = lines
    .map((l) => {
      const cls = look.mark?.test(l) ? "mark" : l.startsWith("$ ") ? "prompt" : "";
      return `<div class="${cls}">${escapeHtml(l) || "&nbsp;"}</div>`;
    })
    .join("");
  return page(
    `<div class="bar"><span class="dots"><i></i><i></i><i></i></span><span>${escapeHtml(look.title)}</span><span class="status">${escapeHtml(look.status ?? "")}</span></div><pre>${html}</pre>`,
    `.bar { height: 40px; display: flex; align-items: center; gap: 18px; padding: 0 18px; background: ${COLORS.panel}; color: ${COLORS.dim}; font-size: 16px; }
     .dots i { display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 7px; background: #334155; }
     .status { margin-left: auto; }
     pre { margin: 0; padding: 14px 22px; font: 17px/21px "DejaVu Sans Mono", monospace; white-space: pre; }
     .prompt { color: ${COLORS.prompt}; }
     .mark { background: ${COLORS.mark}; color: #111; font-weight: bold; }`,
  );
}

/** Renders HTML pages to PNGs of the stage's size in one Chromium tab. */
export class HtmlRenderer {
  private constructor(private readonly tab: Page) {}

  static async open(browser: BrowserContext): Promise<HtmlRenderer> {
    const tab = await browser.newPage();
    await tab.setViewportSize(STAGE);
    return new HtmlRenderer(tab);
  }

  async png(html: string, file: string): Promise<void> {
    await this.tab.setContent(html, { waitUntil: "load" });
    await this.tab.screenshot({ path: file, type: "png" });
  }

  /** For pages that draw themselves after load (the architecture's arrows): run `fn` in the page first. */
  async pngAfter(html: string, file: string, fn: string): Promise<void> {
    await this.tab.setContent(html, { waitUntil: "load" });
    await this.tab.evaluate(fn);
    await this.tab.screenshot({ path: file, type: "png" });
  }

  async close(): Promise<void> {
    await this.tab.close();
  }
}
