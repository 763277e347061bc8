/**
 * `npm run walkthrough`: records the project's narrated walkthrough video from the running local
 * stack (issue 22), so that it is made again, not edited by hand, whenever the project changes.
 * The scenes and their words are docs/walkthrough/narration.yaml; this file only orders the
 * work: check what is needed, speak, capture, render, assemble. Every step is redone on a rerun
 * (the recording is live) except speech, which is cached by its words.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, Option } from "commander";
import { run } from "../../src/lib/exec";
import { parseDay } from "../../src/lib/dates";
import { consoleLogger } from "../../src/lib/log";
import { repoRoot } from "../../src/local/paths";
import { launchChromium } from "../../test/support/revenue-trends";
import { encodeScene, joinScenes, makePreview } from "./assemble";
import { shift, toSrt, toVtt } from "./captions";
import { HtmlRenderer } from "./cards";
import { deploymentMode } from "./deployment";
import { loadNarration, NARRATION_FILE } from "./narration";
import { requireCluster, requireLocalStack } from "./preflight";
import { capture, renderShots, type Recording } from "./scenes";
import { joinWavs, narrate, type SceneAudio } from "./speech";
import { killOpenTerminals } from "./terminal";
import { ensurePrograms, probeDuration, writeAtomic } from "./tools";

const NAME = "lakehouse-walkthrough";
const log = consoleLogger("walkthrough");

interface Options {
  quick: boolean;
  out?: string;
  date: string;
  rowsPerDay: number;
  withCluster: boolean;
  burnCaptions: boolean;
  publish: boolean;
}

/** The moments of each scene the GIF preview shows: the start of a still, the later part of a live capture. */
function previewWindows(starts: number[], audio: SceneAudio[], live: boolean[]): [number, number][] {
  return audio.map((a, i) => {
    const at = live[i] ? starts[i] + Math.max(0, a.seconds * 0.65 - 1.2) : starts[i] + Math.min(1, a.seconds / 4);
    return [at, Math.min(starts[i] + a.seconds, at + 2.4)];
  });
}

