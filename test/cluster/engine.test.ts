/**
 * The real Pulumi engine (the CLI and the kubernetes provider built from their Go modules)
 * against the real cluster, through the same entry point as `lakehouse deploy`: a small stack goes
 * up, its pod becomes Ready, its Job completes with the generated secret, its CronJob fires; a
 * second `up` changes nothing; `destroy` removes everything.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Stack } from "@pulumi/pulumi/automation";
import type { ClusterContext } from "../../src/cluster/cluster";
import { openStack } from "../../src/deploy/workspace";
import { ensureWebImage, eventually, k, testCluster } from "./harness";

const NS = "engine-test";
let ctx: ClusterContext;
let stack: Stack;

before(async () => {
  ctx = await testCluster();
  const image = await ensureWebImage(ctx);
  stack = await openStack({
    stack: "engine", project: "lakehouse-engine-test", program: path.join(__dirname, "fixtures", "engine-program.ts"),
    pulumiBin: ctx.tools.pulumiBin, kubeconfig: ctx.layout.adminKubeconfig, overrides: { "engine:namespace": NS, "engine:image": image },
  });
  // A leftover of an interrupted run is destroyed first, so every run starts from nothing.
  await stack.destroy();
  await stack.setConfig("engine:token", { value: crypto.randomBytes(24).toString("base64url"), secret: true });
});
after(async () => {
  await stack?.destroy().catch(() => undefined);
});

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");

describe("the Pulumi engine against the cluster", () => {
  test("up creates every resource; the pod from an image built here becomes Ready", async () => {
    const result = await stack.up();
    assert.equal(result.summary.result, "succeeded");
    assert.ok((result.summary.resourceChanges?.create ?? 0) >= 7, JSON.stringify(result.summary.resourceChanges));
    const deployment = JSON.parse(await k(ctx, ["-n", NS, "get", "deployment", "web", "-o", "json"]));
    assert.equal(deployment.status.readyReplicas, 1);
    assert.deepEqual(result.outputs.names.value, { namespace: NS, job: "reader", cronJob: "tick", deployment: "web" });
  });

  test("the Job completes with the generated secret and reaches the Service by its DNS name", async () => {
    await k(ctx, ["-n", NS, "wait", "--for=condition=Complete", "job/reader", "--timeout=120s"]);
    const [digest, page] = (await k(ctx, ["-n", NS, "logs", "job/reader"])).trim().split("\n");
    const token = (await stack.getConfig("engine:token")).value;
    assert.equal(digest, sha256(token));
    assert.equal(page, fs.readFileSync(path.join(__dirname, "fixtures", "webserver", "index.html"), "utf8").trim());
  });

  test("the CronJob fires on its schedule and its run completes", async () => {
    const job = await eventually("a Job of the CronJob 'tick' completed", async () => {
      const jobs = JSON.parse(await k(ctx, ["-n", NS, "get", "jobs", "-o", "json"])).items as any[];
      return jobs.find((j) => j.metadata.ownerReferences?.some((o: any) => o.kind === "CronJob" && o.name === "tick") && j.status.succeeded === 1);
    }, 150_000);
    assert.match(await k(ctx, ["-n", NS, "logs", `job/${job.metadata.name}`]), /^tick \d{4}-\d\d-\d\dT/);
  });

  test("a second up changes nothing", async () => {
    const preview = await stack.preview();
    const changed = Object.entries(preview.changeSummary).filter(([op, n]) => op !== "same" && n > 0);
    assert.deepEqual(changed, []);
    const result = await stack.up();
    assert.deepEqual(Object.keys(result.summary.resourceChanges ?? {}), ["same"]);
  });

  test("destroy removes everything it made", async () => {
    const result = await stack.destroy();
    assert.equal(result.summary.result, "succeeded");
    const gone = await k(ctx, ["get", "namespace", NS, "--ignore-not-found", "-o", "name"]);
    assert.equal(gone.trim(), "");
    const left = await stack.exportStack();
    assert.deepEqual((left.deployment.resources ?? []).filter((r: any) => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:providers:kubernetes"), []);
  });
});
