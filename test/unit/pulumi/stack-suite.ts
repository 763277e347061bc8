/** The tests run for each stack (one stack per test file, so each runs the program afresh). */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, test } from "node:test";
import bcrypt from "bcryptjs";
import { byType, type Captured, ROOT, runStack, stackConfig, stackSecretValues, urnEndsWith } from "./harness";
import { DEFAULTS } from "../../../components/config";
import { quantity } from "../../../components/k8s";
import { BUCKETS, IDENTITIES } from "../../../components/policies";
import * as prov from "../../../components/s3Provision";
import { STACK_SECRETS } from "../../../components/stackSecrets";
import * as imp from "../../../components/supersetImport";
import { passwordFile, TRINO_USERS } from "../../../components/trinoConfig";
import * as c from "./stack-checks";

const GiB = 1024 ** 3;

export function stackSuite(stack: "dev" | "prod", overrides: Record<string, string>, secrets: Record<string, string>): void {
  let rs: Captured[] = [];
  let outputs: Record<string, { value: any; secret: boolean }> = {};
  const one = (type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.name === name);
    assert.ok(r, `no ${type} named ${name}`);
    return { ...r, inputs: c.unwrap(r.inputs) };
  };
  before(async () => ({ resources: rs, outputs } = await runStack(stack, overrides, secrets)));

  test("every Kubernetes object validates against the Kubernetes OpenAPI schema (kubernetes-models)", async () => {
    const objs = c.k8sObjects(rs).filter((r) => !r.type.includes("sparkoperator.k8s.io"));
    assert.ok(objs.length > 20);
    for (const r of objs) await c.validateWithKubernetesModels(r).catch((e) => assert.fail(`${r.type} ${r.name}: ${e.message}`));
  });

  test("the ScheduledSparkApplication validates against the spark-operator v1beta2 CRD schema", async () => {
    const apps = byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication");
    assert.equal(apps.length, 1);
    await c.validateScheduledSparkApplication(apps[0]);
    const spec = c.unwrap(apps[0].inputs).spec;
    assert.equal(spec.concurrencyPolicy, "Forbid");
    assert.deepEqual(spec.template.arguments, ["--date", "yesterday", "--dataset", "all"]);
    assert.match(spec.template.driver.initContainers[0].command[2], /until found "bronze\/trips\/year=/);
    // The local jobs' spark/conf/spark-defaults.conf, property for property.
    assert.equal(spec.template.sparkConf["spark.driver.defaultJavaOptions"], "-XX:-DontCompileHugeMethods");
    assert.equal(spec.template.sparkConf["spark.executor.defaultJavaOptions"], "-XX:-DontCompileHugeMethods");
  });

  test("the CRD schema rejects a misspelt field, in the driver and deep in its init container (it is not a no-op)", async () => {
    const original = c.unwrap(byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication")[0].inputs);
    const misspelt = (edit: (app: any) => void) => {
      const app = structuredClone(original);
      edit(app);
      return c.validateScheduledSparkApplication({ type: "", name: "typo", inputs: app, secretPaths: [], dependencies: [] });
    };
    await assert.rejects(misspelt((app) => (app.spec.template.driver.memroy = "1g")), /driver must NOT have additional properties/);
    await assert.rejects(misspelt((app) => (app.spec.template.driver.initContainers[0].securityContext.runAsNonRot = true)), /initContainers\/0\/securityContext must NOT have additional properties/);
  });

  test("every object has the app.kubernetes.io labels; selectors use only name and instance", () => {
    for (const r of c.k8sObjects(rs).map((x) => c.unwrap(x.inputs))) {
      const l = r.metadata.labels ?? {};
      for (const k of ["name", "instance", "component", "part-of", "managed-by"]) assert.ok(l[`app.kubernetes.io/${k}`], `${r.metadata.name} lacks app.kubernetes.io/${k}`);
      assert.equal(l["app.kubernetes.io/instance"], stack);
      const sel = r.spec?.selector?.matchLabels ?? (r.kind === "Service" ? r.spec.selector : undefined);
      if (sel) assert.deepEqual(Object.keys(sel).sort(), ["app.kubernetes.io/instance", "app.kubernetes.io/name"], `${r.metadata.name} selector`);
    }
  });

  test("Secrets: every value is a Pulumi secret; passwords are the stack's generated secrets, never literal", () => {
    const secretObjs = byType(rs, "kubernetes:core/v1:Secret");
    assert.ok(secretObjs.length >= 9);
    for (const s of secretObjs) assert.ok(c.isSecretValue(s.inputs.stringData), `${s.name}.stringData is not secret`);
    for (const k of ["supersetAdminPassword", "trinoAdminPassword"]) assert.equal(outputs[k].secret, true, `${k} output`);
    for (const s of STACK_SECRETS) if (s.how.kind === "password") assert.ok(s.how.length >= 20, `${s.key} length ${s.how.length}`);
    // No stack secret stands in plain text in any input (the certificate is public: trino-ca holds it for clients).
    const values = Object.entries(stackSecretValues()).filter(([k]) => k !== "lakehouse:trinoTlsCert");
    for (const r of rs) {
      const plain = JSON.stringify(c.withoutSecrets(r.inputs));
      for (const [k, v] of values) assert.ok(!plain.includes(v), `${r.type} ${r.name} holds ${k} outside a secret`);
    }
    // Each value arrives where it is read.
    const sv = stackSecretValues();
    const data = (name: string) => c.unwrap(one("kubernetes:core/v1:Secret", name).inputs.stringData);
    for (const i of IDENTITIES) assert.deepEqual(data(`minio-s3-${i}`), { LAKEHOUSE_S3_ACCESS_KEY: `lakehouse-${i}`, LAKEHOUSE_S3_SECRET_KEY: sv[`lakehouse:s3SecretKey_${i}`] });
    assert.deepEqual(data("hive-metastore-postgres"), Object.fromEntries(["superuser", "metastore", "superset"].map((r) => [`${r}-password`, sv[`lakehouse:postgresPassword_${r}`]])));
    assert.deepEqual(data("trino-users"), Object.fromEntries(TRINO_USERS.map((u) => [`${u}-password`, sv[`lakehouse:trinoPassword_${u}`]])));
    const server = data("trino-server");
    assert.equal(server["keystore.pem"], `${sv["lakehouse:trinoTlsKey"]}${sv["lakehouse:trinoTlsCert"]}`);
    assert.equal(server["internal-shared-secret"], sv["lakehouse:trinoInternalSecret"]);
    assert.equal(server["password.db"], passwordFile(Object.fromEntries(TRINO_USERS.map((u) => [u, sv[`lakehouse:trinoPasswordHash_${u}`]]))));
    for (const line of server["password.db"].trim().split("\n")) {
      const [user, hash] = line.split(":");
      assert.match(hash, /^\$2y\$10\$/, "Trino wants $2y$");
      assert.ok(bcrypt.compareSync(sv[`lakehouse:trinoPassword_${user}`], hash.replace(/^\$2y\$/, "$2b$")), `${user}'s hash verifies its password`);
    }
    assert.equal(one("kubernetes:core/v1:ConfigMap", "trino-ca").inputs.data["cert.pem"], sv["lakehouse:trinoTlsCert"]);
    const superset = data("superset");
    assert.equal(superset.SUPERSET_SECRET_KEY, sv["lakehouse:supersetSecretKey"]);
    assert.equal(superset.ADMIN_PASSWORD, sv["lakehouse:supersetAdminPassword"]);
    assert.ok(superset.SUPERSET_DATABASE_URI.includes(sv["lakehouse:postgresPassword_superset"]));
    assert.equal(outputs.supersetAdminPassword.value, sv["lakehouse:supersetAdminPassword"]);
    assert.equal(outputs.trinoAdminPassword.value, sv["lakehouse:trinoPassword_admin"]);
  });

  test("only the kubernetes provider: every resource is a Kubernetes object or one of the program's components", () => {
    const others = rs.map((r) => r.type).filter((t) => !t.startsWith("kubernetes:") && !t.startsWith("lakehouse:") && t !== "pulumi:providers:kubernetes");
    assert.deepEqual([...new Set(others)], [], "images are not built in these stacks (buildImages=false), so not even docker-build");
  });

  test("containers: requests and limits, non-root restricted securityContext, probes on services", () => {
    for (const p of c.podTemplates(rs)) {
      assert.equal(p.spec.securityContext.runAsNonRoot, true, `${p.owner.name} pod runAsNonRoot`);
      for (const ctr of [...p.spec.containers, ...(p.spec.initContainers ?? [])]) {
        assert.ok(ctr.resources?.requests?.memory && ctr.resources?.limits?.memory && ctr.resources?.requests?.cpu && ctr.resources?.limits?.cpu, `${p.owner.name}/${ctr.name} resources`);
        assert.equal(ctr.securityContext.allowPrivilegeEscalation, false, `${p.owner.name}/${ctr.name}`);
        assert.deepEqual(ctr.securityContext.capabilities.drop, ["ALL"]);
        assert.ok(ctr.image && !/:latest$/.test(ctr.image) && /[:@]/.test(ctr.image), `${p.owner.name}/${ctr.name} image pinned: ${ctr.image}`);
      }
      if (/Deployment|StatefulSet/.test(p.owner.type)) for (const ctr of p.spec.containers) assert.ok(ctr.readinessProbe && ctr.livenessProbe, `${p.owner.name} probes`);
    }
  });

  test("resource sum: dev, everything at once, leaves 4 GiB of a 16 GB laptop to the OS and kind; prod pods fit a 32 GiB node", () => {
    const { total, rows } = c.memoryLimitSum(rs);
    const table = rows.map(([n, m]) => `${n}: ${(m / GiB).toFixed(2)}`).join("\n");
    if (stack === "dev") assert.ok(total <= 12 * GiB, `memory limits sum to ${(total / GiB).toFixed(1)} GiB > 12 GiB:\n${table}`);
    else for (const p of c.podTemplates(rs)) assert.ok(p.spec.containers.reduce((s: number, x: any) => s + quantity(x.resources.limits.memory), 0) <= 32 * GiB, p.owner.name);
    if (process.env.LAKEHOUSE_PRINT_SIZES) console.log(stack, (total / GiB).toFixed(2), rows);
  });

  if (stack === "dev") {
    test("CPU requests while silver runs fit a 2-core node, with a quarter core left to the cluster's own pods", () => {
      // Measured on the one-node cluster (2 cores): with the Spark pods requesting a whole core
      // each, the executor stayed Pending, "Insufficient cpu", and silver never ran.
      const { total, rows } = c.cpuRequestSum(rs);
      assert.ok(total <= 1.75, `CPU requests sum to ${total} cores > 1.75:\n${rows.map(([n, m]) => `${n}: ${m}`).join("\n")}`);
    });
  }

  test("CronJobs: Forbid, history limits, backoff, deadlines, a logical date, labels for kubectl -l", () => {
    const crons = byType(rs, "kubernetes:batch/v1:CronJob").map((r) => c.unwrap(r.inputs));
    assert.deepEqual(crons.map((x) => x.metadata.name).sort(), ["lakehouse-gold", "lakehouse-ingest", "lakehouse-maintenance"]);
    for (const cj of crons) {
      const s = cj.spec;
      assert.equal(s.concurrencyPolicy, "Forbid");
      assert.ok(s.successfulJobsHistoryLimit <= 3 && s.failedJobsHistoryLimit <= 3 && s.startingDeadlineSeconds > 0);
      assert.ok(s.jobTemplate.spec.backoffLimit <= 3 && s.jobTemplate.spec.activeDeadlineSeconds > 0);
      const main = c.ownContainer(s.jobTemplate.spec.template);
      assert.ok(main.env.some((e: any) => e.name === "LOGICAL_DATE"), `${cj.metadata.name} LOGICAL_DATE`);
      assert.match(main.command[2], /\$D/);
      assert.equal(cj.metadata.labels["app.kubernetes.io/component"], "pipeline");
    }
    const goldTemplate = crons.find((x) => x.metadata.name === "lakehouse-gold")!.spec.jobTemplate.spec.template;
    const gold = goldTemplate.spec;
    const dbt = c.ownContainer(goldTemplate);
    assert.match(gold.initContainers[0].command[2], /until found "silver\/_markers\/trips\/date=\$\{D\}.json"/);
    assert.match(gold.initContainers[0].image, /\/lakehouse-minio:/, "the waits run mc from the project's MinIO image");
    assert.match(gold.initContainers[0].command[2], /_markers\/weather\//);
    // The driver marts only: a stack of the default sources has no NYC silver tables (nyc-stack.test.ts: the reverse).
    assert.match(dbt.command.join(" "), /--vars "\{start_date: '\$D', end_date: '\$D', chicago: true, nyc_tlc: false\}"/);
    // dbt's unit tests run in CI, not in every scheduled build (as the local run: src/lib/gold-vars.ts).
    assert.match(dbt.command.join(" "), / --exclude-resource-type unit_test/);
    // After the wait and dbt, the dashboards' cache refresh (src/serving/dashboard-cache.ts), in the CLI's image.
    assert.deepEqual(gold.initContainers.map((x: any) => x.name), ["wait-for-silver", "gold"]);
    assert.deepEqual(gold.containers.map((x: any) => x.command), [imp.refreshCommand()]);
    assert.equal(gold.containers[0].image, crons.find((x) => x.metadata.name === "lakehouse-ingest")!.spec.jobTemplate.spec.template.spec.containers[0].image);
    assert.deepEqual(gold.containers[0].env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef]), [["LAKEHOUSE_SUPERSET_ADMIN_PASSWORD", { name: "superset", key: "ADMIN_PASSWORD" }]], "the refresh gets Superset's admin and no S3 or Trino secret");
    const requests = one("kubernetes:core/v1:ConfigMap", "superset-dashboard-requests").inputs.data[imp.REQUESTS_KEY];
    assert.equal(requests, fs.readFileSync(path.join(ROOT, imp.REQUESTS_FILE), "utf8"), "the captured requests, byte for byte");
  });

  test("NetworkPolicies: only engines reach the object store; only Trino and Spark reach the metastore", () => {
    const pods = c.podTemplates(rs);
    // Trino's workers read the object store and the metastore as the coordinator does. Each stack
    // runs them (dev 1, prod 4: its Pulumi.<stack>.yaml), so each stack's policies must let them in.
    const workers = Number(overrides.trinoWorkers ?? stackConfig(stack)["lakehouse:trinoWorkers"] ?? DEFAULTS.trinoWorkers);
    assert.ok(workers > 0, `stack ${stack} runs Trino workers`);
    assert.deepEqual(pods.filter((p) => p.owner.name === "trino-worker").map((p) => p.replicas), [workers]);
    const s3 = pods.filter((p) => p.labels["lakehouse.io/s3-client"] === "true").map((p) => p.owner.name).sort();
    assert.deepEqual(s3, ["hive-metastore", "lakehouse-gold", "lakehouse-ingest", "lakehouse-maintenance", "minio-provision", "trino-coordinator", "trino-worker"]);
    const hms = pods.filter((p) => p.labels["lakehouse.io/metastore-client"] === "true").map((p) => p.owner.name).sort();
    assert.deepEqual(hms, ["lakehouse-maintenance", "trino-coordinator", "trino-worker"]);
    const silverLabels = c.unwrap(byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication")[0].inputs).spec.template.driver.labels;
    assert.equal(silverLabels["lakehouse.io/metastore-client"], "true");
    for (const p of pods.filter((x) => x.owner.name.startsWith("superset"))) assert.equal(p.labels["lakehouse.io/s3-client"], undefined, "Superset gets no S3 access");
    const policies = byType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => c.unwrap(r.inputs));
    const hmsPolicy = policies.find((x) => x.metadata.name === "hive-metastore-ingress")!;
    assert.deepEqual(hmsPolicy.spec.ingress[0].from, [{ podSelector: { matchLabels: { "lakehouse.io/metastore-client": "true" } } }]);
    assert.equal(policies.some((x) => x.metadata.name === "minio-ingress"), stack === "dev");
    // Nothing outside the cluster reaches MinIO: Pulumi no longer talks to its admin API.
    if (stack === "dev") assert.deepEqual(policies.find((x) => x.metadata.name === "minio-ingress")!.spec.ingress, [{ from: [{ podSelector: { matchLabels: { "lakehouse.io/s3-client": "true" } } }], ports: [{ port: 9000, protocol: "TCP" }] }]);
  });

  test("one source of truth: the cluster mounts the repository's Trino, metastore, dbt and Superset files byte for byte", () => {
    const repo = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
    const catalog = one("kubernetes:core/v1:ConfigMap", "trino-catalog").inputs.data;
    assert.equal(catalog["iceberg.properties"], repo("trino/catalog/iceberg.properties"));
    assert.equal(catalog["hive.properties"], repo("trino/catalog/hive.properties"));
    const etc = one("kubernetes:core/v1:ConfigMap", "trino-coordinator-etc").inputs.data;
    assert.equal(etc["config.properties"], repo("trino/etc/config.properties"));
    assert.equal(etc["rules.json"], repo("trino/rules.json"));
    assert.ok(etc["jvm.config"].startsWith(repo("trino/etc/jvm.config").trimEnd()));
    assert.equal(one("kubernetes:core/v1:ConfigMap", "lakehouse-dbt-profiles").inputs.data["profiles.yml"], repo("dbt/profiles.yml"));
    assert.equal(one("kubernetes:core/v1:ConfigMap", "hive-metastore-conf").inputs.data["metastore-site.xml"], repo("metastore/metastore-site.xml"));
    assert.equal(one("kubernetes:core/v1:ConfigMap", "superset-config").inputs.data["superset_config.py"], repo("superset/superset_config.py"));
  });

  test("every environment variable those files reference is set in the pods that read them", () => {
    const ctr = (type: string, name: string) => {
      const s = one(type, name).inputs.spec;
      return c.ownContainer(s.template ?? s.jobTemplate.spec.template);
    };
    const check = (files: string[], container: any, who: string) => {
      const have = c.envNames(container);
      for (const f of files) for (const v of c.envRefs(fs.readFileSync(path.join(ROOT, f), "utf8"))) if (v !== "LAKEHOUSE_DBT_THREADS") assert.ok(have.includes(v), `${who} lacks ${v} (used by ${f})`);
    };
    const trinoFiles = ["trino/catalog/iceberg.properties", "trino/catalog/hive.properties", "trino/etc/config.properties", "trino/etc/access-control.properties", "trino/etc/password-authenticator.properties"];
    check(trinoFiles, ctr("kubernetes:apps/v1:Deployment", "trino-coordinator"), "trino-coordinator");
    check(["trino/catalog/iceberg.properties", "trino/catalog/hive.properties"], ctr("kubernetes:apps/v1:Deployment", "trino-worker"), "trino-worker");
    check(["dbt/profiles.yml"], ctr("kubernetes:batch/v1:CronJob", "lakehouse-gold"), "dbt");
    check(["metastore/metastore-site.xml"], ctr("kubernetes:apps/v1:Deployment", "hive-metastore"), "metastore");
    const superset = c.envNames(ctr("kubernetes:apps/v1:Deployment", "superset"));
    const supersetSecret = Object.keys(one("kubernetes:core/v1:Secret", "superset").inputs.stringData);
    // Every variable superset_config.py requires at import.
    const required = [...fs.readFileSync(path.join(ROOT, "superset/superset_config.py"), "utf8").matchAll(/os\.environ\["(\w+)"\]/g)].map((m) => m[1]);
    assert.ok(required.includes("SUPERSET_CACHE_DIR"), "superset_config.py reads its cache directory from the environment");
    for (const v of required) assert.ok(supersetSecret.includes(v) || superset.includes(v), `superset lacks ${v}`);
    // Its cache directory is a volume the pod can write (the image's root is not).
    const container = ctr("kubernetes:apps/v1:Deployment", "superset");
    const cacheDir = container.env.find((e: any) => e.name === "SUPERSET_CACHE_DIR").value;
    assert.ok(container.volumeMounts.some((m: any) => m.mountPath === cacheDir && !m.readOnly), `${cacheDir} is a writable mount`);
  });

  test("each identity's credentials reach only its own workload", () => {
    const secretOf = (ctr: any) => [...new Set([...(ctr.envFrom ?? []).map((e: any) => e.secretRef.name), ...(ctr.env ?? []).filter((e: any) => e.name === "LAKEHOUSE_S3_SECRET_KEY").map((e: any) => e.valueFrom.secretKeyRef.name)])];
    const main = (p: any) => c.ownContainer({ metadata: { annotations: p.annotations }, spec: p.spec });
    const want: Record<string, string> = { "lakehouse-ingest": "minio-s3-ingest", "lakehouse-gold": "minio-s3-dbt", "lakehouse-maintenance": "minio-s3-maintenance", "trino-coordinator": "minio-s3-trino", "hive-metastore": "minio-s3-metastore" };
    for (const p of c.podTemplates(rs)) {
      const got = secretOf(main(p)).filter((n: string) => n.startsWith("minio-s3-"));
      assert.deepEqual(got, want[p.owner.name] ? [want[p.owner.name]] : p.owner.name === "trino-worker" ? ["minio-s3-trino"] : [], p.owner.name);
    }
  });

  test("Superset asset import: the local stack's REST import (lakehouse dashboards import --from-env) in the Node image", () => {
    const job = one("kubernetes:batch/v1:Job", "superset-import-assets");
    const spec = job.inputs.spec;
    const ctr = spec.template.spec.containers[0];
    assert.deepEqual(ctr.command, ["node", "/app/bin/lakehouse.mjs", "dashboards", "import", "--from-env", "--dir", imp.ASSETS_MOUNT, "--wait", String(imp.WAIT_SECONDS)]);
    assert.equal(ctr.image, one("kubernetes:batch/v1:CronJob", "lakehouse-ingest").inputs.spec.jobTemplate.spec.template.spec.containers[0].image, "runs in the ingestion image (Node + this repository)");
    assert.ok(!JSON.stringify(spec).includes("import-dashboards"), "not `superset import-dashboards` (overwrite=False for charts and datasets)");
    // Environment: endpoints in plain values, every password by reference to a Secret that holds it.
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e]));
    assert.deepEqual(Object.keys(env).sort(), ["LAKEHOUSE_SUPERSET_ADMIN_PASSWORD", "LAKEHOUSE_SUPERSET_ADMIN_USER", "LAKEHOUSE_SUPERSET_URL", "LAKEHOUSE_TRINO_HOST", "LAKEHOUSE_TRINO_PASSWORD", "LAKEHOUSE_TRINO_PORT", "LAKEHOUSE_TRINO_USER"]);
    assert.equal(env.LAKEHOUSE_SUPERSET_URL.value, "http://superset.lakehouse.svc:8088");
    assert.equal(env.LAKEHOUSE_SUPERSET_ADMIN_USER.value, "admin");
    assert.equal(env.LAKEHOUSE_TRINO_HOST.value, "trino.lakehouse.svc");
    assert.equal(env.LAKEHOUSE_TRINO_PORT.value, "8443");
    assert.equal(env.LAKEHOUSE_TRINO_USER.value, "dashboard");
    for (const e of ctr.env) if (/PASSWORD|SECRET/.test(e.name)) assert.equal(e.value, undefined, `${e.name} must come from a Secret, not a literal`);
    const ref = (n: string) => env[n].valueFrom.secretKeyRef;
    assert.deepEqual(ref("LAKEHOUSE_SUPERSET_ADMIN_PASSWORD"), { name: "superset", key: "ADMIN_PASSWORD" });
    assert.deepEqual(ref("LAKEHOUSE_TRINO_PASSWORD"), { name: "trino-users", key: "dashboard-password" });
    for (const n of ["LAKEHOUSE_SUPERSET_ADMIN_PASSWORD", "LAKEHOUSE_TRINO_PASSWORD"]) {
      const s = byType(rs, "kubernetes:core/v1:Secret").find((x) => x.name === ref(n).name);
      assert.ok(s && ref(n).key in c.unwrap(s.inputs.stringData) && c.isSecretValue(s.inputs.stringData), `${n}: Secret ${ref(n).name} with key ${ref(n).key}, a Pulumi secret`);
    }
    // Waits for Superset: created after the Deployment (ready by Pulumi's await) and the Service, and polls /health itself.
    for (const [type, name] of [["kubernetes:apps/v1:Deployment", "superset"], ["kubernetes:core/v1:Service", "superset"]]) {
      assert.ok(job.dependencies.some((u) => urnEndsWith(u, type, name)), `depends on ${type} ${name}: ${job.dependencies.join(", ")}`);
    }
    assert.ok(Number(ctr.command[ctr.command.indexOf("--wait") + 1]) >= 300);
    // Safe to run again: the import overwrites by UUID; bounded retries and time; cleaned up; replaced when the bundle changes.
    assert.equal(spec.template.spec.restartPolicy, "OnFailure");
    assert.ok(spec.backoffLimit >= 1 && spec.backoffLimit <= 3, `backoffLimit ${spec.backoffLimit}`);
    assert.ok(spec.activeDeadlineSeconds > imp.WAIT_SECONDS, "deadline leaves time after the wait");
    assert.ok(spec.ttlSecondsAfterFinished > 0);
    const digest = imp.assetsDigest(imp.assetFiles());
    assert.equal(spec.template.metadata.annotations[imp.DIGEST_ANNOTATION], digest, "a changed bundle changes the pod template, so Pulumi replaces the Job");
    // The bundle: superset/assets byte for byte, each file back at its path; no other access.
    const cm = one("kubernetes:core/v1:ConfigMap", "superset-assets").inputs;
    const vol = spec.template.spec.volumes.find((v: any) => v.name === "assets").configMap;
    assert.equal(vol.name, "superset-assets");
    const mounted = Object.fromEntries(vol.items.map((i: any) => [i.path, cm.data[i.key]]));
    assert.deepEqual(mounted, imp.assetFiles());
    assert.deepEqual(ctr.volumeMounts, [{ name: "assets", mountPath: imp.ASSETS_MOUNT, readOnly: true }]);
    const labels = spec.template.metadata.labels;
    for (const k of ["lakehouse.io/s3-client", "lakehouse.io/metastore-client", "lakehouse.io/postgres-client"]) assert.equal(labels[k], undefined, k);
    // Superset itself trusts Trino's self-signed certificate.
    const superset = one("kubernetes:apps/v1:Deployment", "superset").inputs.spec.template.spec;
    assert.equal(superset.containers[0].env.find((e: any) => e.name === "REQUESTS_CA_BUNDLE")?.value, "/app/lakehouse/trino-ca/cert.pem");
    assert.ok(superset.volumes.some((v: any) => v.configMap?.name === "trino-ca"));
  });

  test("object store: a provisioning Job runs mc in the cluster for buckets, bronze versioning + lifecycle, one user + policy per identity from policies/*.json", () => {
    const files = one("kubernetes:core/v1:ConfigMap", "minio-provision").inputs.data;
    assert.deepEqual(files, prov.provisionFiles());
    for (const i of IDENTITIES) assert.equal(files[`policy-${i}.json`], fs.readFileSync(path.join(ROOT, "policies", `${i}.json`), "utf8"), `policies/${i}.json verbatim`);
    assert.deepEqual(JSON.parse(files["lifecycle-bronze.json"]), { Rules: [{ ID: "expire-noncurrent-versions", Status: "Enabled", NoncurrentVersionExpiration: { NoncurrentDays: 30 } }] });
    const script = files["provision.sh"];
    for (const b of BUCKETS) assert.match(script, new RegExp(`mc mb --ignore-existing --region "\\$S3_REGION" store/${b}\n`));
    assert.match(script, /mc version enable store\/bronze\n/);
    assert.doesNotMatch(script, /mc version enable store\/(silver|gold)/);
    assert.match(script, /mc ilm rule import store\/bronze < "\$dir\/lifecycle-bronze.json"/);
    for (const i of IDENTITIES) {
      assert.match(script, new RegExp(`mc admin policy create store lakehouse-${i} "\\$dir/policy-${i}.json"\n`));
      assert.match(script, new RegExp(`mc admin user add store lakehouse-${i} "\\$S3_SECRET_KEY_${i.toUpperCase()}"\n`));
      assert.match(script, new RegExp(`mc admin policy attach store lakehouse-${i} --user lakehouse-${i}\n`));
    }
    const job = one("kubernetes:batch/v1:Job", "minio-provision");
    const spec = job.inputs.spec;
    const ctr = spec.template.spec.containers[0];
    assert.match(ctr.image, /\/lakehouse-minio:/, "mc from the project's MinIO image");
    assert.deepEqual(ctr.command, ["/bin/sh", "/provision/provision.sh"]);
    assert.ok(spec.backoffLimit >= 1 && spec.backoffLimit <= 6 && spec.activeDeadlineSeconds > prov.WAIT_SECONDS && spec.ttlSecondsAfterFinished > 0);
    assert.equal(ctr.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(ctr.volumeMounts, [{ name: "provision", mountPath: "/provision", readOnly: true }, { name: "tmp", mountPath: "/tmp" }]);
    assert.equal(spec.template.spec.volumes[0].configMap.name, "minio-provision");
    const env = Object.fromEntries(ctr.env.map((e: any) => [e.name, e]));
    assert.equal(env.S3_ENDPOINT.value, outputs.s3Endpoint.value);
    assert.equal(env.S3_REGION.value, "us-east-1");
    for (const e of ctr.env) if (/PASSWORD|SECRET/.test(e.name)) assert.equal(e.value, undefined, `${e.name} must come from a Secret`);
    assert.deepEqual(env.S3_ADMIN_PASSWORD.valueFrom.secretKeyRef, { name: "minio-admin", key: "S3_ADMIN_PASSWORD" });
    for (const i of IDENTITIES) assert.deepEqual(env[`S3_SECRET_KEY_${i.toUpperCase()}`].valueFrom.secretKeyRef, { name: `minio-s3-${i}`, key: "LAKEHOUSE_S3_SECRET_KEY" });
    // A changed input (a policy, the script, the endpoint, a key) changes the pod template: Pulumi replaces the Job, it runs again.
    const sv = stackSecretValues();
    const admin = c.unwrap(one("kubernetes:core/v1:Secret", "minio-admin").inputs.stringData);
    const digest = prov.provisionDigest(prov.provisionFiles(), ["us-east-1", outputs.s3Endpoint.value, admin.S3_ADMIN_USER, admin.S3_ADMIN_PASSWORD, ...IDENTITIES.map((i) => sv[`lakehouse:s3SecretKey_${i}`])]);
    assert.equal(spec.template.metadata.annotations[prov.DIGEST_ANNOTATION], digest);
    assert.equal(job.inputs.metadata.annotations[prov.DIGEST_ANNOTATION], digest);
    const rawJob = byType(rs, "kubernetes:batch/v1:Job").find((r) => r.name === "minio-provision")!.inputs;
    assert.equal(JSON.stringify(c.withoutSecrets(rawJob)), JSON.stringify(rawJob), "no part of the Job is a secret: it stays readable in diffs");
    // Runs once its inputs exist (and, in-cluster, once MinIO is ready); what needs the store waits for it.
    const deps = [["kubernetes:core/v1:Secret", "minio-admin"], ["kubernetes:core/v1:ConfigMap", "minio-provision"], ...IDENTITIES.map((i) => ["kubernetes:core/v1:Secret", `minio-s3-${i}`]),
      ...(stack === "dev" ? [["kubernetes:apps/v1:StatefulSet", "minio"], ["kubernetes:core/v1:Service", "minio"]] : [])];
    for (const [type, name] of deps) assert.ok(job.dependencies.some((u) => urnEndsWith(u, type, name)), `the Job depends on ${type} ${name}`);
    for (const [type, name] of [["kubernetes:apps/v1:Deployment", "hive-metastore"], ["kubernetes:apps/v1:Deployment", "trino-coordinator"], ["kubernetes:batch/v1:CronJob", "lakehouse-ingest"], ["kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication", "lakehouse-silver"]]) {
      assert.ok(one(type, name).dependencies.some((u) => urnEndsWith(u, "kubernetes:batch/v1:Job", "minio-provision")), `${type} ${name} waits for the provisioning Job`);
    }
    const labels = spec.template.metadata.labels;
    assert.equal(labels["lakehouse.io/s3-client"], "true", "admitted by MinIO's NetworkPolicy");
    for (const k of ["lakehouse.io/metastore-client", "lakehouse.io/postgres-client"]) assert.equal(labels[k], undefined, k);
  });

  test("spark-operator: Helm release of chart 2.5.x from the kubeflow repo, watching the lakehouse namespace", () => {
    const rel = byType(rs, "kubernetes:helm.sh/v3:Release")[0].inputs;
    assert.match(rel.version, /^2\.5\.\d+$/);
    assert.equal(rel.repositoryOpts.repo, "https://kubeflow.github.io/spark-operator");
    assert.equal(rel.chart, "spark-operator");
    assert.deepEqual(rel.values.spark.jobNamespaces, ["lakehouse"]);
    assert.equal(rel.values.webhook.enable, true);
  });

  if (stack === "dev") {
    test("dev: in-cluster MinIO on the kind storage class, NodePorts for Superset and Trino only (MinIO is provisioned from inside)", () => {
      const sts = one("kubernetes:apps/v1:StatefulSet", "minio").inputs;
      assert.equal(sts.spec.volumeClaimTemplates[0].spec.storageClassName, "standard");
      assert.deepEqual(sts.spec.template.spec.containers[0].env.filter((e: any) => e.valueFrom).map((e: any) => [e.name, e.valueFrom.secretKeyRef]), [
        ["MINIO_ROOT_USER", { name: "minio-admin", key: "S3_ADMIN_USER" }], ["MINIO_ROOT_PASSWORD", { name: "minio-admin", key: "S3_ADMIN_PASSWORD" }]]);
      assert.deepEqual(c.unwrap(one("kubernetes:core/v1:Secret", "minio-admin").inputs.stringData), { S3_ADMIN_USER: "lakehouse-root", S3_ADMIN_PASSWORD: stackSecretValues()["lakehouse:minioRootPassword"] });
      const ports = byType(rs, "kubernetes:core/v1:Service").flatMap((s) => c.unwrap(s.inputs).spec.ports.map((p: any) => p.nodePort)).filter(Boolean).sort();
      assert.deepEqual(ports, [30088, 30443]);
      assert.equal(one("kubernetes:core/v1:Service", "minio").inputs.spec.type, undefined, "ClusterIP");
      assert.equal(outputs.s3Endpoint.value, "http://minio.lakehouse.svc:9000");
      assert.equal(outputs.supersetUrl.value, "http://localhost:30088");
      assert.equal(one("kubernetes:apps/v1:Deployment", "trino-worker").inputs.spec.replicas, 1);
    });
  } else {
    test("prod: external S3 (no MinIO pods), 4 workers, large sizes, premium storage, admin credentials from secret config", () => {
      assert.equal(byType(rs, "kubernetes:apps/v1:StatefulSet").some((r) => r.name === "minio"), false);
      assert.equal(outputs.s3Endpoint.value, "https://s3.lakehouse.example.internal");
      for (const [type, name] of [["kubernetes:core/v1:Service", "minio"], ["kubernetes:networking.k8s.io/v1:NetworkPolicy", "minio-ingress"]]) assert.equal(rs.some((r) => r.type === type && r.name === name), false, `${type} ${name}`);
      const admin = byType(rs, "kubernetes:core/v1:Secret").find((r) => r.name === "minio-admin")!.inputs;
      assert.ok(c.isSecretValue(admin.stringData), "the admin login stays a secret");
      assert.deepEqual(c.unwrap(admin.stringData), { S3_ADMIN_USER: "admin-from-config", S3_ADMIN_PASSWORD: "password-from-config" });
      assert.equal(one("kubernetes:batch/v1:Job", "minio-provision").inputs.spec.template.spec.containers[0].env.find((e: any) => e.name === "S3_ENDPOINT").value, "https://s3.lakehouse.example.internal");
      assert.equal(one("kubernetes:apps/v1:Deployment", "trino-worker").inputs.spec.replicas, 4);
      assert.equal(one("kubernetes:apps/v1:StatefulSet", "hive-metastore-postgres").inputs.spec.volumeClaimTemplates[0].spec.storageClassName, "premium-rwo");
      assert.equal(byType(rs, "kubernetes:core/v1:Service").some((s) => c.unwrap(s.inputs).spec.type === "NodePort"), false);
      assert.equal(byType(rs, "docker-build:index:Image").length, 0);
      assert.match(one("kubernetes:apps/v1:Deployment", "superset").inputs.spec.template.spec.containers[0].image, /^registry.example.internal\/lakehouse\/lakehouse-superset:0.1.0$/);
    });
  }
}
