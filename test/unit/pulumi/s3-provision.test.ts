/**
 * The object store's provisioning Job without a cluster: its ConfigMap against the repository's
 * policies, its digest, and its script run by a real /bin/sh with a fake `mc` on PATH that
 * records every call (as the Job's container would make them) and fails where a test says.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { BUCKETS, IDENTITIES, policyText } from "../../../components/policies";
import * as prov from "../../../components/s3Provision";
import { ROOT } from "./harness";

test("the ConfigMap holds the script, every policies/<identity>.json verbatim, and bronze's lifecycle rules", () => {
  const files = prov.provisionFiles();
  assert.deepEqual(Object.keys(files).sort(), ["lifecycle-bronze.json", ...IDENTITIES.map((i) => `policy-${i}.json`), "provision.sh"].sort());
  for (const i of IDENTITIES) assert.equal(files[`policy-${i}.json`], fs.readFileSync(path.join(ROOT, "policies", `${i}.json`), "utf8"));
  assert.ok(Object.keys(files).every((k) => /^[-._a-zA-Z0-9]+$/.test(k)), "valid ConfigMap keys");
  assert.equal(prov.lifecycleConfiguration([]), undefined);
  assert.deepEqual(JSON.parse(prov.lifecycleConfiguration([{ id: "x", expirationDays: 7, prefix: "tmp/" }])!), { Rules: [{ ID: "x", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 7 } }] });
});

test("the script's commands cover every bucket and identity", () => {
  const script = prov.provisionFiles()["provision.sh"];
  for (const b of BUCKETS) assert.ok(script.includes(`mc mb --ignore-existing --region "$S3_REGION" store/${b}\n`), b);
  for (const i of IDENTITIES) for (const cmd of [`mc admin policy create store lakehouse-${i} "$dir/policy-${i}.json"`, `mc admin user add store lakehouse-${i} "$S3_SECRET_KEY_${i.toUpperCase()}"`, `mc admin policy attach store lakehouse-${i} --user lakehouse-${i}`]) assert.ok(script.includes(`${cmd}\n`), cmd);
  assert.throws(() => prov.provisionScript({ buckets: ["bronze; rm -rf /"], versioned: [], withLifecycle: [], identities: [] }), /not a plain bucket or identity name/);
  assert.throws(() => prov.provisionScript({ buckets: ["bronze"], versioned: ["silver"], withLifecycle: [], identities: [] }), /silver is not one of the buckets bronze/);
});

test("the digest follows every input: a changed policy, endpoint or key changes it; equal inputs, equal digest", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-policies-"));
  fs.mkdirSync(path.join(root, "policies"));
  for (const i of IDENTITIES) fs.writeFileSync(path.join(root, "policies", `${i}.json`), policyText(i));
  const inputs = ["us-east-1", "http://minio.lakehouse.svc:9000", "lakehouse-root", "root-pw", ...IDENTITIES.map((i) => `key-${i}`)];
  const base = prov.provisionDigest(prov.provisionFiles(root), inputs);
  assert.equal(base, prov.provisionDigest(prov.provisionFiles(), inputs), "the same files, wherever they are read from");
  assert.match(base, /^[0-9a-f]{64}$/);
  const dbt = JSON.parse(policyText("dbt"));
  dbt.Statement[0].Sid = `${dbt.Statement[0].Sid ?? ""}Changed`;
  fs.writeFileSync(path.join(root, "policies", "dbt.json"), `${JSON.stringify(dbt, null, 2)}\n`);
  assert.notEqual(prov.provisionDigest(prov.provisionFiles(root), inputs), base, "a changed policy");
  assert.notEqual(prov.provisionDigest(prov.provisionFiles(), inputs.map((v) => (v === "key-spark" ? "rotated" : v))), base, "a rotated key");
  assert.notEqual(prov.provisionDigest(prov.provisionFiles(), ["us-east-1", "https://other", ...inputs.slice(2)]), base, "another endpoint");
  for (const v of inputs) assert.ok(!base.includes(v));
});

/** Lays the ConfigMap out as the kubelet mounts it and runs the script with a fake mc; `fake` is sh run for each call with "$@" = mc's args. */
function runScript(fake: string, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-provision-"));
  const mount = path.join(dir, "provision");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(mount);
  fs.mkdirSync(bin);
  for (const [k, v] of Object.entries(prov.provisionFiles())) fs.writeFileSync(path.join(mount, k), v);
  const log = path.join(dir, "calls.log");
  // Each call: its args on one line; what it read on stdin (ilm rule import) after "<<<".
  fs.writeFileSync(path.join(bin, "mc"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${log}"\ncase "$*" in *" import "*) printf '<<<%s\\n' "$(cat)" >> "${log}" ;; esac\n${fake}\nexit 0\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const keys = Object.fromEntries(IDENTITIES.map((i) => [prov.secretKeyVar(i), `key-of-${i}`]));
  const r = spawnSync("/bin/sh", [path.join(mount, prov.SCRIPT_KEY)], {
    env: { PATH: `${bin}:/usr/bin:/bin`, S3_ENDPOINT: "http://minio.lakehouse.svc:9000", S3_REGION: "us-east-1", S3_ADMIN_USER: "lakehouse-root", S3_ADMIN_PASSWORD: "root-pw", ...keys, ...env },
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [], mount };
}

test("in a real shell: one readable line per step, and the mc calls a store needs, in order", () => {
  // silver has a lifecycle configuration left over (ls succeeds); gold has none.
  const r = runScript('case "$*" in "ilm rule ls store/gold") exit 1 ;; esac');
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split("\n");
  assert.ok(out.every((l) => l.startsWith("provision: ")), r.stdout);
  assert.ok(!r.stdout.includes("root-pw") && !r.stdout.includes("key-of-"), "no secret in the log");
  assert.deepEqual(out, [
    "provision: store http://minio.lakehouse.svc:9000 (region us-east-1), admin user lakehouse-root",
    "provision: alias store: ok",
    "provision: S3 API reachable",
    "provision: bucket bronze: ok",
    "provision: versioning of bronze: enabled: ok",
    "provision: lifecycle of bronze: lifecycle-bronze.json: ok",
    "provision: bucket silver: ok",
    "provision: lifecycle of silver: removed: ok",
    "provision: bucket gold: ok",
    "provision: lifecycle of gold: none",
    ...IDENTITIES.flatMap((i) => [`provision: policy lakehouse-${i}: ok`, `provision: user lakehouse-${i}: ok`, `provision: policy lakehouse-${i} attached to user lakehouse-${i}: ok`]),
    `provision: done: 3 buckets, ${IDENTITIES.length} identities`,
  ]);
  const lifecycle = JSON.parse(prov.provisionFiles()["lifecycle-bronze.json"]);
  assert.deepEqual(r.calls, [
    "alias set store http://minio.lakehouse.svc:9000 lakehouse-root root-pw --api S3v4 --path on",
    "ls store",
    "mb --ignore-existing --region us-east-1 store/bronze",
    "version enable store/bronze",
    "ilm rule import store/bronze",
    `<<<${JSON.stringify(lifecycle, null, 2)}`.split("\n")[0],
    ...JSON.stringify(lifecycle, null, 2).split("\n").slice(1),
    "mb --ignore-existing --region us-east-1 store/silver",
    "ilm rule ls store/silver",
    "ilm rule rm --all --force store/silver",
    "mb --ignore-existing --region us-east-1 store/gold",
    "ilm rule ls store/gold",
    ...IDENTITIES.flatMap((i) => [
      `admin policy create store lakehouse-${i} ${r.mount}/policy-${i}.json`,
      `admin user add store lakehouse-${i} key-of-${i}`,
      `admin policy attach store lakehouse-${i} --user lakehouse-${i}`,
    ]),
  ]);
});

test("in a real shell: it waits for the S3 API, bounded; a failing step stops the script with mc's message and status", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-wait-"));
  const counter = path.join(dir, "n");
  const waits = runScript(`case "$*" in "ls store") n=$(cat "${counter}" 2>/dev/null || echo 0); echo $((n + 1)) > "${counter}"; [ "$n" -ge 2 ] || exit 1 ;; esac`);
  assert.equal(waits.status, 0, waits.stderr);
  assert.match(waits.stdout, /provision: waiting for the S3 API \(0s\)\nprovision: waiting for the S3 API \(5s\)\nprovision: S3 API reachable\n/);
  const never = runScript('case "$*" in "ls store") echo "mc: <ERROR> Unable to list folder. Connection refused." >&2; exit 1 ;; esac');
  assert.equal(never.status, 1);
  assert.match(never.stdout, new RegExp(`provision: S3 API reachable after ${prov.WAIT_SECONDS}s: FAILED \\(exit 1\\)\\n$`));
  assert.match(never.stderr, /Connection refused/);
  assert.ok(!never.calls.some((c) => c.startsWith("mb ")), "no step after the wait");
  const badLogin = runScript('case "$*" in "alias set"*) echo "mc: <ERROR> Invalid secret key `$6`." >&2; exit 1 ;; esac', { S3_ADMIN_PASSWORD: "short" });
  assert.equal(badLogin.status, 1);
  assert.match(badLogin.stdout, /provision: alias store: FAILED \(exit 1\): mc refused the endpoint or the admin login/);
  assert.ok(!`${badLogin.stdout}${badLogin.stderr}`.includes("short"), "mc's message, which quotes the password, is not shown");
  const denied = runScript('case "$*" in "admin user add store lakehouse-spark"*) echo "mc: <ERROR> Unable to add new user: Access Denied." >&2; exit 3 ;; esac');
  assert.equal(denied.status, 3);
  assert.match(denied.stdout, /provision: user lakehouse-spark: FAILED \(exit 3\)\n$/);
  assert.match(denied.stderr, /Access Denied/);
  assert.ok(!denied.calls.some((c) => c.includes("attach store lakehouse-spark")), "nothing after the failed step");
});

test("the Job: bounded, cleaned up, secrets by reference, read-only root with mc's config in an emptyDir", () => {
  const spec = prov.provisionJobSpec({
    image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", uid: 1000, configMapName: "minio-provision", endpoint: "http://minio.lakehouse.svc:9000", region: "us-east-1",
    adminSecretName: "minio-admin", identitySecretNames: Object.fromEntries(IDENTITIES.map((i) => [i, `minio-s3-${i}`])) as Record<(typeof IDENTITIES)[number], string>,
    digest: "d", size: { cpu: "100m", cpuLimit: "1", memory: "384Mi" }, labels: { a: "b" },
  }) as any;
  assert.ok(spec.backoffLimit > 0 && spec.backoffLimit <= 6);
  assert.ok(spec.activeDeadlineSeconds > prov.WAIT_SECONDS);
  assert.ok(spec.ttlSecondsAfterFinished > 0);
  const ctr = spec.template.spec.containers[0];
  assert.equal(spec.template.metadata.annotations[prov.DIGEST_ANNOTATION], "d");
  assert.equal(ctr.securityContext.readOnlyRootFilesystem, true);
  assert.equal(ctr.env.find((e: any) => e.name === "MC_CONFIG_DIR").value, prov.MC_CONFIG_DIR);
  assert.ok(prov.MC_CONFIG_DIR.startsWith("/tmp/"));
  assert.deepEqual(spec.template.spec.volumes.find((v: any) => v.name === "tmp"), { name: "tmp", emptyDir: {} });
  for (const e of ctr.env) if (/PASSWORD|SECRET/.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef && e.value === undefined, e.name);
});
