/**
 * A user's terminal shows the pipeline, not the libraries' start-up notices: the lines are
 * those the real engines printed in a CI log (copied here verbatim), and the pipeline's own
 * lines around them must come through unchanged, however the output is cut into chunks.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { echoer } from "../../../src/lib/exec";
import { DBT_NOTICES } from "../../../src/local/jobs/dbt";
import { SPARK_NOTICES } from "../../../src/local/jobs/spark";

const SPARK_OUTPUT = [
  "WARNING: Using incubator modules: jdk.incubator.vector",
  "[silver 07:59:26] session ready in 8.5s",
  'SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".',
  "SLF4J: Defaulting to no-operation (NOP) logger implementation",
  "SLF4J: See http://www.slf4j.org/codes.html#StaticLoggerBinder for further details.",
  "[silver 07:59:49] nyc_yellow_trips 2024-02-14: bronze 63 = silver 60 + rejected 2 + duplicates 1",
  "2026-12-06 08:00:01 WARN SomeClass: a real warning stays",
  '{"results": [{"dataset": "trips", "source_date": "2024-03-01", "bronze_records": 3798, "silver_rows": 3602, "rejected": 164, "duplicates_removed": 32, "contract_version": 1}], "seconds": 41.6}',
].join("\n") + "\n";
const DBT_OUTPUT = [
  "INFO:trino.auth:keyring module not found. OAuth2 token will not be stored in keyring.",
  "08:00:14  31 of 82 OK created sql view model gold_internal.int_trips_in_run_window ....... [CREATE VIEW in 0.45s]",
  "INFO:trino.auth:keyring module not found. OAuth2 token will not be stored in keyring.",
].join("\n") + "\n";

function echoed(output: string, quiet: RegExp | undefined, chunk: number): string {
  let shown = "";
  const echo = echoer(quiet, (s) => (shown += s));
  for (let i = 0; i < output.length; i += chunk) echo.write(Buffer.from(output.slice(i, i + chunk)));
  echo.end();
  return shown;
}

test("Spark's JVM notices and the job's JSON report (printed as a table by the caller) are not echoed; the job's lines and real warnings are, in any chunking", () => {
  const expected = SPARK_OUTPUT.split("\n").filter((l) => !l.startsWith("SLF4J:") && !l.startsWith("WARNING: Using incubator") && !l.startsWith('{"results"')).join("\n");
  for (const chunk of [1, 7, 64, SPARK_OUTPUT.length]) assert.equal(echoed(SPARK_OUTPUT, SPARK_NOTICES, chunk), expected, `chunks of ${chunk}`);
});

test("the Trino client's keyring notice is not echoed; dbt's progress is", () => {
  for (const chunk of [3, DBT_OUTPUT.length]) assert.equal(echoed(DBT_OUTPUT, DBT_NOTICES, chunk), DBT_OUTPUT.split("\n")[1] + "\n");
});

test("without a quiet pattern every byte is echoed as it comes", () => {
  assert.equal(echoed(SPARK_OUTPUT, undefined, 5), SPARK_OUTPUT);
});
