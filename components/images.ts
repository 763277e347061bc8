/**
 * Images: builds the project's images (components/imageSpecs.ts) with @pulumi/docker-build
 * (BuildKit) and pushes them to the kind cluster's local registry. With build off, the same
 * references are used as given (images built and pushed elsewhere: by CI, or by
 * `lakehouse cluster images`, which builds the same specs with podman).
 */
import fs from "node:fs";
import path from "node:path";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT } from "./files";
import { IMAGE_NAMES, IMAGE_SPECS, buildOrder, imageTag, type ImageName, type ImageSpec } from "./imageSpecs";

export { IMAGE_NAMES, IMAGE_SPECS, imageTag, type ImageName, type ImageSpec } from "./imageSpecs";


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
  /** Images the stack takes from elsewhere (an image override is set): not built, still referenced. */
  skip?: readonly ImageName[];
}

export class Images extends pulumi.ComponentResource {
  /** Image reference per image; with build on, `tag@digest` so pods pin what was built. */
  readonly refs: Record<ImageName, pulumi.Output<string>>;

  constructor(name: string, args: ImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:build:Images", name, {}, opts);
    const root = args.root ?? PROJECT_ROOT;
    if (args.build) checkDockerfiles(root);
    this.refs = {} as Record<ImageName, pulumi.Output<string>>;
    // In build order: an image built FROM another project image gets that image's built ref.
    for (const image of buildOrder()) {
      const tag = imageTag(args.registry, image, args.tag);
      // An image another one is built FROM is built even when skipped.
      const needed = !args.skip?.includes(image) || IMAGE_NAMES.some((n) => !args.skip?.includes(n) && Object.values((IMAGE_SPECS[n] as ImageSpec).fromImages ?? {}).includes(image));
      if (!args.build || !needed) { this.refs[image] = pulumi.output(tag); continue; }
      const spec: ImageSpec = IMAGE_SPECS[image];
      const fromRefs = Object.entries(spec.fromImages ?? {}).map(([arg, dep]) => this.refs[dep as ImageName].apply((ref) => [arg, ref] as const));
      const built = new dockerBuild.Image(`${name}-${image}`, {
        context: { location: root },
        dockerfile: { location: path.join(root, spec.dockerfile) },
        target: spec.target,
        buildArgs: pulumi.all(fromRefs).apply((pairs) => ({ ...spec.buildArgs, ...Object.fromEntries(pairs) })),
        tags: [tag],
        push: true,
        platforms: ["linux/amd64"],
      }, { parent: this });
      this.refs[image] = built.ref;
    }
    this.registerOutputs({ refs: this.refs });
  }
}
