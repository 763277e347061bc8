/**
 * The project's images for the deploy tier: built here with podman (src/cluster/images.ts), or,
 * when test/run.ts's background build of this run has just built them, taken as they are: asking
 * podman to rebuild nine images from its layer cache costs minutes on a busy 2-core machine, and
 * both files of the tier need them.
 */
import { LOCAL_REGISTRY, buildProjectImages } from "../../src/cluster/images";
import type { Logger } from "../../src/lib/log";
import { IMAGE_NAMES, imageTag } from "../../components/imageSpecs";

/** Set by test/run.ts to the tag the background build of this run built (and only after it succeeded). */
export const IMAGES_BUILT_ENV = "LAKEHOUSE_TEST_IMAGES_BUILT";
/** The tag `lakehouse cluster images` builds by default, and the deploy tier's. */
export const BACKGROUND_IMAGE_TAG = "dev";

/** Every project image's reference, tagged `tag`, built unless this run's background build made them. */
export async function projectImages(tag: string, log: Logger): Promise<Record<string, string>> {
  if (process.env[IMAGES_BUILT_ENV] === tag) {
    log.step(`the images this run built in the background (${LOCAL_REGISTRY}/lakehouse-<name>:${tag})`);
    return Object.fromEntries(IMAGE_NAMES.map((n) => [n, imageTag(LOCAL_REGISTRY, n, tag)]));
  }
  return buildProjectImages(IMAGE_NAMES, tag, log);
}
