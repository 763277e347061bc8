/**
 * The Trino and Hive Metastore images (trino/Dockerfile, metastore/Dockerfile, both from
 * debian:bookworm-slim) against the components that run them: commands, users, paths. Read from
 * the Dockerfiles' text; the images themselves are proved by running them (their ImageSpec checks).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { dockerfileBases } from "../../../components/imagePins";
import { CONF_DIR, HIVE_UID, schemaInitCommand, serverCommand } from "../../../components/metastore";
import { nodeProperties } from "../../../components/trinoConfig";
import { schemasJobSpec, TRINO_UID, trinoPodSpec } from "../../../components/trinoPods";
import { ROOT } from "./harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const size = { cpu: "1", cpuLimit: "1", memory: "1Gi" };
const lastUser = (text: string) => [...text.matchAll(/^USER\s+(\S+)\s*$/gm)].pop()?.[1];
const cmd = (text: string) => JSON.parse(/^CMD\s+(\[.*\])\s*$/m.exec(text)![1]) as string[];

test("both images start from debian:bookworm-slim only; every ARG has no default and is checked with a message", () => {
  for (const f of ["trino/Dockerfile", "metastore/Dockerfile"]) {
    const text = read(f);
    assert.deepEqual([...new Set(dockerfileBases(text))], ["debian:bookworm-slim"], f);
    const args = [...text.matchAll(/^ARG\s+(\S+)\s*$/gm)].map((m) => m[1]);
    assert.ok(args.length > 0, `${f} declares its versions as ARGs`);
    assert.deepEqual(args.filter((a) => a.includes("=")), [], `${f}: no ARG defaults`);
    for (const a of args) assert.match(text, new RegExp(`\\$\\{${a}:\\?build arg ${a} is not set`), `${f}: ${a} is checked`);
    assert.doesNotMatch(text, /apt-get install(?![^\n]*--no-install-recommends)/, `${f}: apt without recommends`);
  }
  assert.match(read("trino/Dockerfile"), /--require-hashes/, "the JDK wheel is checked against its sha256");
});

test("metastore: the component runs the image's hive-metastore launcher and mounts the site file where it reads it", () => {
  const text = read("metastore/Dockerfile");
  assert.equal(lastUser(text), `${HIVE_UID}:${HIVE_UID}`);
  assert.match(text, /^ENV METASTORE_HOME=\/opt\/hive-metastore$/m);
  assert.equal(CONF_DIR, "/opt/hive-metastore/conf");
  assert.match(text, /^COPY --chmod=755 metastore\/hive-metastore \/usr\/local\/bin\/hive-metastore$/m);
  assert.deepEqual(cmd(text), serverCommand(), "the image's own CMD serves the same");
  const launcher = read("metastore/hive-metastore");
  execFileSync("bash", ["-n", path.join(ROOT, "metastore/hive-metastore")]);
  assert.ok(fs.statSync(path.join(ROOT, "metastore/hive-metastore")).mode & 0o111, "executable");
  assert.match(launcher, /-cp "\$home\/conf:\$home\/lib\/\*"/, "conf/ first on the classpath");
  for (const sub of [serverCommand()[1], "schematool"]) assert.match(launcher, new RegExp(`^  ${sub}\\) main=`, "m"), `the launcher has ${sub}`);
  const script = schemaInitCommand()[2];
  assert.deepEqual([...script.matchAll(/(\S+) schematool /g)].map((m) => m[1]), ["hive-metastore", "hive-metastore"]);
  assert.doesNotMatch(script, /\/opt\/hive\//, "no apache/hive paths");
});

test("Trino: the trinodb/trino layout the pods rely on (run-trino CMD, /etc/trino, /data/trino, trino CLI on PATH, uid 1000)", () => {
  const text = read("trino/Dockerfile");
  assert.equal(lastUser(text), `${TRINO_UID}:${TRINO_UID}`);
  assert.deepEqual(cmd(text), ["/usr/lib/trino/bin/run-trino"]);
  assert.match(text, /launcher run "\$\{opts\[@\]\}"/);
  assert.match(text, /opts=\(--etc-dir \/etc\/trino\)/);
  const pod = trinoPodSpec({ name: "trino", role: "worker", image: "i", env: [], s3SecretName: "s3", size, etcConfigMap: "e" }) as any;
  const c = pod.containers[0];
  assert.equal(c.command, undefined, "the pod runs the image's CMD");
  assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath), ["/etc/trino", "/data/trino"]);
  assert.match(nodeProperties("dev"), /^node\.data-dir=\/data\/trino$/m);
  assert.doesNotMatch(nodeProperties("dev"), /node\.id/, "run-trino sets node.id per pod");
  assert.match(text, /chown trino:trino \/data\/trino/);
  assert.match(text, /ln -s \/usr\/lib\/trino\/bin\/trino-cli \/usr\/bin\/trino/);
  const job = (schemasJobSpec({ image: "i", host: "h", usersSecretName: "u", caConfigMapName: "c", sqlConfigMapName: "s", size, labels: {} }) as any).template.spec.containers[0];
  assert.equal(job.command[0], "trino");
});
