/**
 * The Superset asset bundle as ZIP bytes: what the import posts and what the export reads, each
 * checked against Python's zipfile (Superset's own reader and writer) as well as fflate.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { unzipSync, zipSync } from "fflate";
import { repoRoot } from "../../../src/local/paths";
import { ASSETS_DIR, assetBundle, exportedFiles, listFiles } from "../../../src/serving/asset-bundle";
import { pythonUnzip, pythonZip, unzipText } from "../../support/zip";

const TARGET = { trino: { host: "trino.test", port: 18443 }, trinoPasswords: { dashboard: "s3cret" } };

/** The YAML files under superset/assets (path with "/" → text), read here rather than through the code under test. */
function assetsOnDisk(): Record<string, string> {
  const dir = path.join(repoRoot, "superset", "assets");
  const files = fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".yaml"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"));
  return Object.fromEntries(files.map((rel) => [rel, fs.readFileSync(path.join(dir, rel), "utf8")]));
}

test("the import bundle, read by fflate and by Python's zipfile, is superset/assets under one root folder, the connection with the target's Trino and password", () => {
  const onDisk = assetsOnDisk();
  assert.ok("metadata.yaml" in onDisk && "databases/Lakehouse_Trino.yaml" in onDisk, "the assets the bundle is checked against");
  const expected = Object.fromEntries(
    Object.entries(onDisk).map(([rel, text]) => [
      `bundle/${rel}`,
      rel.startsWith("databases/") ? text.replace(/^(sqlalchemy_uri: trino:\/\/dashboard)@[^/]+/m, "$1:s3cret@trino.test:18443") : text,
    ]),
  );
  assert.notEqual(expected["bundle/databases/Lakehouse_Trino.yaml"], onDisk["databases/Lakehouse_Trino.yaml"], "the expected connection carries the password");

  const bundle = assetBundle(ASSETS_DIR, listFiles(ASSETS_DIR), TARGET);
  assert.deepEqual(unzipText(bundle), expected);
  assert.deepEqual(pythonUnzip(bundle), expected);
});

test("the bundle is stored, not deflated, so Superset's compression-ratio guard cannot refuse it, and the same assets give the same bytes", () => {
  const bundle = assetBundle(ASSETS_DIR, listFiles(ASSETS_DIR), TARGET);
  const entries: { compression: number; size: number; originalSize: number }[] = [];
  unzipSync(bundle, { filter: ({ compression, size, originalSize }) => (entries.push({ compression, size, originalSize }), false) });
  assert.ok(entries.length > 0);
  for (const e of entries) assert.deepEqual(e, { compression: 0, size: e.originalSize, originalSize: e.originalSize });
  assert.deepEqual(assetBundle(ASSETS_DIR, listFiles(ASSETS_DIR), TARGET), bundle);
});

test("a connection whose user has no password is refused before anything is bundled", () => {
  assert.throws(() => assetBundle(ASSETS_DIR, listFiles(ASSETS_DIR), { ...TARGET, trinoPasswords: { other: "x" } }), /Trino user 'dashboard' has no password \(known: other\)/);
});

test("an export written by Python's zipfile, as Superset writes it, gives its YAML files by path under the root folder", () => {
  const root = "dashboard_export_20260102T030405";
  const zip = pythonZip({
    [`${root}/metadata.yaml`]: "version: 1.0.0\ntype: Dashboard\n",
    [`${root}/charts/Trips_per_day_12.yaml`]: "slice_name: Trips per day\n",
    [`${root}/databases/Lakehouse_Trino.yaml`]: "database_name: Lakehouse Trino\n",
    [`${root}/charts/.hidden.yaml`]: "skipped\n",
    [`${root}/README.txt`]: "skipped\n",
  });
  assert.deepEqual(
    [...exportedFiles(zip)],
    [
      ["charts/Trips_per_day_12.yaml", "slice_name: Trips per day\n"],
      ["databases/Lakehouse_Trino.yaml", "database_name: Lakehouse Trino\n"],
      ["metadata.yaml", "version: 1.0.0\ntype: Dashboard\n"],
    ],
  );
});

test("an export with an entry outside its folder, or with more than one root folder, is refused", () => {
  const yaml = new TextEncoder().encode("x: 1\n");
  for (const name of ["export/../../evil.yaml", "/etc/evil.yaml", "export\\..\\..\\evil.yaml"]) {
    assert.throws(() => exportedFiles(zipSync({ "export/metadata.yaml": yaml, [name]: yaml })), /outside its folder/, name);
  }
  assert.throws(() => exportedFiles(zipSync({ "a/metadata.yaml": yaml, "b/metadata.yaml": yaml })), /unexpected export layout: a, b/);
});
