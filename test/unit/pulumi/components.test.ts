/** Pure helpers of the components: labels, Trino file rendering, job scripts, images, repo files. */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "node:test";
import { configMapData, readRepoFiles } from "../../../components/files";
import { checkDockerfiles, IMAGE_NAMES, IMAGE_SPECS, imageTag } from "../../../components/images";
import { markerKey, markerKeyFor, waitForMarkersScript, withLogicalDate } from "../../../components/jobs";
import { quantity } from "../../../components/k8s";
import { imageVersion, labels, selectorLabels } from "../../../components/labels";
import { initScript } from "../../../components/postgres";
import { sparkApplicationSpec } from "../../../components/sparkApp";
import { assetFiles, assetsDigest, assetsVolume, bundleTrinoUser } from "../../../components/supersetImport";
import { COORDINATOR_FILES, etcData, jvmConfig, parseProperties, passwordFile, workerConfig } from "../../../components/trinoConfig";
import { internalPolicySpec, schemasJobSpec, trinoEnv, trinoPodSpec } from "../../../components/trinoPods";
import { lifecycleRules, minioIngressSpec, minioStatefulSetSpec, s3SecretName } from "../../../components/minio";
import { checkObjectStoreArgs } from "../../../components/objectStore";
import { IDENTITIES, type Identity } from "../../../components/policies";
import { chartArgs, crdFiles, imageValues, operatorValues } from "../../../components/sparkOperator";
import { execFileSync, spawnSync } from "node:child_process";

