/**
 * dbt's unit tests, run as CI runs them: scheduled gold builds leave them out
 * (SCHEDULED_BUILD_EXCLUDES), so the integration tests run them on the stack's Trino, once the
 * models they test exist (dbt reads the inputs' columns from the warehouse).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { DBT_PROJECT_DIR, dbt, dbtTargetPath } from "../../src/local/jobs/dbt";
import type { StackContext } from "../../src/local/services/types";

/** The unit tests the models' .yml files define, by name, for the Chicago-shaped models or NYC's (nyc_*). */
export function definedUnitTests(source: "chicago" | "nyc_tlc"): string[] {
  const dir = path.join(DBT_PROJECT_DIR, "models");
  const files = fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".yml"));
  return files
    .flatMap((f) => ((yaml.load(fs.readFileSync(path.join(dir, f), "utf8")) as { unit_tests?: { name: string; model: string }[] })?.unit_tests ?? []))
    .filter((t) => t.model.startsWith("nyc_") === (source === "nyc_tlc"))
    .map((t) => t.name)
    .sort();
}

/** Runs the source's unit tests and asserts that every one defined ran and passed. */
export async function assertDbtUnitTestsPass(ctx: StackContext, source: "chicago" | "nyc_tlc"): Promise<void> {
  const vars = source === "chicago" ? "{chicago: true, nyc_tlc: false}" : "{chicago: false, nyc_tlc: true}";
  await dbt(ctx, ["test", "--select", "test_type:unit", "--vars", vars]);
  const results = JSON.parse(fs.readFileSync(path.join(dbtTargetPath(ctx), "run_results.json"), "utf8")) as { results: { unique_id: string; status: string }[] };
  const ran = results.results.map((r) => ({ name: r.unique_id.split(".").at(-1)!, status: r.status }));
  assert.deepEqual(ran.map((r) => r.name).sort(), definedUnitTests(source), "every unit test the models define ran");
  assert.deepEqual(ran.filter((r) => r.status !== "pass"), [], "every unit test passed");
}
