/**
 * ffmpeg's part: each scene's frames into a 1280x720 H.264 clip exactly as long as its
 * narration (captions burned in), the clips joined without re-encoding, the narration's
 * joined WAV as the soundtrack, and a short animated GIF preview for the README.
 * MP4 (H.264 + AAC) because every browser and player plays it and libx264 is fast on 2 cores.
 */
import fs from "node:fs";
import path from "node:path";
import { toSrt } from "./captions";
import { HEIGHT, STAGE, WIDTH } from "./cards";
import { concatScript, type Shot } from "./frames";
import { FPS, type Cue } from "./speech";
import { ffmpeg } from "./tools";

/** libass style of burned-in captions: white, in the band under the stage. Sizes are in libass's
 * 288-line script space for SRT (FontSize 11 ≈ 27 px at 720p, MarginV 8 ≈ 20 px). */
const CAPTION_STYLE = "FontName=DejaVu Sans,FontSize=11,PrimaryColour=&H00FFFFFF,BorderStyle=1,Outline=0,Shadow=0,MarginV=8";

/** The largest preview the README should carry. */
export const PREVIEW_MAX_BYTES = 5 * 1024 * 1024;

/**
 * One scene's clip at `dir`/scene.mp4: `shots` (image files) fitted to the stage at the top of a
 * 1280x720 frame at FPS frames a second, cut at `seconds`, no audio; `cues` (scene-relative)
 * burned into the band under the stage when given.
 */
export async function encodeScene(shots: Shot<string>[], seconds: number, dir: string, cues?: Cue[]): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  concatScript(shots, path.join(dir, "frames.ffconcat"));
  const filters = [
    `scale=${STAGE.width}:${STAGE.height}:force_original_aspect_ratio=decrease:flags=lanczos`,
    `pad=${WIDTH}:${HEIGHT}:(ow-iw)/2:(${STAGE.height}-ih)/2:color=0x0b1120`,
    `fps=${FPS}`,
  ];
  if (cues?.length) {
    fs.writeFileSync(path.join(dir, "captions.srt"), toSrt(cues));
    filters.push(`subtitles=captions.srt:force_style='${CAPTION_STYLE}'`);
  }
  filters.push("format=yuv420p");
  // cwd is the scene's directory, so the subtitles filter gets a bare file name (no escaping of ':' in paths).
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", "frames.ffconcat", "-vf", filters.join(","), "-t", seconds.toFixed(3), "-r", String(FPS),
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", String(FPS * 4), "-an", "scene.mp4"], dir);
  return path.join(dir, "scene.mp4");
}

/** The clips, in order, with `wav` as the soundtrack, into `out` (MP4, moov first so it plays while loading). */
export async function joinScenes(clips: string[], wav: string, out: string): Promise<void> {
  const list = `${out}.ffconcat`;
  fs.writeFileSync(list, ["ffconcat version 1.0", ...clips.map((c) => `file '${path.resolve(c).replace(/'/g, "'\\''")}'`)].join("\n") + "\n");
  const tmp = `${out}.tmp.mp4`;
  await ffmpeg(["-f", "concat", "-safe", "0", "-i", list, "-i", wav, "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", tmp]);
  fs.renameSync(tmp, out);
  fs.rmSync(list, { force: true });
}

/**
 * An animated GIF of the video's `windows` (start, end seconds: a moment of each scene), under
 * PREVIEW_MAX_BYTES: tried at decreasing sizes until it fits. Returns its size.
 */
export async function makePreview(video: string, windows: [number, number][], out: string): Promise<{ bytes: number; width: number; fps: number }> {
  const select = windows.map(([a, b]) => `between(t,${a.toFixed(2)},${b.toFixed(2)})`).join("+");
  for (const [width, fps] of [[640, 5], [560, 4], [480, 3], [400, 2]]) {
    const graph = `fps=${fps},select='${select}',setpts=N/${fps}/TB,scale=${width}:-2:flags=lanczos,split[a][b];[a]palettegen=max_colors=128:stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4`;
    const tmp = `${out}.tmp.gif`;
    await ffmpeg(["-i", video, "-filter_complex", graph, "-loop", "0", "-an", tmp]);
    const bytes = fs.statSync(tmp).size;
    if (bytes < PREVIEW_MAX_BYTES) {
      fs.renameSync(tmp, out);
      return { bytes, width, fps };
    }
    fs.rmSync(tmp, { force: true });
  }
  throw new Error(`the preview does not fit in ${PREVIEW_MAX_BYTES / 1024 / 1024} MB even at 400 px and 2 frames a second: shorten its windows`);
}
