/**
 * The images built from debian:bookworm-slim (images/minio.Dockerfile, images/postgres.Dockerfile,
 * src/ingest/Dockerfile) against the components that run them: the command, the user, the paths.
 * Read from the Dockerfiles' text; the images themselves are proved by running them (see each
 * Dockerfile's header).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { dockerfileBases } from "../../../components/imagePins";
import { MINIO_UID, minioStatefulSetSpec } from "../../../components/minio";
import { POSTGRES_UID } from "../../../components/postgres";
import { provisionJobSpec } from "../../../components/s3Provision";
import { CLI_UID } from "../../../components/supersetImport";
import { ROOT } from "./harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const DOCKERFILES = ["images/minio.Dockerfile", "images/postgres.Dockerfile", "src/ingest/Dockerfile"];
const size = { cpu: "1", cpuLimit: "1", memory: "1Gi" };

/** The exec-form JSON array of the last `<instruction> [...]` in a Dockerfile. */
function execForm(text: string, instruction: string): string[] | undefined {
  const m = [...text.matchAll(new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, "gm"))].pop();
  return m ? JSON.parse(m[1]) : undefined;
}
const lastUser = (text: string) => [...text.matchAll(/^USER\s+(\S+)\s*$/gm)].pop()?.[1];

test("each image starts from debian:bookworm-slim; its ARGs have no default and fail with a message when unset", () => {
  for (const f of DOCKERFILES) {
    const text = read(f);
    assert.deepEqual([...new Set(dockerfileBases(text))], ["debian:bookworm-slim"], f);
    const args = [...text.matchAll(/^ARG\s+(\S+)\s*$/gm)].map((m) => m[1]);
    assert.ok(args.length > 0, `${f} declares its versions as ARGs`);
    assert.deepEqual(args.filter((a) => a.includes("=")), [], `${f}: no ARG defaults`);
    for (const a of args) assert.match(text, new RegExp(`\\$\\{${a}:\\?build arg ${a} is not set`), `${f}: ${a} is checked`);
  }
});

test("MinIO: the component gives the whole command (the image has no ENTRYPOINT); minio and mc in /usr/bin; uid 1000", () => {
  const text = read("images/minio.Dockerfile");
  assert.equal(execForm(text, "ENTRYPOINT"), undefined);
  const c = (minioStatefulSetSpec({ name: "minio", instance: "dev", image: "m:1", adminSecretName: "a", size, storageClass: "s", storageSize: "1Gi", labels: {} }) as any).template.spec.containers[0];
  assert.deepEqual([...c.command, ...c.args.slice(0, 2)], ["minio", "server", "/data"]);
  assert.deepEqual(execForm(text, "CMD")!.slice(0, 3), ["minio", "server", "/data"], "the image's own CMD serves the same");
  assert.deepEqual(c.volumeMounts, [{ name: "data", mountPath: "/data" }]);
  assert.match(text, /^COPY --from=build \/go\/bin\/minio \/go\/bin\/mc \/usr\/bin\/$/m);
  assert.equal(lastUser(text), `${MINIO_UID}:${MINIO_UID}`);
  assert.match(text, /useradd --uid 1000 .*--home-dir \/home\/minio/, "a home for mc's default config dir");
  const job = (provisionJobSpec({ image: "m:1", uid: MINIO_UID, configMapName: "c", endpoint: "http://s:9000", region: "r", adminSecretName: "a", identitySecretNames: {} as any, digest: "d", size, labels: {} }) as any).template.spec.containers[0];
  assert.equal(job.command[0], "/bin/sh", "the provisioning script needs only /bin/sh and mc (on PATH)");
});

test("PostgreSQL: the image keeps the Official Image's contract the component relies on", () => {
  const text = read("images/postgres.Dockerfile");
  const entrypoint = read("images/postgres-entrypoint.sh");
  assert.match(text, new RegExp(`useradd --system --uid ${POSTGRES_UID} --gid ${POSTGRES_UID} `));
  assert.equal(lastUser(text), `${POSTGRES_UID}:${POSTGRES_UID}`);
  assert.deepEqual(execForm(text, "ENTRYPOINT"), ["/usr/local/bin/postgres-entrypoint.sh"]);
  assert.deepEqual(execForm(text, "CMD"), ["postgres"]);
  // components/postgres.ts: PGDATA below the volume, init scripts, socket directory, POSTGRES_* env.
  const component = read("components/postgres.ts");
  for (const p of ["/docker-entrypoint-initdb.d", "/var/run/postgresql", "PGDATA", "POSTGRES_USER", "POSTGRES_PASSWORD"]) {
    assert.ok(component.includes(p), `the component uses ${p}`);
    assert.ok(entrypoint.includes(p), `the entrypoint handles ${p}`);
  }
  assert.match(entrypoint, /host all all all scram-sha-256/, "TCP clients need a password");
  assert.match(entrypoint, /listen_addresses = '\*'/);
  execFileSync("bash", ["-n", path.join(ROOT, "images/postgres-entrypoint.sh")]);
  assert.ok(fs.statSync(path.join(ROOT, "images/postgres-entrypoint.sh")).mode & 0o111, "executable");
});

test("ingest: uid 1000 as the Jobs run it; lakehouse-ingest on PATH; the CLI's sources (src, components) in /app", () => {
  const text = read("src/ingest/Dockerfile");
  assert.equal(lastUser(text), `${CLI_UID}:${CLI_UID}`);
  assert.match(text, /^RUN ln -s \/app\/bin\/lakehouse-ingest\.mjs \/usr\/local\/bin\/lakehouse-ingest$/m);
  for (const dir of ["bin", "src", "components"]) assert.match(text, new RegExp(`^COPY ${dir} \\./${dir}$`, "m"));
  // src/ingest/manifest.ts checks manifests against the schema it shares with the silver job.
  assert.match(text, /^COPY spark\/contracts\/bronze-manifest\.schema\.json \.\/spark\/contracts\/bronze-manifest\.schema\.json$/m);
  assert.match(text, /npm ci --omit=dev/);
  assert.match(text, /^ENV LAKEHOUSE_SKIP_NPM_CI=1 /m);
  assert.match(text, /sha512sum -c/, "node and npm are checked against their npm integrity");
});
