/**
 * The local object store is provisioned as the cluster's is (components/s3Provision.ts): the
 * same buckets, versioning, lifecycle rules (bronze's 30-day expiry of old versions included)
 * and per identity its policy and user. Run against a stand-in `mc` that records its calls.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { lifecycleFile, provisionFiles, SCRIPT_KEY } from "../../../components/s3Provision";
import { BUCKETS } from "../../../src/lib/buckets";
import { silentLogger } from "../../../src/lib/log";
import { S3_IDENTITIES, s3UserName } from "../../../src/lib/s3Identities";
import { stackPaths } from "../../../src/local/paths";
import { generateSecrets } from "../../../src/local/secrets";
import { objectStore } from "../../../src/local/services/objectstore";
import { stackSettings } from "../../../src/local/settings";

/** Runs the object store's provisioning with a stand-in mc; returns each call (without mc's global flags) and the stdin it got. */
async function provisionWithStandIn(failLs = true): Promise<{ calls: string[]; stdin: Record<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-objectstore-"));
  try {
    const log = path.join(dir, "calls.log");
    const mc = path.join(dir, "mc");
    fs.writeFileSync(mc, [
      "#!/bin/sh",
      `printf '%s\\n' "$*" >> '${log}'`,
      `case "$*" in *"ilm rule import "*) cat > '${dir}/stdin-'"$(printf '%s' "$*" | tr ' /' '__')" ;; esac`,
      `case "$*" in *"ilm rule ls "*) exit ${failLs ? 1 : 0} ;; esac`,
      "exit 0",
    ].join("\n"), { mode: 0o755 });
    const ctx = {
      paths: stackPaths({ LAKEHOUSE_HOME: dir, LAKEHOUSE_CACHE: path.join(dir, "cache") }),
      settings: stackSettings({}),
      secrets: generateSecrets(),
      installed: { minio: "minio", mc, trinoHome: "", metastoreHome: "", metastoreClasspath: [], sparkJars: [], postgresBin: "", python: "" },
      log: silentLogger,
    };
    await objectStore(ctx).afterHealthy!();
    const calls = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.replace(/^--no-color --quiet /, ""));
    // Keyed by the call without mc's global flags, its spaces and slashes as underscores.
    const stdin = Object.fromEntries(fs.readdirSync(dir).filter((f) => f.startsWith("stdin-")).map((f) => [f.slice("stdin-".length).replace(/^--no-color_--quiet_/, ""), fs.readFileSync(path.join(dir, f), "utf8")]));
    return { calls, stdin };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the local store gets the cluster's buckets, versioning and lifecycle rules", async () => {
  const { calls, stdin } = await provisionWithStandIn();
  const files = provisionFiles();
  const script = files[SCRIPT_KEY];
  for (const bucket of BUCKETS) {
    assert.ok(calls.includes(`mb --ignore-existing lakehouse/${bucket}`), `bucket ${bucket}`);
    const versioned = script.includes(`mc version enable store/${bucket}\n`);
    assert.equal(calls.includes(`version enable lakehouse/${bucket}`), versioned, `versioning of ${bucket} as in the cluster`);
    const rules = files[lifecycleFile(bucket)];
    const key = `ilm_rule_import_lakehouse_${bucket}`;
    assert.equal(stdin[key], rules, `lifecycle of ${bucket}: the cluster's rules, byte for byte`);
    if (rules === undefined) assert.ok(calls.includes(`ilm rule ls lakehouse/${bucket}`), `${bucket}: rules looked for, to remove any`);
  }
  assert.match(stdin.ilm_rule_import_lakehouse_bronze, /"NoncurrentDays": 30/, "bronze: old versions expire after 30 days");
  assert.ok(!calls.some((c) => c.startsWith("ilm rule rm")), "no rules to remove on a bucket without any");
  for (const identity of S3_IDENTITIES) {
    const user = s3UserName(identity);
    assert.ok(calls.includes(`admin policy create lakehouse ${user} ${path.resolve(__dirname, "../../..", "policies", `${identity}.json`)}`), `policy of ${identity}`);
    assert.ok(calls.some((c) => c.startsWith(`admin user add lakehouse ${user} `)), `user of ${identity}`);
    assert.ok(calls.includes(`admin policy attach lakehouse ${user} --user ${user}`), `attachment of ${identity}`);
  }
});

test("rules left on a bucket that should have none are removed, as the cluster's Job does", async () => {
  const { calls } = await provisionWithStandIn(false);
  const withoutRules = BUCKETS.filter((b) => provisionFiles()[lifecycleFile(b)] === undefined);
  assert.ok(withoutRules.length > 0);
  for (const bucket of withoutRules) assert.ok(calls.includes(`ilm rule rm --all --force lakehouse/${bucket}`), bucket);
});
