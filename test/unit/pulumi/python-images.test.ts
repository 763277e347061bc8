/**
 * The images of the Python environment (images/python.Dockerfile: targets spark, dbt, superset)
 * against the components that run them: users, paths, entrypoint, command. Read from the
 * Dockerfile's text; the images themselves are proved by running them (see the file's header).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { SUPERSET_UID } from "../../../components/dashboards";
import { dockerfileBases } from "../../../components/imagePins";
import { SILVER_APP, SPARK_CODE_DIR, SPARK_UID, sparkApplicationSpec } from "../../../components/sparkApp";
import { ROOT } from "./harness";

const FILE = "images/python.Dockerfile";
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const text = read(FILE);

/** The instructions of one stage: from its FROM line to the next. */
function stage(name: string): string {
  const parts = text.split(/^(?=FROM\s)/m);
  const found = parts.find((p) => new RegExp(`^FROM\\s+\\S+\\s+AS\\s+${name}\\s*$`, "im").test(p.split("\n")[0]));
  assert.ok(found, `${FILE} has no stage ${name}`);
  return found;
}
const lastUser = (s: string) => [...s.matchAll(/^USER\s+(\S+)\s*$/gm)].pop()?.[1];
const execForm = (s: string, instruction: string): string[] | undefined => {
  const m = [...s.matchAll(new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, "gm"))].pop();
  return m ? JSON.parse(m[1]) : undefined;
};

test("python.Dockerfile: only debian:bookworm-slim; uv's version and checksum are ARGs without defaults, checked when unset", () => {
  assert.deepEqual([...new Set(dockerfileBases(text))], ["debian:bookworm-slim"]);
  const args = [...text.matchAll(/^ARG\s+(\S+)\s*$/gm)].map((m) => m[1]);
  assert.deepEqual(args.sort(), ["UV_SHA256", "UV_VERSION"]);
  for (const a of args) assert.match(text, new RegExp(`\\$\\{${a}:\\?build arg ${a} is not set`));
  assert.match(text, /uv sync --frozen --no-dev/, "the environment is uv.lock's");
  assert.doesNotMatch(text, /pip install [^\n]*==|--version\s+\d/, "no version list of its own");
  for (const t of ["spark", "dbt", "superset"]) assert.match(stage(t).split("\n")[0], /^FROM python AS/, `${t} shares the venv layer`);
});

test("spark: uid 185 and the code where the SparkApplication and the maintenance CronJob look for it", () => {
  const spark = stage("spark");
  assert.equal(lastUser(spark), String(SPARK_UID));
  assert.match(spark, /useradd --system --uid 185 /, "a passwd entry: Hadoop looks the user's name up");
  assert.match(spark, new RegExp(`^COPY spark/lakehouse ${SPARK_CODE_DIR}/lakehouse$`, "m"));
  assert.match(spark, new RegExp(`^COPY spark/contracts ${SPARK_CODE_DIR}/contracts$`, "m"), "silver/contract.py reads ../../contracts");
  assert.match(spark, new RegExp(`PYTHONPATH=${SPARK_CODE_DIR} `));
  assert.ok(SILVER_APP.startsWith(`local://${SPARK_CODE_DIR}/lakehouse/`));
  assert.ok(fs.existsSync(path.join(ROOT, "spark", SILVER_APP.slice(`local://${SPARK_CODE_DIR}/`.length))), SILVER_APP);
  // SPARK_HOME=/opt/spark: the pods mount their conf at /opt/spark/conf; the CronJob runs its bin/spark-submit.
  assert.match(spark, /SPARK_HOME=\/opt\/spark /);
  assert.match(read("components/pipeline.ts"), /\/opt\/spark\/bin\/spark-submit .*\/opt\/lakehouse\/spark\/lakehouse\/maintenance\/job\.py/);
  const spec = sparkApplicationSpec({ image: "i", sparkVersion: "4.1.3", executors: 1, retryIntervalSeconds: 300, serviceAccount: "sa", labels: {}, env: [], sparkConf: {}, driver: { cpu: "1", cpuLimit: "1", memory: "1g" }, executor: { cpu: "1", cpuLimit: "1", memory: "1g" }, date: "yesterday" });
  assert.equal(spec.driver.securityContext.runAsUser, SPARK_UID);
  assert.equal(spec.mainApplicationFile, SILVER_APP);
});

test("spark: the entrypoint takes driver/executor as Spark's Kubernetes pods start it, anything else as given", () => {
  assert.deepEqual(execForm(stage("spark"), "ENTRYPOINT"), ["/opt/entrypoint.sh"]);
  assert.match(stage("spark"), /^COPY spark\/entrypoint\.sh \/opt\/entrypoint\.sh$/m);
  const file = path.join(ROOT, "spark/entrypoint.sh");
  assert.ok(fs.statSync(file).mode & 0o111, "executable (COPY keeps the mode)");
  execFileSync("bash", ["-n", file]);
  const run = (args: string[], env: Record<string, string> = {}) => {
    try {
      return { code: 0, out: execFileSync("bash", [file, ...args], { env: { PATH: process.env.PATH!, ...env }, encoding: "utf8", stdio: "pipe" }) };
    } catch (e: any) {
      return { code: e.status as number, out: String(e.stderr) };
    }
  };
  assert.deepEqual(run(["echo", "as", "given"]), { code: 0, out: "as given\n" });
  const driver = run(["driver", "--class", "x"]);
  assert.equal(driver.code, 64);
  assert.match(driver.out, /driver: not set: SPARK_DRIVER_BIND_ADDRESS/);
  const executor = run(["executor"], { SPARK_EXECUTOR_MEMORY: "1g" });
  assert.equal(executor.code, 64);
  assert.match(executor.out, /executor: not set: SPARK_DRIVER_URL SPARK_EXECUTOR_ID/);
  assert.doesNotMatch(executor.out, /SPARK_EXECUTOR_MEMORY/);
});

test("dbt: the project at /app/dbt, uid 1000, as the gold CronJob runs it", () => {
  const dbt = stage("dbt");
  assert.equal(lastUser(dbt), "1000");
  assert.match(dbt, /^COPY dbt \/app\/dbt$/m);
  assert.match(read("components/pipeline.ts"), /dbt build --project-dir \/app\/dbt --profiles-dir \/app\/lakehouse\/profiles/);
});

test("superset: the Deployment's uid, a writable SUPERSET_HOME, gunicorn serving :8088", () => {
  const superset = stage("superset");
  assert.equal(lastUser(superset), String(SUPERSET_UID));
  assert.match(superset, new RegExp(`chown ${SUPERSET_UID}:${SUPERSET_UID} /app/superset_home`));
  assert.match(superset, /SUPERSET_HOME=\/app\/superset_home/);
  const cmd = execForm(superset, "CMD")!;
  assert.equal(cmd[0], "gunicorn");
  assert.deepEqual(cmd.slice(cmd.indexOf("--bind"), cmd.indexOf("--bind") + 2), ["--bind", "0.0.0.0:8088"]);
  assert.equal(cmd.at(-1), "superset.app:create_app()");
});
