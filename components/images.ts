/**
 * Images: builds the project's images with @pulumi/docker-build (BuildKit) from the Dockerfiles
 * beside their code and pushes them to the kind cluster's local registry. With build off, the
 * same references are used as given (images built and pushed elsewhere, e.g. by CI).
 */
import fs from "node:fs";
import path from "node:path";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
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

export function imageTag(registry: string, image: ImageName, tag: string): string {
  if (!tag || tag === "latest") throw new Error(`Images: tag must be set and not "latest" (got "${tag}")`);
  return `${registry}/lakehouse-${image}:${tag}`;
}

/** Names every missing Dockerfile at once. */
export function checkDockerfiles(root: string = PROJECT_ROOT): void {
  const missing = IMAGE_NAMES.map((n) => IMAGE_SPECS[n].dockerfile).filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) throw new Error(`Images: missing Dockerfiles ${missing.join(", ")} (set lakehouse:buildImages false to use prebuilt images)`);
}

export interface ImagesArgs {
  /** Registry the cluster pulls from (kind: localhost:5001, the registry the kind script starts). */
  registry: string;
  /** Tag of this build (never "latest"). */
  tag: string;
  /** Build and push (true), or only reference already pushed images (false). */
  build: boolean;
  /** Build context and Dockerfile root; defaults to the project root. */
  root?: string;
}

export class Images extends pulumi.ComponentResource {
  /** Image reference per image; with build on, `tag@digest` so pods pin what was built. */
  readonly refs: Record<ImageName, pulumi.Output<string>>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:build:Images", name, {}, opts);
    const root = args.root ?? PROJECT_ROOT;
    if (args.build) checkDockerfiles(root);
    this.refs = {} as Record<ImageName, pulumi.Output<string>>;
    for (const image of IMAGE_NAMES) {
      const tag = imageTag(args.registry, image, args.tag);
      if (!args.build) { this.refs[image] = pulumi.output(tag); continue; }
      const built = new dockerBuild.Image(`${name}-${image}`, {
        context: { location: root },
        dockerfile: { location: path.join(root, IMAGE_SPECS[image].dockerfile) },
        tags: [tag],
        push: true,
        platforms: ["linux/amd64"],
      }, { parent: this });
      this.refs[image] = built.ref;
    }
    this.registerOutputs({ refs: this.refs });
  }
}
