/**
 * Captions as WebVTT (what browsers and the README's video players read) and SRT (what
 * ffmpeg's subtitles filter burns in, and most desktop players load), from the cues that
 * speech.ts timed by each sentence's measured audio.
 */
import type { Cue } from "./speech";

/** Lines of at most `width` characters, broken at spaces: a cue stays within the frame at the burned-in size. */
export function wrap(text: string, width = 64): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** 83.5 → "00:01:23.500" (VTT) or "00:01:23,500" (SRT). */
export function timestamp(seconds: number, separator: "." | ","): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}

/** Cues shifted by `offset` seconds (a scene's start in the whole video). */
export function shift(cues: Cue[], offset: number): Cue[] {
  return cues.map((c) => ({ ...c, start: c.start + offset, end: c.end + offset }));
}

export function toVtt(cues: Cue[]): string {
  const body = cues.map((c) => `${timestamp(c.start, ".")} --> ${timestamp(c.end, ".")}\n${wrap(c.text).join("\n")}`);
  return `WEBVTT\n\n${body.join("\n\n")}\n`;
}

export function toSrt(cues: Cue[]): string {
  const body = cues.map((c, i) => `${i + 1}\n${timestamp(c.start, ",")} --> ${timestamp(c.end, ",")}\n${wrap(c.text).join("\n")}`);
  return `${body.join("\n\n")}\n`;
}
