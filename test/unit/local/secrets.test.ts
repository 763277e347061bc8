import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadOrCreateSecrets, randomToken, S3_IDENTITIES } from "../../../src/local/secrets";

test("tokens are alphanumeric, of the asked length and not repeated", () => {
  const tokens = new Set(Array.from({ length: 200 }, () => randomToken(32)));
  assert.equal(tokens.size, 200);
  for (const t of tokens) assert.match(t, /^[A-Za-z0-9]{32}$/);
});

test("secrets are generated once, saved 0600 and read back unchanged", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-secrets-"));
  const file = path.join(dir, "nested", "secrets.json");
  const first = loadOrCreateSecrets(file);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(loadOrCreateSecrets(file), first);
  assert.deepEqual(Object.keys(first.s3).sort(), [...S3_IDENTITIES].sort());
  const secretKeys = S3_IDENTITIES.map((id) => first.s3[id].secretKey);
  assert.equal(new Set(secretKeys).size, secretKeys.length, "each job has its own secret");
  fs.rmSync(dir, { recursive: true });
});

test("a secrets file left readable by others is tightened to 0600", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-secrets-"));
  const file = path.join(dir, "secrets.json");
  loadOrCreateSecrets(file);
  fs.chmodSync(file, 0o644);
  loadOrCreateSecrets(file);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  fs.rmSync(dir, { recursive: true });
});

test("secrets saved by an older version keep their values and gain the new ones", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-secrets-"));
  const file = path.join(dir, "secrets.json");
  const old = loadOrCreateSecrets(file) as unknown as Record<string, unknown>;
  delete old.trino;
  fs.writeFileSync(file, JSON.stringify(old));
  const upgraded = loadOrCreateSecrets(file);
  assert.deepEqual(upgraded.s3, old.s3);
  assert.match(upgraded.trino.users.dashboard, /^[A-Za-z0-9]{24}$/);
  assert.deepEqual(loadOrCreateSecrets(file), upgraded, "the added values are saved, not regenerated each time");
  fs.rmSync(dir, { recursive: true });
});
