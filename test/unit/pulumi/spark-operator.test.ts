/**
 * The spark-operator from a chart directory (no Helm repository, as `lakehouse deploy --offline`
 * runs it): the program applies the chart's CRDs before the Release, Helm skips them, and the
 * controller runs the project's image. The dev stack under mocks, with a chart directory of the
 * pinned version standing in for the Go module's.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, test } from "node:test";
import { DEFAULTS } from "../../../components/config";
import { SparkOperator } from "../../../components/sparkOperator";
import { byType, type Captured, runStack, urnEndsWith } from "./harness";
import { unwrap } from "./stack-checks";

const chart = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "spark-operator-")), "spark-operator-chart");
const CRDS = ["sparkoperator.k8s.io_scheduledsparkapplications.yaml", "sparkoperator.k8s.io_sparkapplications.yaml"];
let rs: Captured[] = [];

before(async () => {
  fs.mkdirSync(path.join(chart, "crds"), { recursive: true });
  fs.writeFileSync(path.join(chart, "Chart.yaml"), `apiVersion: v2\nname: spark-operator\nversion: ${DEFAULTS.sparkOperatorChartVersion}\nappVersion: ${DEFAULTS.sparkOperatorChartVersion}\n`);
  for (const f of CRDS) fs.writeFileSync(path.join(chart, "crds", f), "");
  ({ resources: rs } = await runStack("dev", { buildImages: "false", sparkOperatorChart: chart }));
});

test("chart directory: the Release takes the chart from it, with no repository", () => {
  const rel = byType(rs, "kubernetes:helm.sh/v3:Release")[0].inputs;
  assert.equal(rel.chart, chart);
  assert.equal(rel.version, DEFAULTS.sparkOperatorChartVersion);
  assert.equal(rel.repositoryOpts, undefined);
});

test("chart directory: the program applies crds/ before the Release, and Helm skips them", () => {
  const groups = byType(rs, "kubernetes:yaml/v2:ConfigGroup");
  assert.deepEqual(groups.map((g) => [g.name, g.inputs.files]), [["spark-operator-crds", CRDS.map((f) => path.join(chart, "crds", f))]]);
  const rel = byType(rs, "kubernetes:helm.sh/v3:Release")[0];
  assert.equal(rel.inputs.skipCrds, true);
  assert.ok(rel.dependencies.some((u) => urnEndsWith(u, "kubernetes:yaml/v2:ConfigGroup", "spark-operator-crds")), "the Release waits for the CRDs");
  const scheduled = byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication");
  assert.ok(scheduled.length > 0);
  for (const s of scheduled) {
    for (const [type, name] of [["kubernetes:yaml/v2:ConfigGroup", "spark-operator-crds"], ["kubernetes:helm.sh/v3:Release", "spark-operator"]]) {
      assert.ok(s.dependencies.some((u) => urnEndsWith(u, type, name)), `${s.name} waits for ${type} ${name}`);
    }
  }
});

test("the stack's Release runs the project's controller image, pulled only when missing", () => {
  const values = unwrap(byType(rs, "kubernetes:helm.sh/v3:Release")[0].inputs.values);
  assert.deepEqual(values.image, { registry: "localhost:5001", repository: "lakehouse-spark-operator", tag: "dev", pullPolicy: "IfNotPresent" });
});

test("the component: the project image in the chart's image values; a repository source leaves CRDs to Helm; bad args name the field", async () => {
  const pulumi = await import("@pulumi/pulumi");
  const seen: { type: string; name: string; inputs: any }[] = [];
  await pulumi.runtime.setMocks({ newResource: (a) => (seen.push(a), { id: `${a.name}-id`, state: a.inputs }), call: (a) => a.inputs }, "lakehouse", "unit", false);
  const image = `localhost:5001/lakehouse-spark-operator:dev@sha256:${"0".repeat(64)}`;
  const op = new SparkOperator("so", { operatorNamespace: "ops", jobNamespace: "jobs", instance: "unit", chartVersion: "2.5.2", image });
  await new Promise<void>((resolve) => op.release.urn.apply(() => resolve()));
  const rel = seen.find((r) => r.type === "kubernetes:helm.sh/v3:Release")!.inputs;
  assert.deepEqual(unwrap(rel.values).image, { registry: "localhost:5001", repository: "lakehouse-spark-operator", tag: `dev@sha256:${"0".repeat(64)}`, pullPolicy: "IfNotPresent" });
  assert.equal(rel.skipCrds, false, "from a repository, Helm installs crds/");
  assert.equal(op.crds, undefined);
  assert.equal(seen.some((r) => r.type === "kubernetes:yaml/v2:ConfigGroup"), false);
  assert.throws(() => new SparkOperator("bad", { operatorNamespace: "o2", jobNamespace: "j", instance: "unit", chartVersion: "2.5.2", chart: { path: os.tmpdir() } }), /has no CRDs in crds\//);
  assert.throws(() => new SparkOperator("old", { operatorNamespace: "o3", jobNamespace: "j", instance: "unit", chartVersion: "2.4.0" }), /chartVersion must be 2\.5\.x/);
});

test("the silver application's retry interval is the stack's sparkRetryIntervalSeconds (dev: Pulumi.dev.yaml's), the default Pulumi.yaml's", () => {
  const devValue = Number(/lakehouse:sparkRetryIntervalSeconds: (\d+)/.exec(fs.readFileSync(path.join(__dirname, "../../../Pulumi.dev.yaml"), "utf8"))?.[1]);
  assert.ok(devValue > 0, "Pulumi.dev.yaml sets lakehouse:sparkRetryIntervalSeconds");
  const [scheduled] = byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication");
  assert.equal(unwrap(scheduled.inputs.spec).template.restartPolicy.onFailureRetryInterval, devValue);
  const declared = /lakehouse:sparkRetryIntervalSeconds: \{ type: integer, default: (\d+)/.exec(fs.readFileSync(path.join(__dirname, "../../../Pulumi.yaml"), "utf8"))?.[1];
  assert.equal(DEFAULTS.sparkRetryIntervalSeconds, declared);
});
