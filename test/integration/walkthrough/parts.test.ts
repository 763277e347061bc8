/**
 * The walkthrough's pure parts (scripts/walkthrough/), checked without recording anything:
 * fitting captured frames to a narration's length, caption formats, the narration file's
 * sentences, the architecture drawn from docs/architecture.md, WAV joining. Expected values
 * are written out here by hand.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { architecturePages, diagramHtml, environmentsTable, mermaidBlock, parseFlowchart, ARCHITECTURE_DOC } from "../../../scripts/walkthrough/architecture";
import { timestamp, toSrt, toVtt, wrap } from "../../../scripts/walkthrough/captions";
import { portableTranscript, scrollFrames } from "../../../scripts/walkthrough/deployment";
import { fitFrames, speedup } from "../../../scripts/walkthrough/frames";
import { fillPlaceholders, loadNarration, sentences, spoken } from "../../../scripts/walkthrough/narration";
import { joinWavs, readWav, wavBytes } from "../../../scripts/walkthrough/speech";

const total = (shots: { seconds: number }[]) => Math.round(shots.reduce((n, s) => n + s.seconds, 0) * 1000) / 1000;

test("frames that fit play at real speed and the last one stays to the end", () => {
  const shots = fitFrames([{ at: 0, value: "a" }, { at: 1, value: "b" }, { at: 2, value: "c" }], 5, 10);
  assert.deepEqual(shots.map((s) => [s.value, Math.round(s.seconds * 10) / 10]), [["a", 1], ["b", 1], ["c", 3]]);
});

test("a capture longer than its narration is sped up uniformly, keeping the last frame on screen", () => {
  const frames = [{ at: 0, value: "start" }, { at: 60, value: "middle" }, { at: 120, value: "end" }];
  assert.equal(speedup(frames, 11, 1), 12);
  const shots = fitFrames(frames, 11, 10, 1);
  assert.deepEqual(shots.map((s) => [s.value, Math.round(s.seconds * 10) / 10]), [["start", 5], ["middle", 5], ["end", 1]]);
  assert.equal(total(shots), 11);
});

test("frames due within one video frame collapse into the latest", () => {
  // At 25 fps the video frames fall at 0, 0.04, 0.08 s: b (0.05) and c (0.06) are both due by 0.08, only c is shown.
  const shots = fitFrames([{ at: 0, value: "a" }, { at: 0.05, value: "b" }, { at: 0.06, value: "c" }, { at: 1, value: "d" }], 2, 25);
  assert.deepEqual(shots.map((s) => s.value), ["a", "c", "d"]);
  assert.equal(total(shots), 2);
});

test("caption timestamps and files", () => {
  assert.equal(timestamp(83.5, "."), "00:01:23.500");
  assert.equal(timestamp(3723.0004, ","), "01:02:03,000");
  assert.deepEqual(wrap("one two three four", 9), ["one two", "three", "four"]);
  const cues = [{ start: 0.4, end: 2, text: "Hello." }, { start: 2.35, end: 4, text: "World." }];
  assert.equal(toVtt(cues), "WEBVTT\n\n00:00:00.400 --> 00:00:02.000\nHello.\n\n00:00:02.350 --> 00:00:04.000\nWorld.\n");
  assert.equal(toSrt(cues), "1\n00:00:00,400 --> 00:00:02,000\nHello.\n\n2\n00:00:02,350 --> 00:00:04,000\nWorld.\n");
});

test("sentences split after a full stop, also before a lowercase word, and keep file names whole", () => {
  assert.deepEqual(sentences("Here is docs/architecture.md drawn. dbt, on Trino, models it! Done?"), ["Here is docs/architecture.md drawn.", "dbt, on Trino, models it!", "Done?"]);
  assert.equal(spoken("dbt's models, not dbtx, in docs/architecture.md.", { dbt: "D B T", "docs/architecture.md": "the doc" }), "D B T's models, not dbtx, in the doc.");
});

test("placeholders: known ones filled, an unknown one named", () => {
  assert.equal(fillPlaceholders("run --date {date}", { date: "2024-03-07" }, "s"), "run --date 2024-03-07");
  assert.throws(() => fillPlaceholders("{day}", { date: "x" }, "scene 3"), /scene 3: unknown placeholder \{day\} \(known: \{date\}\)/);
});

test("the narration file loads, with the dashboard's three steps and the deployment's two narrations", () => {
  const n = loadNarration({ date: "2024-03-07", rows: "3000" });
  assert.deepEqual(n.scenes.filter((s) => s.show.kind === "dashboard").map((s) => (s.show as { step: string }).step), ["overview", "date-range", "driver"]);
  const cluster = n.scenes.find((s) => s.show.kind === "cluster");
  assert.ok(cluster?.narrationUnrecorded && cluster.narrationUnrecorded !== cluster.narration);
  const runAll = n.scenes.find((s) => s.id === "run-all")!.show as { commands: string[] };
  assert.equal(runAll.commands[0], "npx lakehouse run all --date 2024-03-07 --rows-per-day 3000 --force");
});

test("the architecture is drawn from docs/architecture.md: its nodes, groups and edges, every node placed", () => {
  const markdown = fs.readFileSync(ARCHITECTURE_DOC, "utf8");
  const chart = parseFlowchart(mermaidBlock(markdown));
  assert.deepEqual([...chart.groups.keys()], ["sources", "store"]);
  assert.equal(chart.nodes.get("bronze")?.shape, "store");
  assert.equal(chart.nodes.get("syn")?.group, "sources");
  assert.ok(chart.edges.some((e) => e.from === "dbt" && e.to === "trino" && e.label === "SQL"));
  assert.ok(chart.edges.some((e) => e.from === "spark" && e.to === "hms" && e.dotted));
  assert.deepEqual(chart.edges.filter((e) => e.to === "ingest").map((e) => e.from), ["syn", "chi", "nyc", "wx"]);
  const pages = architecturePages();
  for (const n of chart.nodes.values()) assert.ok(pages.diagram.includes(`data-node="${n.id}"`), n.id);
  assert.deepEqual(environmentsTable(markdown)[0], ["step", "technology", "local stack", "cluster"]);
  assert.throws(() => diagramHtml(parseFlowchart("flowchart LR\n  syn[S] --> newnode[New]")), /node\(s\) newnode that scripts\/walkthrough\/architecture.ts does not place/);
});

test("a saved transcript scrolls a few lines a step, ending on its last line", () => {
  const text = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join("\n");
  const frames = scrollFrames(text, 30);
  assert.equal(frames[0].value.split("\n")[0], "line 1");
  assert.equal(frames[frames.length - 1].value.split("\n").pop(), "line 40");
  assert.equal(frames.length, 5);
});

test("WAVs join sample for sample", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "walkthrough-wav-"));
  const format = Buffer.alloc(16);
  format.writeUInt16LE(1, 0); format.writeUInt16LE(1, 2); format.writeUInt32LE(22050, 4); format.writeUInt32LE(44100, 8); format.writeUInt16LE(2, 12); format.writeUInt16LE(16, 14);
  fs.writeFileSync(path.join(dir, "a.wav"), wavBytes(format, Buffer.from([1, 0, 2, 0])));
  fs.writeFileSync(path.join(dir, "b.wav"), wavBytes(format, Buffer.from([3, 0])));
  joinWavs([path.join(dir, "a.wav"), path.join(dir, "b.wav")], path.join(dir, "ab.wav"));
  const joined = readWav(path.join(dir, "ab.wav"));
  assert.deepEqual([...joined.data], [1, 0, 2, 0, 3, 0]);
  assert.equal(joined.sampleRate, 22050);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a saved transcript names no checkout: its absolute path becomes .", () => {
  const line = "[lakehouse    1.7s] up of stack dev (engine output: /home/ann/lakehouse/.lakehouse/deploy/dev-up.log) in /home/ann/lakehouse";
  assert.equal(portableTranscript(line, "/home/ann/lakehouse"), "[lakehouse    1.7s] up of stack dev (engine output: ./.lakehouse/deploy/dev-up.log) in .");
  assert.equal(portableTranscript("cd /home/ann/lakehouse2/x", "/home/ann/lakehouse"), "cd /home/ann/lakehouse2/x", "another directory that starts with the same name is kept");
});
