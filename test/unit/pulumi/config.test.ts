import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import yaml from "js-yaml";
import { DEFAULTS, readConfig, SIZES, validCron } from "../../../components/config";
import { ROOT, stackConfig } from "./harness";

const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default: unknown; description: string }> };

test("Pulumi.yaml declares every key config.ts defaults, with the same default and a description", () => {
  for (const [k, v] of Object.entries(DEFAULTS)) {
    const decl = project.config[`lakehouse:${k}`];
    assert.ok(decl, `Pulumi.yaml lacks lakehouse:${k}`);
    assert.equal(String(decl.default), v, `default of ${k}`);
    assert.ok(decl.description.length > 10, `description of ${k}`);
  }
});

test("both stack files hold only declared keys and pass validation", () => {
  for (const stack of ["dev", "prod"]) {
    const cfg = stackConfig(stack);
    for (const k of Object.keys(cfg)) assert.ok(project.config[k], `Pulumi.${stack}.yaml sets undeclared ${k}`);
    const parsed = readConfig((k) => cfg[`lakehouse:${k}`]);
    assert.equal(parsed.size, stack === "dev" ? "small" : "large");
  }
});

test("prod differs from dev where the issue asks: external S3, more workers, bigger sizes, another storage class", () => {
  const dev = readConfig((k) => stackConfig("dev")[`lakehouse:${k}`]);
  const prod = readConfig((k) => stackConfig("prod")[`lakehouse:${k}`]);
  assert.equal(dev.objectStore.mode, "minio");
  assert.equal(prod.objectStore.mode, "external");
  assert.ok(prod.trino.workers > dev.trino.workers);
  assert.notEqual(prod.storageClass, dev.storageClass);
  assert.equal(prod.exposeNodePorts, false);
});

test("invalid config fails with one message naming every bad field", () => {
  const bad: Record<string, string> = { objectStoreMode: "external", goldSchedule: "every day", trinoWorkers: "-1", trinoImage: "trinodb/trino:latest", minioStorageSize: "lots" };
  assert.throws(() => readConfig((k) => bad[k]), (e: Error) => {
    for (const field of ["s3Endpoint is required", "goldSchedule", "trinoWorkers", "trinodb/trino:latest", "minioStorageSize"]) assert.match(e.message, new RegExp(field.replace(/[.*]/g, "\\$&")));
    return true;
  });
  assert.throws(() => readConfig((k) => ({ s3Endpoint: "http://s3:9000" } as Record<string, string>)[k]), /s3Endpoint is set but objectStoreMode is minio/);
  assert.throws(() => readConfig((k) => ({ buildImages: "yes" } as Record<string, string>)[k]), /buildImages must be true or false/);
});

test("cron validation", () => {
  assert.ok(validCron("15 1 * * *") && validCron("*/5 0-6 * * 1,3"));
  assert.ok(!validCron("15 1 * *") && !validCron("@daily") && !validCron("a b c d e"));
});

test("sparkVersion equals the pyspark pinned in uv.lock (driver image and local jobs run one Spark)", () => {
  const lock = fs.readFileSync(path.join(ROOT, "uv.lock"), "utf8");
  const m = /\[\[package\]\]\nname = "pyspark"\nversion = "([^"]+)"/.exec(lock);
  assert.ok(m, "pyspark not found in uv.lock");
  assert.equal(DEFAULTS.sparkVersion, m[1]);
});

test("Spark sizes are JVM sizes; pod sizes are Kubernetes quantities", () => {
  for (const profile of Object.values(SIZES)) {
    assert.match(profile.sparkDriver.memory, /^\d+[mg]$/);
    assert.match(profile.trinoWorker.memory, /^\d+(Mi|Gi)$/);
  }
});
