/**
 * The walkthrough's script, docs/walkthrough/narration.yaml: what each scene says and shows.
 * The words live in that file (not here) so that the narration, the captions and the test's
 * expectations all come from one place a reviewer can read.
 */
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { repoRoot } from "../../src/local/paths";

export const NARRATION_FILE = path.join(repoRoot, "docs", "walkthrough", "narration.yaml");

/** What a scene shows while its narration plays (the file's `show`). */
export type Visual =
  | { kind: "title"; heading: string; lines: string[] }
  | { kind: "architecture"; part: "diagram" | "environments" }
  | { kind: "terminal"; commands: string[] }
  | { kind: "highlight"; scene: string; pattern: string }
  | { kind: "dashboard"; step: "overview" | "date-range" | "driver" }
  | { kind: "cluster"; commands: string[] };

export interface Scene {
  id: string;
  /** Part of --quick (needs no stack). */
  quick: boolean;
  show: Visual;
  /** What is spoken, whitespace collapsed. */
  narration: string;
  /** Spoken instead when the scene's subject was not recorded (the cluster without --with-cluster). */
  narrationUnrecorded?: string;
}

export interface Narration {
  /** espeak-ng's voice (-v). */
  voice: string;
  /** espeak-ng's speed (-s). */
  wordsPerMinute: number;
  /** Written form → what espeak-ng is given instead ("dbt" → "D B T"); captions keep the written form. */
  pronounce: Record<string, string>;
  scenes: Scene[];
}

const KINDS: Record<Visual["kind"], string[]> = {
  title: ["heading", "lines"],
  architecture: ["part"],
  terminal: ["commands"],
  highlight: ["scene", "pattern"],
  dashboard: ["step"],
  cluster: ["commands"],
};

const clean = (text: unknown): string => String(text ?? "").replace(/\s+/g, " ").trim();

/** `{date}` → values.date, for every `{name}` in values; an unknown placeholder is an error. */
export function fillPlaceholders(text: string, values: Record<string, string>, where: string): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`${where}: unknown placeholder {${name}} (known: ${Object.keys(values).map((k) => `{${k}}`).join(", ")})`);
    return values[name];
  });
}

/**
 * Reads and checks the narration file: every scene has an id, narration and a `show` whose
 * kind and fields are known, ids are unique, a highlight names an earlier terminal scene.
 * Errors name the file and the scene.
 */
export function loadNarration(values: Record<string, string>, file = NARRATION_FILE): Narration {
  const doc = yaml.load(fs.readFileSync(file, "utf8")) as { voice?: string; words_per_minute?: number; pronounce?: Record<string, unknown>; scenes?: unknown[] };
  const fail = (msg: string): never => {
    throw new Error(`${path.relative(repoRoot, file)}: ${msg}`);
  };
  if (!Array.isArray(doc?.scenes) || doc.scenes.length === 0) fail("no scenes");
  const scenes: Scene[] = [];
  for (const [i, raw] of (doc.scenes as Record<string, unknown>[]).entries()) {
    const id = clean(raw.id);
    const where = `scene ${i + 1} (${id || "no id"})`;
    if (!/^[a-z0-9-]+$/.test(id)) fail(`${where}: id must be lowercase letters, digits and dashes`);
    if (scenes.some((s) => s.id === id)) fail(`${where}: the id is used twice`);
    const show = raw.show as Record<string, unknown> | undefined;
    const fields = KINDS[show?.kind as Visual["kind"]];
    if (!show || !fields) fail(`${where}: show.kind must be one of ${Object.keys(KINDS).join(", ")}`);
    for (const f of fields) if (show![f] === undefined) fail(`${where}: show.${f} is missing (kind ${String(show!.kind)})`);
    const visual = { ...show } as Record<string, unknown>;
    if (Array.isArray(visual.commands)) visual.commands = (visual.commands as string[]).map((c) => fillPlaceholders(clean(c), values, where));
    if (visual.kind === "highlight" && !scenes.some((s) => s.id === visual.scene && s.show.kind === "terminal")) {
      fail(`${where}: show.scene '${String(visual.scene)}' is not an earlier terminal scene`);
    }
    const narration = fillPlaceholders(clean(raw.narration), values, where);
    if (!narration) fail(`${where}: no narration`);
    const unrecorded = raw.narration_unrecorded === undefined ? undefined : fillPlaceholders(clean(raw.narration_unrecorded), values, where);
    scenes.push({ id, quick: raw.quick === true, show: visual as unknown as Visual, narration, narrationUnrecorded: unrecorded });
  }
  const pronounce = Object.fromEntries(Object.entries(doc.pronounce ?? {}).map(([k, v]) => [k, clean(v)]));
  return { voice: clean(doc.voice) || "en-us", wordsPerMinute: Number(doc.words_per_minute ?? 155), pronounce, scenes };
}

/**
 * A narration's sentences: each becomes one WAV and one caption cue, so a cue's times are its
 * own audio's measured length. Splits after . ! ? followed by a space (a sentence may start in
 * lowercase: "dbt, running on Trino, …"), so "docs/architecture.md" stays whole.
 */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+(?=[A-Za-z0-9"'(])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The text espeak-ng speaks for a sentence: each `pronounce` key, as a whole word, replaced. */
export function spoken(sentence: string, pronounce: Record<string, string>): string {
  let out = sentence;
  for (const [written, said] of Object.entries(pronounce)) {
    const escaped = written.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    out = out.replace(new RegExp(`(?<![\\w/])${escaped}(?![\\w/])`, "g"), said);
  }
  return out;
}
