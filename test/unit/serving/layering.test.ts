/**
 * The serving layer depends one way: the local stack's Superset service imports the assets,
 * and nothing under src/serving imports that service back (issue 19: the cycle it replaced).
 * Test tooling (the browser) lives under test/support, not in the product.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../../src/local/paths";

const servingDir = path.join(repoRoot, "src", "serving");
const imports = (file: string) => [...fs.readFileSync(file, "utf8").matchAll(/^(?:import|export)\b[^;]*?from "([^"]+)"/gms)].map((m) => m[1]);

test("no module under src/serving imports the local stack's Superset service", () => {
  for (const name of fs.readdirSync(servingDir).filter((n) => n.endsWith(".ts"))) {
    const resolved = imports(path.join(servingDir, name)).filter((s) => s.startsWith(".")).map((s) => path.resolve(servingDir, s));
    assert.ok(!resolved.includes(path.join(repoRoot, "src", "local", "services", "superset")), `${name} imports src/local/services/superset`);
  }
});

test("the product does not ship the browser tests' chromium", () => {
  assert.ok(!fs.existsSync(path.join(servingDir, "chromium.ts")));
  assert.ok(!fs.readFileSync(path.join(repoRoot, "src", "local", "install.ts"), "utf8").includes("chromium"));
});