async function record(opts: Options): Promise<void> {
  const t0 = Date.now();
  const lap = (what: string) => log.step(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s so far)`);
  if (opts.quick && (opts.withCluster || opts.publish)) throw new Error("--quick records the scenes that need nothing running: leave out --with-cluster and --publish");
  const out = path.resolve(opts.out ?? path.join(repoRoot, "walkthrough-out", opts.quick ? "quick" : ""));
  const work = path.join(out, "work");
  const day = parseDay(opts.date);

  const narration = loadNarration({ date: day, rows: String(opts.rowsPerDay) });
  const scenes = opts.quick ? narration.scenes.filter((s) => s.quick) : narration.scenes;
  if (scenes.length === 0) throw new Error(`${path.relative(repoRoot, NARRATION_FILE)} has no scene marked quick: true`);
  const live = scenes.map((s) => ["terminal", "dashboard", "cluster"].includes(s.show.kind));
  await ensurePrograms(["espeak-ng", "ffmpeg", "ffprobe", ...(opts.quick ? [] : ["tmux"])], log);
  const needsStack = scenes.some((s) => ["terminal", "highlight", "dashboard"].includes(s.show.kind));
  const stack = needsStack ? await requireLocalStack(log) : undefined;
  if (opts.withCluster) await requireCluster(log);
  const deployment = deploymentMode(opts.withCluster);
  log.step(`${scenes.length} scene(s) from ${path.relative(repoRoot, NARRATION_FILE)} into ${path.relative(process.cwd(), out) || "."}`);

  const audio: SceneAudio[] = [];
  for (const s of scenes) {
    const text = s.show.kind === "cluster" && deployment === "unrecorded" ? s.narrationUnrecorded ?? s.narration : s.narration;
    audio.push(await narrate(text, narration, path.join(work, "speech-cache"), path.join(work, "narration", `${s.id}.wav`)));
  }
  const total = audio.reduce((n, a) => n + a.seconds, 0);
  lap(`narration spoken: ${total.toFixed(1)} s over ${scenes.length} scene(s)`);

  const commit = (await run("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot }).catch(() => "unknown")).trim();
  const chromium = await launchChromium(log);
  const clips: string[] = [];
  try {
    const renderer = await HtmlRenderer.open(chromium.browser);
    const rec: Recording = { browser: chromium.browser, workDir: work, log, stack, day, deployment, transcripts: new Map(),
      seconds: new Map(scenes.map((s, i) => [s.id, audio[i].seconds])),
      footer: `recorded ${new Date().toISOString().slice(0, 10)} from commit ${commit} · the words: docs/walkthrough/narration.yaml` };
    for (const [i, s] of scenes.entries()) {
      log.step(`scene ${i + 1}/${scenes.length} ${s.id} (${s.show.kind}, ${audio[i].seconds.toFixed(1)} s): capturing`);
      const captured = await capture(s, scenes, rec);
      const dir = path.join(work, "scenes", s.id);
      const shots = await renderShots(captured, audio[i].seconds, path.join(dir, "frames"), renderer);
      clips.push(await encodeScene(shots, audio[i].seconds, dir, opts.burnCaptions ? audio[i].cues : undefined));
    }
    await renderer.close();
  } finally {
    await chromium.close();
  }
  lap("scenes captured and encoded");

  const video = path.join(out, `${NAME}.mp4`);
  joinWavs(audio.map((a) => a.wav), path.join(work, "narration.wav"));
  await joinScenes(clips, path.join(work, "narration.wav"), video);
  const starts = audio.map((_, i) => audio.slice(0, i).reduce((n, a) => n + a.seconds, 0));
  const cues = audio.flatMap((a, i) => shift(a.cues, starts[i]));
  writeAtomic(path.join(out, `${NAME}.vtt`), toVtt(cues));
  writeAtomic(path.join(out, `${NAME}.srt`), toSrt(cues));
  const preview = await makePreview(video, previewWindows(starts, audio, live), path.join(out, `${NAME}-preview.gif`));
  const seconds = await probeDuration(video);
  lap("assembled");

  const rel = (f: string) => path.relative(process.cwd(), f);
  process.stdout.write(
    `video:    ${rel(video)} (${seconds.toFixed(1)} s, 1280x720, ${(fs.statSync(video).size / 1024 / 1024).toFixed(1)} MB)\n` +
      `captions: ${rel(path.join(out, `${NAME}.vtt`))}, .srt (${cues.length} cues)\n` +
      `preview:  ${rel(path.join(out, `${NAME}-preview.gif`))} (${(preview.bytes / 1024 / 1024).toFixed(2)} MB, ${preview.width} px, ${preview.fps} fps)\n`,
  );
  if (opts.publish) {
    const docs = path.join(repoRoot, "docs", "walkthrough");
    for (const f of [`${NAME}-preview.gif`, `${NAME}.vtt`, `${NAME}.srt`]) fs.copyFileSync(path.join(out, f), path.join(docs, f));
    process.stdout.write(`published to docs/walkthrough/: git add docs/walkthrough/${NAME}-preview.gif docs/walkthrough/${NAME}.vtt docs/walkthrough/${NAME}.srt${deployment === "live" ? " docs/walkthrough/cluster-transcript.txt" : ""}\n`);
  }
}

const program = new Command()
  .name("npm run walkthrough --")
  .description("record the narrated walkthrough video (about 3 minutes, 1280x720 MP4) from the running local stack: the architecture, a day of data in a real terminal, the Revenue Trends dashboard in a real browser, the deployment")
  .option("--quick", "only the scenes marked quick in the narration (a title and the architecture): a few seconds, nothing running needed (CI)", false)
  .option("--out <dir>", "where the video, captions and preview go (default walkthrough-out/, with --quick walkthrough-out/quick/)")
  .option("--date <day>", "the day the terminal scenes run through the pipeline (YYYY-MM-DD)", "2024-03-07")
  .addOption(new Option("--rows-per-day <n>", "synthetic trips for that day").argParser((v) => Number(v)).default(3000))
  .option("--with-cluster", "record the deployment live on the project's one-node cluster (sudo npx lakehouse cluster up) and save its transcript to docs/walkthrough/", false)
  .option("--no-burn-captions", "leave the captions out of the picture (they are always written as .vtt and .srt)")
  .option("--publish", "copy the preview and the captions into docs/walkthrough/ to commit", false)
  .addHelpText("after", `
Needs: the local stack up with data (npx lakehouse local up; npm run demo also loads a week, ending 2024-03-07).
espeak-ng, ffmpeg and tmux (Debian) and chromium are installed with apt when missing (as root).
Writes walkthrough-out/${NAME}.mp4, .vtt, .srt and ${NAME}-preview.gif (GIF under 5 MB); scratch in walkthrough-out/work/.
The words and what each scene shows: docs/walkthrough/narration.yaml.`)
  .showHelpAfterError()
  .action((opts: Options) => record(opts));

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.once(signal, () => {
    killOpenTerminals();
    process.exit(code);
  });
}
program.parseAsync(process.argv).catch((err: unknown) => {
  killOpenTerminals();
  process.stderr.write(`walkthrough: error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
