/** A day's Spark job starts its JVM with C1 only and ParallelGC; a range keeps the JVM's defaults (measured: jitOptions' comment). */
import assert from "node:assert/strict";
import test from "node:test";
import { jitOptions, sparkSubmitArgs } from "../../../src/local/jobs/spark";
import type { StackContext } from "../../../src/local/services/types";

const ctx = { installed: { sparkJars: ["/jars/a.jar"] } } as unknown as StackContext;
const driverOptions = (args: string[]) => {
  const all = sparkSubmitArgs(ctx, { script: "lakehouse/silver/job.py", args, identity: "spark" });
  const conf = all.find((a) => a.startsWith("spark.driver.extraJavaOptions="));
  assert.ok(conf, "the driver's Java options are set");
  return conf.slice("spark.driver.extraJavaOptions=".length).split(" ");
};

test("one day (--date): the driver JVM compiles with C1 only and collects with ParallelGC, beside the log4j configuration", () => {
  const opts = driverOptions(["--date", "2024-03-01", "--dataset", "all"]);
  assert.ok(opts.includes("-XX:TieredStopAtLevel=1"));
  assert.ok(opts.includes("-XX:+UseParallelGC"));
  assert.match(opts[0], /^-Dlog4j2\.configurationFile=.*spark\/conf\/log4j2\.properties$/);
});

test("a range (--from/--to) and a job without days keep the JVM's tiered compilation", () => {
  assert.deepEqual(jitOptions(["--from", "2024-03-01", "--to", "2024-03-31"]), []);
  assert.deepEqual(jitOptions(["--layer", "all"]), []);
  assert.equal(driverOptions(["--from", "2024-03-01", "--to", "2024-03-07"]).length, 1);
});
