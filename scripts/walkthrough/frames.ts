/**
 * Captured frames fitted to a scene's narration. A capture (a terminal, the browser) runs at
 * its own pace; the scene lasts exactly as long as its narration. Frames play at real speed
 * when they fit, else uniformly faster (a Spark run of two minutes under thirty seconds of
 * narration), and the last frame always stays on screen for a moment, so the result is seen.
 */
import fs from "node:fs";
import path from "node:path";
import { FPS } from "./speech";

/** Something captured `at` seconds after its capture started (a terminal's text, a screenshot's file). */
export interface Frame<T> {
  at: number;
  value: T;
}

/** A value shown for `seconds`, a whole number of video frames. */
export interface Shot<T> {
  value: T;
  seconds: number;
}

/** How long the last frame stays at least (seconds), when the capture is longer than the scene. */
export const HOLD_LAST = 1.2;

/** The factor a capture is sped up by to fit `length` seconds (1 when it fits at real speed). */
export function speedup(frames: Frame<unknown>[], length: number, hold = HOLD_LAST): number {
  if (frames.length < 2) return 1;
  const span = frames[frames.length - 1].at - frames[0].at;
  const room = Math.max(length - hold, length / 2);
  return span <= room ? 1 : span / room;
}

/**
 * The shots that show `frames` in `length` seconds at `fps`: each video frame shows the latest
 * captured frame due by then; frames due within the same video frame collapse into the last.
 * The shots' lengths add up to `length` rounded to whole video frames.
 */
export function fitFrames<T>(frames: Frame<T>[], length: number, fps = FPS, hold = HOLD_LAST): Shot<T>[] {
  if (frames.length === 0) throw new Error("no frames to show");
  const sorted = [...frames].sort((a, b) => a.at - b.at);
  const factor = speedup(sorted, length, hold);
  const due = sorted.map((f) => (f.at - sorted[0].at) / factor);
  const slots = Math.max(1, Math.round(length * fps));
  const shots: Shot<T>[] = [];
  let next = 0;
  for (let slot = 0; slot < slots; slot++) {
    while (next + 1 < due.length && due[next + 1] <= slot / fps + 1e-9) next++;
    const value = sorted[next].value;
    const last = shots[shots.length - 1];
    if (last && last.value === value) last.seconds += 1 / fps;
    else shots.push({ value, seconds: 1 / fps });
  }
  return shots;
}

/** One frame for the whole scene: a still (a title card, the architecture). */
export function still<T>(value: T): Frame<T>[] {
  return [{ at: 0, value }];
}

/**
 * An ffmpeg concat-demuxer script that shows each image for its shot's time. The last image is
 * listed twice because the demuxer ignores the duration of the last entry.
 */
export function concatScript(shots: Shot<string>[], file: string): void {
  const quote = (p: string) => `'${path.resolve(p).replace(/'/g, "'\\''")}'`;
  const lines = ["ffconcat version 1.0"];
  for (const s of shots) lines.push(`file ${quote(s.value)}`, `duration ${s.seconds.toFixed(6)}`);
  lines.push(`file ${quote(shots[shots.length - 1].value)}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join("\n") + "\n");
}
