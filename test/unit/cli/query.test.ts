import assert from "node:assert/strict";
import { test } from "node:test";
import { formatResult } from "../../../src/cli/query";

const out = {
  columns: [{ name: "driver", type: "varchar" }, { name: "revenue", type: "decimal(12,2)" }, { name: "note", type: "varchar" }],
  rows: [["a,1", "10.50", null], ['say "hi"', "3.00", "line\nbreak"]],
};

test("csv quotes commas, quotes and newlines and leaves NULL empty", () => {
  assert.equal(formatResult(out, "csv"), 'driver,revenue,note\n"a,1",10.50,\n"say ""hi""",3.00,"line\nbreak"');
});

test("json is one object per row keyed by column name", () => {
  assert.deepEqual(JSON.parse(formatResult(out, "json")), [
    { driver: "a,1", revenue: "10.50", note: null },
    { driver: 'say "hi"', revenue: "3.00", note: "line\nbreak" },
  ]);
});

test("table aligns columns and counts rows", () => {
  const lines = formatResult(out, "table").split("\n");
  assert.match(lines[0], /^driver\s+revenue\s+note$/);
  assert.equal(lines.at(-1), "(2 rows)");
  assert.match(lines[2], /^a,1\s+10\.50\s+NULL$/);
});
