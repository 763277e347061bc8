/**
 * The project's own program (index.ts) previewed by the real engine against the real API server,
 * for both committed stacks: with server-side apply, the provider submits each object as a dry
 * run, so the API server (with the spark-operator's CRDs installed first) validates every object
 * of dev and prod, not only the schemas of the unit tests.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { ClusterContext } from "../../src/cluster/cluster";
import { sparkOperatorChart } from "../../src/cluster/toolchain";
import { ensureSecrets, openStack } from "../../src/deploy/workspace";
import { silentLogger } from "../../src/lib/log";
import { DEFAULTS } from "../../components/config";
import { k, testCluster } from "./harness";

let ctx: ClusterContext;
let chart: string;

before(async () => {
  ctx = await testCluster();
  chart = await sparkOperatorChart(DEFAULTS.sparkOperatorChartVersion);
  // The chart's CRDs, as the Helm release would install them before its first resources.
  for (const f of fs.readdirSync(path.join(chart, "crds"))) await k(ctx, ["apply", "--server-side", "--field-manager=lakehouse-tests", "-f", path.join(chart, "crds", f)]);
  await k(ctx, ["wait", "--for=condition=Established", "crd/scheduledsparkapplications.sparkoperator.k8s.io", "crd/sparkapplications.sparkoperator.k8s.io", "--timeout=60s"]);
});

/** What this machine cannot do, and only that: build images (no docker-build plugin, no BuildKit) or reach a Helm repository. */
function overrides(stack: string): Record<string, string> {
  return {
    "lakehouse:buildImages": "false",
    "lakehouse:sparkOperatorChart": chart,
    // prod's external store: admin credentials are the user's to set; any value serves a preview.
    ...(stack === "prod" ? { "lakehouse:s3AdminUser": "preview-admin", "lakehouse:s3AdminPassword": "preview-admin-password" } : {}),
  };
}

async function preview(stack: string, extra: Record<string, string> = {}) {
  const s = await openStack({ stack, pulumiBin: ctx.tools.pulumiBin, kubeconfig: ctx.layout.adminKubeconfig, overrides: { ...overrides(stack), ...extra } });
  await ensureSecrets(s, silentLogger);
  const events: EngineEvent[] = [];
  let error: Error | undefined;
  const result = await s.preview({ onEvent: (e) => events.push(e) }).catch((e: Error) => ((error = e), undefined));
  const diagnostics = events.map((e) => e.diagnosticEvent).filter((d) => d && d.severity === "error").map((d) => d!.message.trim());
  const planned = events.map((e) => e.resourcePreEvent?.metadata).filter((m) => m && m.op === "create").map((m) => m!.type);
  return { result, error, diagnostics, planned };
}

describe("the project's program against the real API server", () => {
  for (const stack of ["dev", "prod"]) {
    test(`${stack}: the preview succeeds and the API server accepts every object's dry run`, async () => {
      const { result, error, diagnostics, planned } = await preview(stack);
      assert.equal(error, undefined, `preview failed:\n${diagnostics.join("\n")}\n${error?.message.split("\n").slice(-20).join("\n")}`);
      assert.deepEqual(diagnostics, []);
      assert.ok(result!.changeSummary.create! >= 40, JSON.stringify(result!.changeSummary));
      for (const kind of ["kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:CronJob", "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", "kubernetes:helm.sh/v3:Release"]) {
        assert.ok(planned.includes(kind), `${kind} not planned (planned: ${[...new Set(planned)].join(", ")})`);
      }
    });
  }
});
