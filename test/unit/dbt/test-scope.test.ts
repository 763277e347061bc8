/**
 * The daily run's cost must not grow with history: every dbt test on a table with a row per
 * trip or per driver-day checks the run's days only (vars start_date, end_date). After a year
 * of history, an unscoped trip_id uniqueness test exceeded Trino's memory per node.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import yaml from "js-yaml";

const DBT = path.join(__dirname, "..", "..", "..", "dbt");
// Written out in each test's `where` config with the run's days as placeholders, which the
// project's get_where_subquery (macros/run_window.sql) replaces when the test runs: dbt renders a
// `where` at parse time, with var() but no project macro (dbt 1.11: "does not support using custom
// macros to populate configuration values"), and a var() there would tie the parse to one run's
// days. This check keeps every copy the same.
const WINDOW = /^(\w+) between __run_start_date__ and __run_end_date__$/;
/** Tables that grow by a row per trip or per driver-day, and the day column of each. */
const GROWING: Record<string, string> = {
  trips: "pickup_date", stg_silver__trips: "trip_date", fct_trips: "trip_date", daily_revenue_by_driver: "revenue_date",
  nyc_yellow_trips: "pickup_date", stg_silver__nyc_yellow_trips: "trip_date", nyc_daily_revenue_by_zone: "revenue_date", nyc_daily_revenue_by_vendor: "revenue_date",
};

type TestEntry = string | Record<string, { config?: { where?: string } }>;
interface Node { name: string; data_tests?: TestEntry[]; columns?: { name: string; data_tests?: TestEntry[] }[]; tables?: Node[] }

/** The files under `dir` (relative to dbt/) whose names match `name`, found by walking it. */
function filesIn(dir: string, name: RegExp, recursive = true): string[] {
  return fs.readdirSync(path.join(DBT, dir), { withFileTypes: true, recursive })
    .filter((e) => e.isFile() && name.test(e.name))
    .map((e) => path.relative(DBT, path.join(e.parentPath, e.name)))
    .sort();
}

function nodes(file: string): Node[] {
  const doc = yaml.load(fs.readFileSync(path.join(DBT, file), "utf8")) as { models?: Node[]; sources?: Node[] };
  return [...(doc.models ?? []), ...(doc.sources ?? []).flatMap((s) => s.tables ?? [])];
}

test("every test on a growing table filters on the run's days, by that table's day column", () => {
  const seen = new Set<string>();
  // Every properties file of the project's models and sources, wherever a new one is added.
  for (const file of filesIn("models", /\.ya?ml$/)) {
    for (const node of nodes(file).filter((n) => n.name in GROWING)) {
      seen.add(node.name);
      const entries = [...(node.data_tests ?? []), ...(node.columns ?? []).flatMap((c) => c.data_tests ?? [])];
      assert.ok(entries.length > 0, `${node.name} has tests`);
      for (const entry of entries) {
        assert.notEqual(typeof entry, "string", `${node.name}: test '${String(entry)}' is not scoped to the run's days`);
        const [name, body] = Object.entries(entry as Record<string, { config?: { where?: string } }>)[0];
        const where = body?.config?.where ?? "";
        assert.equal(WINDOW.exec(where)?.[1], GROWING[node.name], `${node.name}: test ${name} filters with "${where}"`);
      }
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(GROWING).sort());
});

test("every singular test (the reconciliations, the rejected share) reads the run's days of the tables it reads only", () => {
  // tests/*.sql, not tests/generic/: a generic test is scoped by its `where` config, checked above.
  const files = filesIn("tests", /\.sql$/, false);
  assert.ok(files.includes(path.join("tests", "assert_daily_revenue_reconciles_with_silver.sql")), `found ${files.join(", ")}`);
  for (const file of files) {
    const sql = fs.readFileSync(path.join(DBT, file), "utf8");
    const reads = (sql.match(/\{\{ (source|ref)\(/g) ?? []).length;
    assert.ok(reads > 0, `${file} reads a table`);
    assert.equal((sql.match(/in_run_window\('\w+'\)/g) ?? []).length, reads, `${file}: every table it reads is filtered`);
  }
});
