/** Image and chart pins: read from the program, each pinned, each in docs/deploy.md's evidence table, and the verify script uses them. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { BASE_IMAGE, chartPin, dockerfileBases, imagePins, shellDefault } from "../../../components/imagePins";
import { DEFAULTS } from "../../../components/config";
import { IMAGE_NAMES, IMAGE_SPECS, type ImageSpec } from "../../../components/imageSpecs";
import { lockedVersion } from "../../../src/lib/uvLock";
import { ROOT } from "./harness";

/** "registry/name:tag@sha256:…" -> name and tag (digest dropped). */
function split(ref: string): { name: string; tag: string } {
  const noDigest = ref.split("@")[0];
  const i = noDigest.lastIndexOf(":");
  return i > noDigest.lastIndexOf("/") ? { name: noDigest.slice(0, i), tag: noDigest.slice(i + 1) } : { name: noDigest, tag: "" };
}

/** Rows of the "Image and chart pins" table: first two cells, backticks removed. */
function pinTable(): { image: string; tag: string }[] {
  const doc = fs.readFileSync(path.join(ROOT, "docs/deploy.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Image and chart pins"));
  assert.ok(section.length > 100, "docs/deploy.md has no 'Image and chart pins' section");
  return section.split("\n").filter((l) => /^\| [`c]/.test(l)).map((l) => {
    const [image, tag] = l.split("|").slice(1, 3).map((c) => c.replace(/`/g, "").trim());
    return { image, tag };
  });
}

test("Dockerfile bases: FROM images, not the file's own build stages", () => {
  assert.deepEqual(dockerfileBases("FROM maven:3.9.16 AS jars\nRUN x\nFROM jars AS again\nFROM --platform=linux/amd64 apache/hive:3.1.3\n"), ["maven:3.9.16", "apache/hive:3.1.3"]);
  assert.equal(shellDefault('NODE_IMAGE="${LAKEHOUSE_KIND_NODE_IMAGE:-kindest/node:v1@sha256:ab}"\n', "NODE_IMAGE"), "kindest/node:v1@sha256:ab");
  assert.throws(() => shellDefault("X=1\n", "NODE_IMAGE"), /no default for NODE_IMAGE/);
});

test("every third-party image is pinned to a tag (never latest); the kind node image also by digest", () => {
  const pins = imagePins();
  for (const p of pins) {
    const { tag } = split(p.ref);
    assert.ok(tag && tag !== "latest", `${p.ref} (${p.source}) has no fixed tag`);
  }
  assert.match(pins.find((p) => p.ref.startsWith("kindest/node:"))!.ref, /@sha256:[0-9a-f]{64}$/);
});

test("every project image starts from the one base, and every workload default is a project image", () => {
  const files = new Set(IMAGE_NAMES.map((n) => IMAGE_SPECS[n].dockerfile));
  assert.ok(files.size >= 7, [...files].join(", "));
  for (const f of files) {
    const bases = dockerfileBases(fs.readFileSync(path.join(ROOT, f), "utf8"));
    assert.ok(bases.includes(BASE_IMAGE), `${f} does not start from ${BASE_IMAGE}`);
    for (const b of bases.filter((x) => x !== BASE_IMAGE)) assert.match(b, /^\$\{[A-Z_]+\}$/, `${f}: FROM ${b} is neither ${BASE_IMAGE} nor a project image passed as a build argument`);
  }
  assert.deepEqual(imagePins().filter((p) => p.source.endsWith("Dockerfile")).map((p) => p.ref).filter((r) => r !== BASE_IMAGE), []);
  for (const key of ["minioImage", "mcImage", "postgresImage", "trinoImage", "metastoreImage", "sparkOperatorImage"]) assert.equal(DEFAULTS[key], "", `${key}: the default is the project's image`);
  // No project file outside the docs names an old third-party workload image.
  const tracked = execFileSync("git", ["ls-files", "components", "index.ts", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "src", "images", "scripts"], { cwd: ROOT, encoding: "utf8" }).split("\n").filter(Boolean);
  for (const f of tracked) {
    const text = fs.readFileSync(path.join(ROOT, f), "utf8");
    for (const old of ["amazon/aws-cli", "quay.io/minio", "trinodb/trino:", "apache/hive:", "postgres:17"]) assert.ok(!text.includes(old) || f === "components/config.ts" || f === "Pulumi.yaml", `${f} still names ${old}`);
  }
});

test("the Spark of the images is the pyspark of uv.lock, the Spark the local stack tests", () => {
  assert.equal(DEFAULTS.sparkVersion, lockedVersion(path.join(ROOT, "uv.lock"), "pyspark"));
});

test("docs/deploy.md lists every pin and the chart, with evidence, and says none was verified by pulling here", () => {
  const rows = pinTable();
  for (const p of imagePins()) {
    const { name, tag } = split(p.ref);
    assert.ok(rows.some((r) => r.image === name && r.tag.startsWith(tag)), `docs/deploy.md pin table lacks ${name} ${tag} (${p.source})`);
  }
  const chart = chartPin();
  assert.ok(rows.some((r) => r.image.includes(chart.chart) && r.image.includes(chart.repo) && r.tag === chart.version), "chart row");
  const doc = fs.readFileSync(path.join(ROOT, "docs/deploy.md"), "utf8");
  for (const line of doc.slice(doc.indexOf("## Image and chart pins")).split("\n").filter((l) => /^\| [`c]/.test(l))) {
    assert.match(line, /\| no \|$/, `verified-by-pull column: ${line.slice(0, 60)}`);
    assert.match(line, /https?:\/\//, `evidence URL: ${line.slice(0, 60)}`);
  }
});

test("scripts/verify-images.sh reads the pins from the program, pulls, builds and stops on the first error", () => {
  const file = path.join(ROOT, "scripts/verify-images.sh");
  const script = fs.readFileSync(file, "utf8");
  assert.ok(fs.statSync(file).mode & 0o100, "executable");
  assert.match(script, /^set -euo pipefail$/m);
  assert.match(script, /components\/imagePins\.ts"\)\.imagePins\(\)/);
  assert.match(script, /docker pull /);
  assert.match(script, /helm pull /);
  assert.match(script, /docker buildx build /);
  assert.match(script, /IMAGE_SPECS/);
});

test("a spec's shared Go caches are where its Dockerfile's Go stage keeps them (GOPATH=/go, run as root)", () => {
  const spec = (n: (typeof IMAGE_NAMES)[number]): ImageSpec => IMAGE_SPECS[n];
  const withCaches = IMAGE_NAMES.filter((n) => spec(n).caches);
  assert.deepEqual(withCaches.sort(), ["minio", "spark-operator"], "every Dockerfile that builds Go shares the caches");
  for (const n of withCaches) {
    const text = fs.readFileSync(path.join(ROOT, IMAGE_SPECS[n].dockerfile), "utf8");
    const goStage = text.slice(text.indexOf(" AS go\n"), text.indexOf("\nFROM ", text.indexOf(" AS build\n")));
    assert.match(goStage, /ENV [^\n]*GOPATH=\/go[ \n]/, `${n}: the Go stage sets GOPATH=/go (its module cache /go/pkg/mod)`);
    assert.doesNotMatch(goStage, /^USER /m, `${n}: the Go stage runs as root (its build cache /root/.cache/go-build)`);
    assert.doesNotMatch(goStage, /GOMODCACHE|GOCACHE/, `${n}: the Go stage moves a cache elsewhere`);
    assert.deepEqual(spec(n).caches, { "/go/pkg/mod": "go-modules", "/root/.cache/go-build": "go-build" });
  }
});
