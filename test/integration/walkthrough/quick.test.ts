/**
 * `npm run walkthrough -- --quick` (issue 22): the scenes that need nothing running (a title
 * and the architecture) recorded for real, with espeak-ng, Chromium and ffmpeg, then checked
 * from outside: frame size and duration read by ffprobe, the duration against ffprobe's measure
 * of the narration WAVs and against espeak-ng reading the narration file's text here, and the
 * captions against the narration file's words. Needs no stack; installs espeak-ng and ffmpeg
 * with apt when missing (as the command does).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import yaml from "js-yaml";
import { repoRoot } from "../../../src/local/paths";

const exec = promisify(execFile);
const NARRATION = path.join(repoRoot, "docs", "walkthrough", "narration.yaml");
const NAME = "lakehouse-walkthrough";

interface NarrationFile {
  voice: string;
  words_per_minute: number;
  scenes: { id: string; quick?: boolean; narration: string }[];
}

/** The command as `npm run walkthrough -- …` runs it. */
function walkthrough(args: string[]) {
  return exec(process.execPath, [path.join(repoRoot, "scripts", "bootstrap.mjs"), "scripts/walkthrough/main.ts", ...args], { cwd: repoRoot, maxBuffer: 64 << 20 });
}

async function ffprobe(args: string[]): Promise<string> {
  return (await exec("ffprobe", ["-v", "error", ...args])).stdout.trim();
}
const duration = async (file: string) => Number(await ffprobe(["-show_entries", "format=duration", "-of", "csv=p=0", file]));

/** WebVTT cues: start and end in seconds, text with its line breaks joined. */
function parseVtt(text: string): { start: number; end: number; text: string }[] {
  const seconds = (t: string) => t.split(":").reduce((n, part) => n * 60 + Number(part), 0);
  assert.match(text, /^WEBVTT\n/);
  return text.split(/\n\n+/).slice(1).filter((b) => b.trim()).map((block) => {
    const [timing, ...lines] = block.trim().split("\n");
    const m = /^(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})$/.exec(timing);
    assert.ok(m, `not a cue timing: '${timing}'`);
    return { start: seconds(m[1]), end: seconds(m[2]), text: lines.join(" ") };
  });
}

const words = (s: string) => s.replace(/\s+/g, " ").trim();

describe("npm run walkthrough -- --quick", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "walkthrough-quick-"));
  const narration = yaml.load(fs.readFileSync(NARRATION, "utf8")) as NarrationFile;
  const quick = narration.scenes.filter((s) => s.quick === true);
  let firstRun = { seconds: 0, vtt: "", wall: 0 };

  before(async () => {
    const t0 = Date.now();
    await walkthrough(["--quick", "--out", out]);
    firstRun = { seconds: await duration(path.join(out, `${NAME}.mp4`)), vtt: fs.readFileSync(path.join(out, `${NAME}.vtt`), "utf8"), wall: (Date.now() - t0) / 1000 };
    process.stderr.write(`# walkthrough --quick: ${firstRun.seconds.toFixed(1)} s of video in ${firstRun.wall.toFixed(1)} s\n`);
  });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  test("the narration file marks the title and the architecture as its quick scenes", () => {
    assert.deepEqual(quick.map((s) => s.id), ["title", "architecture"]);
  });

  test("the video is 1280x720 H.264 with an audio track, as long as the narration's WAVs", async () => {
    const video = path.join(out, `${NAME}.mp4`);
    assert.equal(await ffprobe(["-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", video]), "h264,1280,720");
    assert.equal(await ffprobe(["-select_streams", "a:0", "-show_entries", "stream=codec_type", "-of", "csv=p=0", video]), "audio");
    const wavs = await Promise.all(quick.map((s) => duration(path.join(out, "work", "narration", `${s.id}.wav`))));
    const spoken = wavs.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(firstRun.seconds - spoken) < 0.15, `video ${firstRun.seconds} s, narration WAVs ${spoken} s (${wavs.join(" + ")})`);
  });

  test("each scene's narration is espeak-ng reading the narration file's words (not silence, not another text)", async () => {
    for (const s of quick) {
      const file = path.join(out, `${s.id}-whole.wav`);
      await exec("espeak-ng", ["-v", narration.voice, "-s", String(narration.words_per_minute), "-w", file, words(s.narration)]);
      const whole = await duration(file);
      const scene = await duration(path.join(out, "work", "narration", `${s.id}.wav`));
      // Sentence by sentence with pauses between, and a few words said differently (pronounce): a bit longer.
      assert.ok(scene > 0.9 * whole && scene < 1.3 * whole + 1.5, `${s.id}: scene WAV ${scene} s, espeak-ng reading the text whole ${whole} s`);
    }
  });

  test("the captions are the narration's words, in order, timed within the video", () => {
    const cues = parseVtt(firstRun.vtt);
    assert.equal(cues.map((c) => c.text).join(" "), quick.map((s) => words(s.narration)).join(" "));
    cues.forEach((c, i) => {
      assert.ok(c.end > c.start, `cue ${i + 1} ends before it starts`);
      if (i > 0) assert.ok(c.start >= cues[i - 1].end, `cue ${i + 1} overlaps the one before`);
    });
    assert.ok(cues[cues.length - 1].end <= firstRun.seconds, `the last cue ends at ${cues[cues.length - 1].end} s, after the video (${firstRun.seconds} s)`);
    const srt = fs.readFileSync(path.join(out, `${NAME}.srt`), "utf8");
    assert.equal((srt.match(/ --> /g) ?? []).length, cues.length, "the SRT has as many cues as the VTT");
  });

  test("the preview is an animated GIF under 5 MB", async () => {
    const gif = path.join(out, `${NAME}-preview.gif`);
    assert.equal(fs.readFileSync(gif).subarray(0, 6).toString("ascii"), "GIF89a");
    assert.ok(fs.statSync(gif).size < 5 * 1024 * 1024, `${fs.statSync(gif).size} bytes`);
    assert.ok(Number(await ffprobe(["-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", gif])) > 1, "one frame: not animated");
  });

  test("a rerun into the same folder gives the same video length and captions", async () => {
    const t0 = Date.now();
    await walkthrough(["--quick", "--out", out]);
    process.stderr.write(`# walkthrough --quick, rerun (speech cached): ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    assert.equal(await duration(path.join(out, `${NAME}.mp4`)), firstRun.seconds);
    assert.equal(fs.readFileSync(path.join(out, `${NAME}.vtt`), "utf8"), firstRun.vtt);
  });

  test("--quick with --with-cluster is refused, saying why", async () => {
    await assert.rejects(walkthrough(["--quick", "--with-cluster", "--out", out]), (e: { code: number; stderr: string }) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /walkthrough: error: --quick .*leave out --with-cluster/);
      return true;
    });
  });
});
