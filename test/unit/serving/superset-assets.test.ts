import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ASSETS_DIR } from "../../../src/serving/asset-bundle";
import { normaliseExportName } from "../../../src/serving/asset-export";
import { databaseUri, injectPassword, stripPassword } from "../../../src/serving/asset-yaml";

const committed = fs.readFileSync(path.join(ASSETS_DIR, "databases", fs.readdirSync(path.join(ASSETS_DIR, "databases"))[0]), "utf8");

test("the committed connection is the read-only dashboard user, with no password", () => {
  const uri = databaseUri(committed);
  assert.equal(uri.protocol, "trino:");
  assert.equal(uri.username, "dashboard");
  assert.equal(uri.password, "");
});

test("the import copy gets the password and the stack's endpoint; the rest of the file is untouched", () => {
  const copy = injectPassword(committed, { host: "127.0.0.1", port: 18443 }, "s3cret");
  const uri = databaseUri(copy);
  assert.equal(uri.password, "s3cret");
  assert.equal(uri.port, "18443");
  assert.equal(copy.replace(/^sqlalchemy_uri:.*$/m, ""), committed.replace(/^sqlalchemy_uri:.*$/m, ""));
});

test("a committed file that carries a password is refused", () => {
  const leaked = committed.replace(/^sqlalchemy_uri: trino:\/\/dashboard@/m, "sqlalchemy_uri: trino://dashboard:oops@");
  assert.throws(() => injectPassword(leaked, { host: "h", port: 1 }, "x"), /must not contain a password/);
});

test("an export is stripped of its (masked) password and keeps the committed host and port", () => {
  const exported = committed.replace(/^sqlalchemy_uri: .*$/m, "sqlalchemy_uri: trino://dashboard:XXXXXXXXXX@127.0.0.1:18443/iceberg");
  const back = stripPassword(exported, committed);
  assert.equal(databaseUri(back).toString(), databaseUri(committed).toString());
});

test("export file names lose Superset's per-instance id suffix", () => {
  assert.equal(normaliseExportName("charts/Top_drivers_by_revenue_12.yaml"), "charts/Top_drivers_by_revenue.yaml");
  assert.equal(normaliseExportName("databases/Lakehouse_Trino.yaml"), "databases/Lakehouse_Trino.yaml");
  assert.equal(normaliseExportName("metadata.yaml"), "metadata.yaml");
});
