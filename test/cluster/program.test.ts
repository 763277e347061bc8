/**
 * The project's own program (index.ts) previewed by the real engine against the real API server,
 * for both committed stacks: with server-side apply, the provider submits each object as a dry
 * run, so the API server (with the spark-operator's CRDs installed first) validates every object
 * of dev and prod, not only the schemas of the unit tests.
 *
 * The provider quietly skips the dry run of an object whose namespace does not exist yet, or
 * whose inputs are not known until an update (pulumi-kubernetes 4.25 provider.go Create), and a
 * skipped object looks the same in the preview's summary. So the stack's namespaces are made
 * first, and the test requires a server-assigned uid in each object's preview: the proof that the
 * API server admitted it.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { ClusterContext } from "../../src/cluster/cluster";
import { sparkOperatorChart } from "../../src/cluster/toolchain";
import { committedConfig, ensureSecrets, offlineOverrides, openStack, previewedObjects } from "../../src/deploy/workspace";
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

/** What this machine cannot do, and only that (offlineOverrides: no image builder, no Helm repository). */
async function overrides(stack: string): Promise<Record<string, string>> {
  return {
    ...(await offlineOverrides()),
    // prod's external store: admin credentials are the user's to set; any value serves a preview.
    ...(stack === "prod" ? { "lakehouse:s3AdminUser": "preview-admin", "lakehouse:s3AdminPassword": "preview-admin-password" } : {}),
  };
}

/** The namespaces a stack's objects live in (index.ts: <namespace> and <namespace>-spark-operator). */
function namespaces(stack: string): string[] {
  const ns = committedConfig(stack)["lakehouse:namespace"] ?? DEFAULTS.namespace;
  return [ns, `${ns}-spark-operator`];
}

async function preview(stack: string) {
  const s = await openStack({ stack, pulumiBin: ctx.tools.pulumiBin, kubeconfig: ctx.layout.adminKubeconfig, overrides: await overrides(stack) });
  await ensureSecrets(s, silentLogger);
  const events: EngineEvent[] = [];
  let error: Error | undefined;
  const result = await s.preview({ onEvent: (e) => events.push(e) }).catch((e: Error) => ((error = e), undefined));
  const diagnostics = events.map((e) => e.diagnosticEvent).filter((d) => d && d.severity === "error").map((d) => d!.message.trim());
  return { result, error, diagnostics, objects: previewedObjects(events) };
}

describe("the project's program against the real API server", () => {
  for (const stack of ["dev", "prod"]) {
    test(`${stack}: the preview succeeds and the API server accepts every object's dry run`, async () => {
      for (const ns of namespaces(stack)) await k(ctx, ["create", "namespace", ns]);
      try {
        const { result, error, diagnostics, objects } = await preview(stack);
        assert.equal(error, undefined, `preview failed:\n${diagnostics.join("\n")}\n${error?.message.split("\n").slice(-20).join("\n")}`);
        assert.deepEqual(diagnostics, []);
        assert.ok(result!.changeSummary.create! >= 40, JSON.stringify(result!.changeSummary));
        const kinds = new Set(objects.map((o) => o.type));
        for (const kind of ["kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:CronJob", "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]) {
          assert.ok(kinds.has(kind), `${kind} not in the preview (${[...kinds].join(", ")})`);
        }
        // Every object but the Helm release (rendered by Helm from the chart, not one API object) came back from the API server.
        const notAdmitted = objects.filter((o) => !o.uid && o.type !== "kubernetes:helm.sh/v3:Release").map((o) => `${o.type} ${o.name}`);
        assert.deepEqual(notAdmitted, []);
      } finally {
        for (const ns of namespaces(stack)) await k(ctx, ["delete", "namespace", ns, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
      }
    });
  }
});
