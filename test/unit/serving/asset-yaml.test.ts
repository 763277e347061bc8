/** The asset YAML edits work on documents: comments, key order and quoting survive, wherever the key sits. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { asAssetsMetadata, assetUuid, databaseUri, injectPassword, stripPassword } from "../../../src/serving/asset-yaml";

const DB = [
  "# the read-only user",
  "database_name: Lakehouse Trino",
  "extra:",
  "  # why https",
  "  engine_params: {}",
  "  schemas:",
  "  - gold",
  "sqlalchemy_uri: 'trino://dashboard@127.0.0.1:8443/iceberg' # no password here",
  "uuid: 6f1e2b4c-3d6a-4b1e-9c2f-7a8d5e0b1c31",
  "",
].join("\n");

test("the URI is edited in place: quoting, its comment, other comments and key order stay", () => {
  const copy = injectPassword(DB, { host: "trino.test", port: 18443 }, "s3cret");
  assert.equal(copy, DB.replace("trino://dashboard@127.0.0.1:8443", "trino://dashboard:s3cret@trino.test:18443"));
  assert.equal(stripPassword(copy, DB), DB);
});

test("a password with URL-reserved characters is encoded into the URI and read back", () => {
  const copy = injectPassword(DB, { host: "h", port: 1 }, "p@ss/w:rd");
  assert.equal(decodeURIComponent(databaseUri(copy).password), "p@ss/w:rd");
});

test("a YAML without a top-level URI, or not YAML at all, is refused with the file's name", () => {
  assert.throws(() => databaseUri("extra:\n  sqlalchemy_uri: trino://x@h:1/c\n", "db.yaml"), /db\.yaml: no top-level 'sqlalchemy_uri:' string/);
  assert.throws(() => databaseUri("a: [\n", "db.yaml"), /db\.yaml: not valid YAML/);
});

test("an export's metadata becomes an asset bundle's; a dashboard's UUID is read from its document", () => {
  assert.equal(asAssetsMetadata("version: 1.0.0\ntype: Dashboard\ntimestamp: '2026-01-02T03:04:05+00:00'\n"), "version: 1.0.0\ntype: assets\ntimestamp: '2026-01-02T03:04:05+00:00'\n");
  assert.equal(assetUuid("dashboard_title: T\n# comment\nuuid: 'abc-1'\n"), "abc-1");
  assert.equal(assetUuid("dashboard_title: T\n"), undefined);
});
