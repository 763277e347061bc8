/**
 * The project's images (components/imageSpecs.ts) built here from the Debian base with podman,
 * as `lakehouse cluster images` builds them, then each run on the cluster as a pod that executes
 * its spec's check as the image's own user: what the Deployments and Jobs rely on. The expected
 * versions come from the pins (src/lib/versions.ts, uv.lock), not from the images.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ClusterContext } from "../../src/cluster/cluster";
import { loadImages } from "../../src/cluster/images";
import { consoleLogger } from "../../src/lib/log";
import { lockedVersion } from "../../src/lib/uvLock";
import { VERSIONS } from "../../src/lib/versions";
import { IMAGE_NAMES, IMAGE_SPECS, type ImageName } from "../../components/imageSpecs";
import { PROJECT_ROOT } from "../../components/files";
import { k, runPod, testCluster } from "../cluster/harness";
import { BACKGROUND_IMAGE_TAG, projectImages } from "./images";

const NS = "images-test";
/** The tag `lakehouse cluster images` builds by default: one build and one load serve both. */
const TAG = BACKGROUND_IMAGE_TAG;
/** A version as a regular expression that matches it literally. */
const literal = (version: string) => version.replace(/\./g, "\\.");
const locked = (name: string) => literal(lockedVersion(path.join(PROJECT_ROOT, "uv.lock"), name));

/** What each check must print, from the pins. */
const EXPECTED: Record<ImageName, RegExp> = {
  ingest: /--source[\s\S]*--from-env/,
  spark: /version 4\.1/,
  dbt: new RegExp(`installed: ${locked("dbt-core")}[\\s\\S]*trino: ${locked("dbt-trino")}`),
  // superset version colours its banner: an escape code may sit between the name and the number.
  superset: new RegExp(`Superset (?:\\x1b\\[\\d+m)?${locked("apache-superset")}`),
  metastore: new RegExp(literal(VERSIONS.hiveMetastore)),
  trino: new RegExp(`Trino CLI ${VERSIONS.trino}`),
  minio: /minio version [\s\S]*mc version/,
  postgres: new RegExp(`postgres \\(PostgreSQL\\) ${VERSIONS.postgres}\\.`),
  "spark-operator": new RegExp(`v${literal(VERSIONS.sparkOperator)}[\\s\\S]*version 4\\.1`),
};

let ctx: ClusterContext;
let refs: Record<string, string>;

before(async () => {
  ctx = await testCluster();
  const log = consoleLogger("test-images");
  refs = await projectImages(TAG, log);
  await loadImages(ctx.layout.containerdSocket, Object.values(refs), ctx.layout.imagesLoaded, log);
  await k(ctx, ["delete", "namespace", NS, "--ignore-not-found", "--wait=true"]);
  await k(ctx, ["create", "namespace", NS]);
});
after(async () => {
  await k(ctx, ["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
});

describe("the project's images, built from the Debian base, each run on the cluster", () => {
  for (const name of IMAGE_NAMES) {
    test(`${name}: ${IMAGE_SPECS[name].check.join(" ").slice(0, 80)}`, async () => {
      const out = await runPod(ctx, NS, `check-${name}`, refs[name], IMAGE_SPECS[name].check);
      assert.match(out, EXPECTED[name], `${name}'s check printed:\n${out}`);
    });
  }
});
