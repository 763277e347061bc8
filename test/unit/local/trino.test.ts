import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import bcrypt from "bcryptjs";
import { repoRoot } from "../../../src/local/paths";
import { sqlStatements } from "../../../src/lib/sql";
import { passwordFile } from "../../../src/local/services/trino";

test("the password file has one bcrypt $2y$ line per user that verifies its password", () => {
  const file = passwordFile({ admin: "a-secret", dashboard: "d-secret" }, 4);
  const lines = file.trim().split("\n");
  assert.equal(lines.length, 2);
  const [user, hash] = lines[1].split(/:(.*)/s);
  assert.equal(user, "dashboard");
  assert.match(hash, /^\$2y\$04\$/);
  assert.ok(bcrypt.compareSync("d-secret", hash.replace(/^\$2y\$/, "$2b$")));
  assert.ok(!bcrypt.compareSync("a-secret", hash.replace(/^\$2y\$/, "$2b$")));
});

test("the init SQL splits into its statements, comments dropped", () => {
  const statements = sqlStatements(fs.readFileSync(path.join(repoRoot, "trino", "init", "schemas.sql"), "utf8"));
  assert.equal(statements.length, 6);
  assert.ok(statements.every((s) => s.startsWith("CREATE ")));
});

test("access rules: the dashboard user may only SELECT in iceberg.gold", () => {
  const rules = JSON.parse(fs.readFileSync(path.join(repoRoot, "trino", "rules.json"), "utf8"));
  const dashboardTables = rules.tables.filter((r: { user?: string }) => r.user === "dashboard");
  for (const r of dashboardTables) assert.deepEqual(r.privileges, ["SELECT"]);
  const icebergRule = dashboardTables.find((r: { catalog: string }) => r.catalog === "iceberg");
  assert.equal(icebergRule.schema, "gold");
  assert.deepEqual(rules.tables.at(-1), { privileges: [] }, "everyone else gets nothing");
});
