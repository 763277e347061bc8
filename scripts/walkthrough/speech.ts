/**
 * Narration as audio: espeak-ng speaks each sentence to its own WAV (cached by its text, voice
 * and speed, so a rerun with the same words synthesizes nothing), ffprobe measures each, and a
 * scene's WAV is those sentences joined with short silences. Sentence by sentence, so that
 * every caption cue starts and ends where its own audio does.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { run } from "../../src/lib/exec";
import { sentences, spoken, type Narration } from "./narration";
import { probeDuration, writeAtomic } from "./tools";

/** Video frames per second: a scene's audio is padded to a whole number of frames, so sound and picture never drift apart over the scenes. */
export const FPS = 25;
/** Silence before a scene's first sentence, between sentences, after the last (seconds). */
const LEAD = 0.4;
const GAP = 0.35;
const TAIL = 0.6;

export interface Cue {
  /** Seconds from the start of the scene. */
  start: number;
  end: number;
  text: string;
}

export interface SceneAudio {
  wav: string;
  /** The scene's length: its WAV's, a whole number of video frames. */
  seconds: number;
  cues: Cue[];
}

interface Pcm {
  format: Buffer;
  sampleRate: number;
  bytesPerSecond: number;
  blockAlign: number;
  data: Buffer;
}

/** The fmt and data chunks of a PCM WAV (espeak-ng's: 22050 Hz, mono, 16-bit). */
export function readWav(file: string): Pcm {
  const buf = fs.readFileSync(file);
  if (buf.toString("ascii", 0, 4) !== "RIFF" || buf.toString("ascii", 8, 12) !== "WAVE") throw new Error(`${file} is not a WAV file`);
  let format: Buffer | undefined;
  let data: Buffer | undefined;
  for (let at = 12; at + 8 <= buf.length; ) {
    const id = buf.toString("ascii", at, at + 4);
    // A writer that streams may leave the size unknown (0xffffffff): the chunk then runs to the end.
    const size = Math.min(buf.readUInt32LE(at + 4), buf.length - at - 8);
    if (id === "fmt ") format = buf.subarray(at + 8, at + 8 + size);
    if (id === "data") data = buf.subarray(at + 8, at + 8 + size);
    at += 8 + size + (size % 2);
  }
  if (!format || !data || format.readUInt16LE(0) !== 1) throw new Error(`${file} is not a PCM WAV file`);
  return { format, sampleRate: format.readUInt32LE(4), bytesPerSecond: format.readUInt32LE(8), blockAlign: format.readUInt16LE(12), data };
}

/** A canonical WAV: RIFF header, the given fmt chunk, one data chunk. */
export function wavBytes(format: Buffer, data: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(4 + 8 + format.length + 8 + data.length, 4);
  header.write("WAVE", 8, "ascii");
  const chunk = (id: string, body: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, "ascii");
    h.writeUInt32LE(body.length, 4);
    return [h, body];
  };
  return Buffer.concat([header, ...chunk("fmt ", format), ...chunk("data", data)]);
}

/** Silence of `seconds`, rounded to whole samples, in the given format. */
function silence(pcm: Pcm, seconds: number): Buffer {
  return Buffer.alloc(Math.round(seconds * pcm.sampleRate) * pcm.blockAlign);
}

/** One sentence's WAV, synthesized unless the cache has it. */
async function synthesize(text: string, narration: Narration, cacheDir: string): Promise<string> {
  const said = spoken(text, narration.pronounce);
  const key = crypto.createHash("sha256").update(JSON.stringify([narration.voice, narration.wordsPerMinute, said])).digest("hex").slice(0, 16);
  const file = path.join(cacheDir, `${key}.wav`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp.wav`;
  await run("espeak-ng", ["-v", narration.voice, "-s", String(narration.wordsPerMinute), "-w", tmp, "--stdin"], { input: said });
  fs.renameSync(tmp, file);
  return file;
}

/**
 * The scene's narration as one WAV at `wav`, and a cue per sentence timed by ffprobe's
 * measure of that sentence's own WAV.
 */
export async function narrate(text: string, narration: Narration, cacheDir: string, wav: string): Promise<SceneAudio> {
  const parts = sentences(text);
  const files = await Promise.all(parts.map((s) => synthesize(s, narration, cacheDir)));
  const cues: Cue[] = [];
  const chunks: Buffer[] = [];
  let first: Pcm | undefined;
  let at = LEAD;
  for (const [i, file] of files.entries()) {
    const pcm = readWav(file);
    first ??= pcm;
    if (!pcm.format.equals(first.format)) throw new Error(`${file}: espeak-ng wrote a different WAV format than for the scene's first sentence`);
    const seconds = await probeDuration(file);
    chunks.push(silence(pcm, i === 0 ? LEAD : GAP), pcm.data);
    cues.push({ start: at, end: at + seconds, text: parts[i] });
    at += seconds + GAP;
  }
  if (!first) throw new Error(`no sentence to speak in: '${text}'`);
  const spokenBytes = chunks.reduce((n, c) => n + c.length, 0);
  const frameBytes = Math.round(first.sampleRate / FPS) * first.blockAlign;
  const total = Math.ceil((spokenBytes + silence(first, TAIL).length) / frameBytes) * frameBytes;
  chunks.push(Buffer.alloc(total - spokenBytes));
  writeAtomic(wav, wavBytes(first.format, Buffer.concat(chunks)));
  return { wav, seconds: total / first.bytesPerSecond, cues };
}

/** The scenes' WAVs joined into one (all espeak-ng's format): the video's soundtrack. */
export function joinWavs(files: string[], out: string): void {
  const pcms = files.map(readWav);
  writeAtomic(out, wavBytes(pcms[0].format, Buffer.concat(pcms.map((p) => p.data))));
}