test("labels carry the six app.kubernetes.io keys; selectors only name and instance", () => {
  const l = labels({ name: "trino", instance: "dev", component: "query-engine", version: "476" });
  assert.deepEqual(Object.keys(l).sort(), ["app.kubernetes.io/component", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by", "app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/version"]);
  assert.deepEqual(selectorLabels({ name: "trino", instance: "dev" }), { "app.kubernetes.io/name": "trino", "app.kubernetes.io/instance": "dev" });
  assert.equal(imageVersion("quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z"), "RELEASE.2025-09-07T16-13-09Z");
  assert.throws(() => labels({ name: "Bad Name", instance: "dev", component: "x" }), /not a valid label value/);
});

test("Trino workers: the coordinator's file with coordinator=false, no user-facing TLS or auth", () => {
  const base = fs.readFileSync(path.join(__dirname, "../../../trino/etc/config.properties"), "utf8");
  const worker = parseProperties(workerConfig(base));
  assert.equal(worker.get("coordinator"), "false");
  assert.equal(worker.has("http-server.https.enabled"), false);
  assert.equal(worker.has("http-server.authentication.type"), false);
  assert.equal(worker.get("internal-communication.shared-secret"), "${ENV:TRINO_INTERNAL_SHARED_SECRET}");
  assert.equal(worker.get("discovery.uri"), parseProperties(base).get("discovery.uri"));
});

test("jvm.config gets a heap of 70% of the container; refuses a committed -Xmx", () => {
  assert.match(jvmConfig("-server\n", "2Gi"), /-Xmx1433M\n$/);
  assert.throws(() => jvmConfig("-Xmx4G\n", "2Gi"), /must not set -Xmx/);
});

test("Trino's password file uses the $2y$ bcrypt prefix", () => {
  assert.equal(passwordFile({ admin: "$2a$10$abc", dashboard: "$2b$10$def" }), "admin:$2y$10$abc\ndashboard:$2y$10$def\n");
});

test("marker keys match the layout the jobs write (bronze manifest, silver marker)", () => {
  assert.equal(markerKeyFor("bronze", "trips", "2024-01-05"), "trips/year=2024/month=01/day=05/_manifest.json");
  assert.equal(markerKeyFor("silver", "trips", "2024-01-05"), "_markers/trips/date=2024-01-05.json");
  const py = fs.readFileSync(path.join(__dirname, "../../../spark/lakehouse/silver/layout.py"), "utf8");
  assert.match(py, /_markers\/\{dataset\}\/date=\{day\.isoformat\(\)\}\.json/, "silver marker path changed in layout.py");
  assert.throws(() => markerKey("bronze", "../etc"), /not a plain name/);
});

test("the wait script resolves the same keys in a real shell, for LOGICAL_DATE and for yesterday", () => {
  const script = waitForMarkersScript("bronze", ["trips"], 60).replace(/until found .*$/m, 'echo "KEY trips/year=${D%%-*}/month=$(echo "$D" | cut -d- -f2)/day=${D##*-}/_manifest.json"');
  const out = execFileSync("/bin/sh", ["-c", script], { env: { ...process.env, LOGICAL_DATE: "2024-03-09", LAKEHOUSE_S3_ACCESS_KEY: "a", LAKEHOUSE_S3_SECRET_KEY: "b" } }).toString();
  assert.match(out, /KEY trips\/year=2024\/month=03\/day=09\/_manifest.json/);
  const y = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
  const out2 = execFileSync("/bin/sh", ["-c", script], { env: { ...process.env, LOGICAL_DATE: "", LAKEHOUSE_S3_ACCESS_KEY: "a", LAKEHOUSE_S3_SECRET_KEY: "b" } }).toString();
  assert.match(out2, new RegExp(`KEY ${markerKeyFor("bronze", "trips", y)}`));
  assert.throws(() => execFileSync("/bin/sh", ["-c", script], { env: { ...process.env, LOGICAL_DATE: "yesterday" }, stdio: "pipe" }), /Command failed/);
  assert.throws(() => waitForMarkersScript("silver", [], 60), /no datasets/);
});

test("the wait script gives up after its deadline, or sooner with LAKEHOUSE_UPSTREAM_WAIT_SECONDS, naming the missing marker", () => {
  // A real shell and an `mc` that never finds the object: the script must exit 1, not wait on.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-mc-"));
  fs.writeFileSync(path.join(bin, "mc"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, LOGICAL_DATE: "2024-03-09", LAKEHOUSE_S3_ENDPOINT: "http://x", LAKEHOUSE_S3_ACCESS_KEY: "a", LAKEHOUSE_S3_SECRET_KEY: "b", HOME: bin };
  const waitFor = (deadline: number, extra: Record<string, string>) => {
    const started = Date.now();
    const r = spawnSync("/bin/sh", ["-c", waitForMarkersScript("bronze", ["trips"], deadline, 1)], { env: { ...env, ...extra }, encoding: "utf8", timeout: 30_000 });
    return { status: r.status, stderr: r.stderr, seconds: (Date.now() - started) / 1000 };
  };
  const short = waitFor(3600, { LAKEHOUSE_UPSTREAM_WAIT_SECONDS: "1" });
  assert.equal(short.status, 1);
  assert.match(short.stderr, /gave up: no s3:\/\/bronze\/trips\/year=2024\/month=03\/day=09\/_manifest\.json/);
  assert.ok(short.seconds < 20, "the override, not the 1-hour deadline, bounded the wait");
  assert.equal(waitFor(1, {}).status, 1);
});

test("withLogicalDate insists the command receives $D", () => {
  assert.match(withLogicalDate('job --date "$D"'), /exec job --date "\$D"$/);
  assert.throws(() => withLogicalDate("job"), /must pass \$D/);
});

test("sparkApplicationSpec validates date and JVM sizes", () => {
  const base = { image: "i", sparkVersion: "4.1.3", executors: 1, retryIntervalSeconds: 300, serviceAccount: "sa", labels: {}, env: [], sparkConf: {} };
  const size = { cpu: "1", cpuLimit: "1", memory: "768m" };
  assert.throws(() => sparkApplicationSpec({ ...base, driver: size, executor: size, date: "2024-13" }), /date must be/);
  assert.throws(() => sparkApplicationSpec({ ...base, driver: { ...size, memory: "1Gi" }, executor: size, date: "yesterday" }), /JVM size/);
  assert.deepEqual(sparkApplicationSpec({ ...base, driver: size, executor: size, date: "2024-01-02" }).arguments, ["--date", "2024-01-02", "--dataset", "all"]);
});

test("quantities: Kubernetes and JVM units", () => {
  assert.equal(quantity("512Mi"), 512 * 1024 ** 2);
  assert.equal(quantity("250m"), 0.25);
  assert.equal(quantity("4g", true), 4 * 1024 ** 3);
  assert.throws(() => quantity("lots"), /not a quantity/);
});

test("postgres init script creates one role and database per client, passwords from the env", () => {
  const s = initScript(["metastore", "superset"]);
  assert.match(s, /-v metastore_pw="\$METASTORE_PASSWORD"/);
  assert.match(s, /CREATE DATABASE superset OWNER superset;/);
  assert.doesNotMatch(s, /PASSWORD '[^:]/);
});

test("repository files: a missing file is named; ConfigMap keys are basenames", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-files-"));
  fs.mkdirSync(path.join(dir, "a"));
  fs.writeFileSync(path.join(dir, "a", "x.properties"), "k=v\n");
  assert.deepEqual(configMapData(readRepoFiles(["a/x.properties"], dir)), { "x.properties": "k=v\n" });
  assert.throws(() => readRepoFiles(["a/x.properties", "trino/catalog/missing.properties", "dbt/profiles.yml"], dir), /missing: trino\/catalog\/missing.properties, dbt\/profiles.yml/);
  assert.throws(() => configMapData({ "a/x": "1", "b/x": "2" }), /two files map to the ConfigMap key "x"/);
});

test("images: tags never latest; every missing Dockerfile named at once", () => {
  assert.equal(imageTag("localhost:5001", "spark", "dev"), "localhost:5001/lakehouse-spark:dev");
  assert.throws(() => imageTag("r", "spark", "latest"), /not "latest"/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-images-"));
  assert.throws(() => checkDockerfiles(dir), new RegExp(IMAGE_NAMES.map((n) => IMAGE_SPECS[n].dockerfile).join(", ")));
  for (const n of IMAGE_NAMES) { fs.mkdirSync(path.dirname(path.join(dir, IMAGE_SPECS[n].dockerfile)), { recursive: true }); fs.writeFileSync(path.join(dir, IMAGE_SPECS[n].dockerfile), "FROM scratch\n"); }
  assert.doesNotThrow(() => checkDockerfiles(dir));
});

test("Superset assets: ConfigMap keys put each file back at its path; the digest follows the content; one Trino user", () => {
  const files = { "metadata.yaml": "version: 1.0.0\n", "charts/A.yaml": "a", "datasets/Lakehouse_Trino/t.yaml": "t", "databases/T.yaml": "sqlalchemy_uri: trino://dashboard@127.0.0.1:8443/iceberg\n" };
  const { data, items } = assetsVolume(files);
  assert.deepEqual(Object.fromEntries(items.map((i) => [i.path, data[i.key]])), files);
  assert.ok(Object.keys(data).every((k) => /^[-._a-zA-Z0-9]+$/.test(k)));
  assert.throws(() => assetsVolume({ "charts/a__b.yaml": "1", "charts__a/b.yaml": "2" }), /two files map to the ConfigMap key "charts__a__b.yaml"/);
  assert.throws(() => assetsVolume({ "charts/Revenue (EUR).yaml": "x" }), /superset\/assets\/charts\/Revenue \(EUR\).yaml: the name cannot be a ConfigMap key/);
  assert.equal(assetsDigest(files), assetsDigest({ ...files }));
  assert.notEqual(assetsDigest(files), assetsDigest({ ...files, "charts/A.yaml": "b" }));
  assert.equal(bundleTrinoUser(files), "dashboard");
  assert.throws(() => bundleTrinoUser({ "databases/T.yaml": "sqlalchemy_uri: trino://127.0.0.1:8443/iceberg\n" }), /expected sqlalchemy_uri: trino:\/\/<user>@/);
  assert.throws(() => bundleTrinoUser({ ...files, "databases/U.yaml": "sqlalchemy_uri: trino://admin@h:1/iceberg\n" }), /exactly one Trino user \(found dashboard, admin\)/);
  assert.throws(() => bundleTrinoUser({ "databases/T.yaml": "sqlalchemy_uri: trino://someone@h:1/iceberg\n" }), /'someone' is not one of admin, pipeline, dashboard/);
  const repo = assetFiles();
  assert.ok("metadata.yaml" in repo && Object.keys(repo).some((f) => f.startsWith("dashboards/")));
  assert.throws(() => assetFiles(fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-assets-"))), /imports superset\/assets, which is missing/);
});

test("Trino etc per role: the repository's files, the heap and node.properties; workers without user-facing files", () => {
  const files = readRepoFiles(Object.values(COORDINATOR_FILES), path.join(__dirname, "../../.."));
  const coord = etcData("coordinator", files, "2Gi", "dev");
  assert.equal(coord["config.properties"], files["trino/etc/config.properties"]);
  assert.equal(coord["rules.json"], files["trino/rules.json"]);
  assert.match(coord["jvm.config"], /-Xmx1433M\n$/);
  assert.equal(coord["node.properties"], "node.environment=dev\nnode.data-dir=/data/trino\n");
  const worker = etcData("worker", files, "2Gi", "dev");
  assert.deepEqual(Object.keys(worker).sort(), ["config.properties", "jvm.config", "log.properties", "node.properties"]);
  assert.equal(parseProperties(worker["config.properties"]).get("coordinator"), "false");
  assert.throws(() => etcData("coordinator", {}, "2Gi", "dev"), /no text for trino\/etc\/config.properties/);
});

test("Trino pods: discovery over the internal Service, secrets projected under /etc/trino, HTTPS only on the coordinator", () => {
  const env = trinoEnv({ name: "trino", namespace: "lh", role: "worker", workers: 2, memoryLimit: "2Gi", s3: { endpoint: "http://s3", region: "r" }, metastoreUri: "thrift://hms:9083" });
  const byName = Object.fromEntries(env.map((e: any) => [e.name, e]));
  assert.equal(byName.TRINO_DISCOVERY_URI.value, "http://trino-internal.lh.svc:8080");
  assert.equal(byName.TRINO_QUERY_MAX_MEMORY.value, "1GB");
  assert.deepEqual(byName.TRINO_INTERNAL_SHARED_SECRET.valueFrom, { secretKeyRef: { name: "trino-server", key: "internal-shared-secret" } });
  const pod = (role: "coordinator" | "worker") => trinoPodSpec({ name: "trino", role, image: "trinodb/trino:476", env, s3SecretName: "s3", size: { cpu: "1", cpuLimit: "1", memory: "2Gi" }, etcConfigMap: `trino-${role}-etc` }) as any;
  assert.deepEqual(pod("coordinator").containers[0].ports.map((p: any) => p.name), ["http", "https"]);
  assert.deepEqual(pod("worker").containers[0].ports.map((p: any) => p.name), ["http"]);
  const sources = pod("worker").volumes[0].projected.sources;
  assert.deepEqual(sources[2].secret.items.map((i: any) => i.path), ["secrets/password.db", "secrets/keystore.pem"]);
  assert.deepEqual((internalPolicySpec() as any).ingress[0].ports, [{ port: 8080, protocol: "TCP" }]);
  const job = schemasJobSpec({ image: "i", host: "trino.lh.svc", usersSecretName: "trino-users", caConfigMapName: "trino-ca", sqlConfigMapName: "trino-schemas", size: { cpu: "1", cpuLimit: "1", memory: "1Gi" }, labels: {} }) as any;
  assert.ok(job.template.spec.containers[0].command.includes("--server=https://trino.lh.svc:8443"));
  assert.equal(job.template.spec.restartPolicy, "OnFailure");
});

test("MinIO: read-only root, PVC of the class asked for, root login from the admin Secret; only S3 clients reach port 9000; identity Secret names", () => {
  const sts = minioStatefulSetSpec({ name: "minio", instance: "dev", image: "m:1", adminSecretName: "minio-admin", size: { cpu: "1", cpuLimit: "1", memory: "1Gi" }, storageClass: "fast", storageSize: "5Gi", labels: {} }) as any;
  assert.equal(sts.template.spec.containers[0].securityContext.readOnlyRootFilesystem, true);
  assert.equal(sts.volumeClaimTemplates[0].spec.storageClassName, "fast");
  assert.deepEqual(sts.template.spec.containers[0].env.slice(0, 2), [
    { name: "MINIO_ROOT_USER", valueFrom: { secretKeyRef: { name: "minio-admin", key: "S3_ADMIN_USER" } } },
    { name: "MINIO_ROOT_PASSWORD", valueFrom: { secretKeyRef: { name: "minio-admin", key: "S3_ADMIN_PASSWORD" } } },
  ]);
  const np = minioIngressSpec("dev") as any;
  assert.deepEqual(np.ingress, [{ from: [{ podSelector: { matchLabels: { "lakehouse.io/s3-client": "true" } } }], ports: [{ port: 9000, protocol: "TCP" }] }]);
  assert.ok(!JSON.stringify(np).includes("ipBlock"), "nothing outside the cluster: Pulumi no longer talks to MinIO");
  assert.equal(s3SecretName("minio", "spark"), "minio-s3-spark");
  assert.deepEqual(lifecycleRules("silver"), []);
  assert.deepEqual(lifecycleRules("bronze"), [{ id: "expire-noncurrent-versions", noncurrentVersionExpirationDays: 30 }]);
});

test("ObjectStore args: an external store needs its endpoint, MinIO has its own; every identity needs a key", () => {
  const keys = Object.fromEntries(IDENTITIES.map((i) => [i, "k"])) as Record<Identity, string>;
  assert.throws(() => checkObjectStoreArgs({ mode: "external", identityKeys: keys }), /mode external needs endpoint/);
  assert.throws(() => checkObjectStoreArgs({ mode: "minio", endpoint: "http://s3:9000", identityKeys: keys }), /endpoint is for mode external only/);
  const { spark: _, ...lacking } = keys;
  assert.throws(() => checkObjectStoreArgs({ mode: "minio", identityKeys: lacking as Record<Identity, string> }), /identityKeys lacks spark/);
  assert.doesNotThrow(() => checkObjectStoreArgs({ mode: "external", endpoint: "https://s3.example", identityKeys: keys }));
});

test("spark-operator chart: a repository's chart by name, or a directory with no repository; the same version either way", () => {
  assert.deepEqual(chartArgs({ repo: "https://kubeflow.github.io/spark-operator", chart: "spark-operator" }, "2.5.2"), { chart: "spark-operator", version: "2.5.2", repositoryOpts: { repo: "https://kubeflow.github.io/spark-operator" } });
  assert.deepEqual(chartArgs({ path: "/go/pkg/mod/github.com/kubeflow/spark-operator/v2@v2.5.2/charts/spark-operator-chart" }, "2.5.2"), { chart: "/go/pkg/mod/github.com/kubeflow/spark-operator/v2@v2.5.2/charts/spark-operator-chart", version: "2.5.2" });
});

test("spark-operator image: a reference split into the chart's registry/repository/tag, which the chart joins back", () => {
  const join = (v: { registry: string; repository: string; tag: string }) => `${v.registry}/${v.repository}:${v.tag}`;
  for (const ref of ["localhost/lakehouse/spark-operator:dev", "localhost:5001/lakehouse-spark-operator:dev", `registry.example.internal:443/team/lakehouse-spark-operator:2.5.2@sha256:${"a".repeat(64)}`]) {
    assert.equal(join(imageValues(ref)), ref);
  }
  assert.deepEqual(imageValues("localhost:5001/lakehouse-spark-operator:dev"), { registry: "localhost:5001", repository: "lakehouse-spark-operator", tag: "dev" });
  assert.throws(() => imageValues("spark-operator:dev"), /image must be registry\/repository:tag/, "no registry part: the chart would render /spark-operator:dev");
  assert.throws(() => imageValues("localhost/lakehouse/spark-operator"), /image must be/, "no tag: the chart would use its appVersion");
  assert.throws(() => imageValues(`localhost/lakehouse/spark-operator@sha256:${"a".repeat(64)}`), /image must be/);
  const values = operatorValues("lakehouse") as { image: unknown; hook: unknown };
  assert.deepEqual(values.image, { pullPolicy: "IfNotPresent" }, "no image: the chart's own, never pulled when present");
  assert.deepEqual(values.hook, { upgradeCrd: false }, "the CRD hook's kubectl image is ghcr.io's");
});

test("spark-operator CRDs: a chart directory's crds/*.yaml, sorted; none is an error", () => {
  const chart = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
  assert.throws(() => crdFiles(chart), /has no CRDs in crds\//);
  fs.mkdirSync(path.join(chart, "crds"));
  for (const f of ["b_sparkapplications.yaml", "a_scheduledsparkapplications.yaml", "README.md"]) fs.writeFileSync(path.join(chart, "crds", f), "");
  assert.deepEqual(crdFiles(chart), ["a_scheduledsparkapplications.yaml", "b_sparkapplications.yaml"].map((f) => path.join(chart, "crds", f)));
});
