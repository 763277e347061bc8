/**
 * One description of each image the deployment runs, read by both build paths: the program's
 * (components/images.ts, @pulumi/docker-build) and the local builder (src/cluster/images.ts,
 * podman), so the two cannot drift. No Pulumi imports: the CLI reads this too.
 */
import { TOOLCHAINS, VERSIONS } from "../src/lib/versions";

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
}

export const IMAGE_SPECS = {
  ingest: { dockerfile: "src/ingest/Dockerfile", buildArgs: {}, check: ["lakehouse-ingest", "--help"], contract: "`lakehouse-ingest --source <name> --date YYYY-MM-DD` on PATH (writes the day and its _manifest.json last); the `lakehouse` CLI at /app/bin/lakehouse.mjs (the Superset asset-import Job runs `dashboards import --from-env`)" },
  spark: { dockerfile: "spark/Dockerfile", buildArgs: {}, check: ["true"], contract: "FROM spark 4.1.x, the Docker Official Image (uid 185, Python 3.10); spark/lakehouse at /opt/lakehouse/spark/lakehouse; Iceberg + hadoop-aws jars and the silver job's functions (spark/functions) in /opt/spark/jars; silver/job.py and maintenance/job.py runnable as scripts" },
  dbt: { dockerfile: "dbt/Dockerfile", buildArgs: {}, check: ["dbt", "--version"], contract: "dbt-core + dbt-trino; the project dbt/ at /app/dbt; `dbt` on PATH" },
  superset: { dockerfile: "superset/Dockerfile", buildArgs: {}, check: ["superset", "version"], contract: "Superset 6.1 + trino driver; `superset` on PATH; CMD serves gunicorn on :8088; a writable SUPERSET_HOME for uid 1000" },
  metastore: { dockerfile: "metastore/Dockerfile", buildArgs: {}, check: ["true"], contract: "FROM apache/hive:3.1.3 + PostgreSQL JDBC + hadoop-aws jars (deps/metastore) on the classpath" },
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
