/**
 * The spark-operator CRD schemas the stack tests validate against (test/support/spark-operator-crd.ts):
 * objects closed as the API server prunes them, Kubernetes' extensions and formats checked, on
 * tiny hand-written schemas; then the pinned chart's own CRDs, from its Go module.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { closeAsPruned, crdAjv, sparkOperatorSchema, versionSchema } from "../../support/spark-operator-crd";

const tiny = {
  type: "object",
  properties: {
    name: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "object", properties: { v: { type: "string" } } } },
    template: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { known: { type: "object", properties: { a: { type: "string" } } } } },
    open: { type: "object", additionalProperties: true, properties: { b: { type: "string" } } },
    list: { type: "array", items: { type: "object", properties: { c: { type: "integer" } } } },
    free: { type: "object" },
    port: { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true },
  },
};

test("closeAsPruned closes what the API server prunes, and only that; the input is left as it was", () => {
  const before = structuredClone(tiny);
  const closed = closeAsPruned(tiny);
  assert.deepEqual(tiny, before);
  assert.equal(closed.additionalProperties, false);
  assert.equal(closed.properties.labels.additionalProperties.additionalProperties, false, "a map's values closed, the map itself not");
  assert.equal(closed.properties.template.additionalProperties, undefined, "x-kubernetes-preserve-unknown-fields keeps unknown fields");
  assert.equal(closed.properties.template.properties.known.additionalProperties, false, "but a declared object below it is pruned");
  assert.equal(closed.properties.open.additionalProperties, true);
  assert.equal(closed.properties.list.items.additionalProperties, false);
  assert.equal(closed.properties.free.additionalProperties, undefined, "an object without properties is free-form");
  assert.equal(closed.properties.port.additionalProperties, undefined);
  assert.equal(closed.properties.name.additionalProperties, undefined);

  const ajv = crdAjv();
  const validate = ajv.compile(closed);
  assert.ok(validate({ name: "x", labels: { k: { v: "1" } }, template: { anything: 1, known: { a: "y" } }, open: { z: 1 }, list: [{ c: 1 }], free: { w: 1 }, port: "http" }), JSON.stringify(validate.errors));
  for (const bad of [{ nmae: "x" }, { labels: { k: { w: "1" } } }, { template: { known: { b: "y" } } }, { list: [{ d: 1 }] }]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
    assert.match(ajv.errorsText(validate.errors), /must NOT have additional properties/);
  }
});

test("crdAjv: list types checked as the API server does, the formats, int-or-string; an unknown keyword fails the compile", () => {
  const ajv = crdAjv();
  const ports = ajv.compile({
    type: "array",
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
    items: { type: "object", properties: { containerPort: { type: "integer", format: "int32" }, protocol: { type: "string", default: "TCP" } } },
  });
  assert.ok(ports([{ containerPort: 80 }, { containerPort: 80, protocol: "UDP" }]));
  assert.equal(ports([{ containerPort: 80 }, { containerPort: 80, protocol: "TCP" }]), false, "the default stands in for an absent key");
  assert.match(ajv.errorsText(ports.errors), /two items with the same containerPort, protocol/);
  assert.equal(ports([{ containerPort: 2 ** 31 }]), false, "int32");
  const set = ajv.compile({ type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } });
  assert.ok(set(["a", "b"]));
  assert.equal(set(["a", "a"]), false);
  assert.ok(ajv.compile({ type: "array", "x-kubernetes-list-type": "atomic", items: { type: "string" } })(["a", "a"]));
  const when = ajv.compile({ type: "string", format: "date-time" });
  assert.ok(when("2024-11-03T06:00:00Z"));
  assert.equal(when("2024-11-03"), false);
  const quantity = ajv.compile({ anyOf: [{ type: "integer" }, { type: "string" }], pattern: "^[0-9]+(m|Mi|Gi)?$", "x-kubernetes-int-or-string": true });
  assert.ok(quantity(2) && quantity("500m"));
  assert.equal(quantity("lots"), false);
  assert.throws(() => ajv.compile({ type: "object", "x-kubernetes-validations": [{ rule: "self.a > 0" }] }), /unknown keyword/);
});

test("versionSchema: the named version of the named kind's CRD, or an error naming what is there", () => {
  const crd = { kind: "CustomResourceDefinition", spec: { names: { kind: "SparkApplication" }, versions: [{ name: "v1beta2", schema: { openAPIV3Schema: { type: "object" } } }] } };
  assert.deepEqual(versionSchema(crd, "SparkApplication", "v1beta2"), { type: "object" });
  assert.throws(() => versionSchema(crd, "SparkApplication", "v1"), /no v1 schema \(versions: v1beta2\)/);
  assert.throws(() => versionSchema(crd, "ScheduledSparkApplication", "v1beta2"), /not the CRD of ScheduledSparkApplication/);
});

test("the pinned chart's CRDs: the driver closed, the pod template Spark merges kept open, a ScheduledSparkApplication's template a SparkApplication's spec", async () => {
  const scheduled = await sparkOperatorSchema("ScheduledSparkApplication");
  const app = await sparkOperatorSchema("SparkApplication");
  const driver = scheduled.properties.spec.properties.template.properties.driver;
  assert.equal(driver.additionalProperties, false);
  assert.equal(driver.properties.template["x-kubernetes-preserve-unknown-fields"], true);
  assert.equal(driver.properties.template.additionalProperties, undefined);
  assert.equal(scheduled.properties.metadata.additionalProperties, undefined, "metadata is the API server's to check");
  assert.deepEqual(Object.keys(scheduled.properties.spec.properties.template.properties).sort(), Object.keys(app.properties.spec.properties).sort());
});
