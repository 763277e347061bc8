/**
 * From a scene of the narration to pictures, in two steps: capture (run the commands, drive
 * the browser, draw the card) at the capture's own pace, then render the captured frames to
 * images fitted to the scene's narration. The steps are apart because the narration's length
 * is known first, and a live capture (a Spark run) cannot be made to last a given time.
 */
import fs from "node:fs";
import path from "node:path";
import type { BrowserContext } from "playwright-core";
import type { Logger } from "../../src/lib/log";
import type { StackContext } from "../../src/local/services/types";
import { architecturePages } from "./architecture";
import { HtmlRenderer, TERMINAL, terminalFrame, titleCard } from "./cards";
import { recordDashboard, type DashboardStep } from "./dashboard";
import { captureDeployment, type DeploymentMode } from "./deployment";
import { fitFrames, speedup, still, type Frame, type Shot } from "./frames";
import type { Scene } from "./narration";
import { recordCommands } from "./terminal";

export type Capture =
  | { type: "still"; html: string }
  | { type: "terminal"; frames: Frame<string>[]; title: string; mark?: RegExp; realTime: boolean }
  | { type: "images"; frames: Frame<string>[] };

export interface Recording {
  browser: BrowserContext;
  workDir: string;
  log: Logger;
  /** The local stack (full recordings only). */
  stack?: StackContext;
  /** The day the terminal scenes run (--date). */
  day: string;
  deployment: DeploymentMode;
  /** A title card's footer: when and from which commit. */
  footer: string;
  /** Each scene's length (its narration's), by id: a capture that can pace itself (the dashboard's pan) uses it. */
  seconds: Map<string, number>;
  /** Each terminal scene's whole transcript, for a later highlight scene. */
  transcripts: Map<string, string>;
  /** Every dashboard step's frames, recorded in one browser session at the first dashboard scene. */
  dashboard?: Map<DashboardStep, Frame<string>[]>;
}

function needStack(rec: Recording, scene: Scene): StackContext {
  if (!rec.stack) throw new Error(`scene ${scene.id} needs the local stack (it is not a --quick scene)`);
  return rec.stack;
}

/** Captures what `scene` shows. `scenes` is the whole recording (the dashboard's steps are recorded together). */
export async function capture(scene: Scene, scenes: Scene[], rec: Recording): Promise<Capture> {
  const show = scene.show;
  const dir = path.join(rec.workDir, "scenes", scene.id);
  switch (show.kind) {
    case "title":
      return { type: "still", html: titleCard(show.heading, show.lines, rec.footer) };
    case "architecture":
      return { type: "still", html: architecturePages()[show.part] };
    case "terminal": {
      needStack(rec, scene);
      const { frames, transcript } = await recordCommands(show.commands, path.join(dir, "tmux"), rec.log);
      rec.transcripts.set(scene.id, transcript);
      return { type: "terminal", frames, title: "bash: lakehouse, the local stack", realTime: true };
    }
    case "highlight": {
      const text = rec.transcripts.get(show.scene);
      if (text === undefined) throw new Error(`scene ${scene.id} shows scene ${show.scene}'s output, which was not recorded in this run`);
      const mark = new RegExp(show.pattern);
      const lines = text.replace(/\s+$/, "").split("\n");
      const hits = lines.flatMap((l, i) => (mark.test(l) ? [i] : []));
      if (hits.length === 0) throw new Error(`scene ${scene.id}: no line of scene ${show.scene}'s output matches /${show.pattern}/ (transcript: ${path.join(rec.workDir, "scenes", show.scene, "tmux", "transcript.txt")})`);
      const end = Math.min(lines.length, hits[hits.length - 1] + 6);
      const window = lines.slice(Math.max(0, end - TERMINAL.rows), end).join("\n");
      return { type: "terminal", frames: still(window), title: `the run's own output (scene ${show.scene}), the reconciliation marked`, mark, realTime: false };
    }
    case "dashboard": {
      if (!rec.dashboard) {
        const steps = scenes.flatMap((s) => (s.show.kind === "dashboard" ? [s.show.step] : []));
        const overview = scenes.find((s) => s.show.kind === "dashboard" && s.show.step === "overview");
        const overviewSeconds = (overview && rec.seconds.get(overview.id)) ?? 20;
        rec.dashboard = await recordDashboard(needStack(rec, scene), rec.browser, path.join(rec.workDir, "dashboard"), rec.day, steps, overviewSeconds, rec.log);
      }
      return { type: "images", frames: rec.dashboard.get(show.step)! };
    }
    case "cluster": {
      const c = await captureDeployment(rec.deployment, show.commands, path.join(dir, "tmux"), rec.log);
      return c.mode === "unrecorded" ? { type: "still", html: c.html } : { type: "terminal", frames: c.frames, title: c.title, realTime: c.mode === "live" };
    }
  }
}

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

/** The captured frames as images (rendered in `dir`), fitted to `seconds`. */
export async function renderShots(c: Capture, seconds: number, dir: string, renderer: HtmlRenderer): Promise<Shot<string>[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (c.type === "still") {
    const file = path.join(dir, "still.png");
    await renderer.png(c.html, file);
    return fitFrames(still(file), seconds);
  }
  if (c.type === "images") return fitFrames(c.frames, seconds);
  const factor = speedup(c.frames, seconds);
  const shots = fitFrames(c.frames.map((f, i) => ({ at: f.at, value: i })), seconds);
  const files = new Map<number, string>();
  for (const s of shots) {
    if (files.has(s.value)) continue;
    const frame = c.frames[s.value];
    const status = c.realTime ? `real time ${clock(frame.at)}${factor > 1.05 ? ` · shown ${factor.toFixed(1)}× faster` : ""}` : undefined;
    const file = path.join(dir, `t${String(s.value).padStart(5, "0")}.png`);
    await renderer.png(terminalFrame(frame.value, { title: c.title, status, mark: c.mark }), file);
    files.set(s.value, file);
  }
  return shots.map((s) => ({ value: files.get(s.value)!, seconds: s.seconds }));
}
