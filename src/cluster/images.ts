/**
 * Container images without a Docker engine or a registry: the Debian base is made with
 * debootstrap from Debian's own mirror and stands in for `debian:bookworm-slim`; the pause
 * image is a static pause binary built here; Dockerfiles are built with podman (Debian's) and
 * the result is loaded into the cluster's containerd directly. Elsewhere, Docker builds the same
 * Dockerfiles unchanged.
 *
 * podman's image store lives in the per-user cache (the base image takes ~90 s to make and
 * every Dockerfile starts from it), so a fresh clone on a warm machine reuses it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../lib/exec";
import type { Logger } from "../lib/log";
import { PAUSE_IMAGE } from "./config";
import { cacheRoot } from "./toolchain";
import { PROJECT_ROOT } from "../../components/files";
import { IMAGE_SPECS, buildArgsOf, buildOrder, imageTag, type BuildCache, type ImageName, type ImageSpec } from "../../components/imageSpecs";

/** How the base image is made; its digest names the cached root file system. */
export const BASE_RECIPE = {
  suite: "bookworm",
  variant: "minbase",
  mirror: "http://deb.debian.org/debian",
  // ca-certificates: every image talks TLS (Trino, S3 over https); the rest of -slim's set is in minbase.
  include: ["ca-certificates"],
} as const;

/** The names the base answers to: Dockerfiles say `FROM debian:bookworm-slim`. */
export const BASE_IMAGE = "docker.io/library/debian:bookworm-slim";
export const BASE_ALIAS = "localhost/lakehouse/debian:bookworm";

export interface ImageBuild {
  /** Full reference, e.g. localhost/lakehouse/ingest:dev. */
  tag: string;
  dockerfile: string;
  context: string;
  buildArgs?: Record<string, string>;
  /** Multi-stage target; the last stage when absent. */
  target?: string;
  /** Host directories mounted into every RUN step at build time (podman build -v): shared build caches, not in any layer. */
  volumes?: Record<string, string>;
}

function podmanStore(): { root: string; runroot: string } {
  const cache = cacheRoot();
  return { root: path.join(cache, "containers", "storage"), runroot: path.join(cache, "containers", "run") };
}

/** podman with this VM's settings: no systemd (cgroupfs, file events), runc (crun fails here), the cache's store. */
export function podmanArgs(args: string[]): string[] {
  const store = podmanStore();
  return ["--root", store.root, "--runroot", store.runroot, "--storage-driver", "overlay", "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "runc", ...args];
}

const podman = (args: string[], logFile?: string) => run("podman", podmanArgs(args), { logFile });

async function podmanHas(ref: string): Promise<boolean> {
  return podman(["image", "exists", ref]).then(() => true, () => false);
}

/**
 * Certificate authorities this machine trusts beyond Debian's (update-ca-certificates' local
 * directory). Where egress goes through a TLS-inspecting proxy, as here, a RUN step that fetches
 * from npm, PyPI, Maven Central or the Go proxy needs its CA; the stand-in base carries them as a
 * company's base image would, so the Dockerfiles stay the ones Docker builds elsewhere.
 */
export const LOCAL_CA_DIR = "/usr/local/share/ca-certificates";

function localCertificates(): { name: string; pem: Buffer }[] {
  if (!fs.existsSync(LOCAL_CA_DIR)) return [];
  return fs.readdirSync(LOCAL_CA_DIR).filter((f) => f.endsWith(".crt")).sort().map((name) => ({ name, pem: fs.readFileSync(path.join(LOCAL_CA_DIR, name)) }));
}

const recipeDigest = () => {
  const h = crypto.createHash("sha256").update(JSON.stringify(BASE_RECIPE));
  for (const c of localCertificates()) h.update(c.name).update(c.pem);
  return h.digest("hex").slice(0, 12);
};

/** The Debian base image in podman's store (made once with debootstrap). */
export async function ensureBaseImage(log: Logger): Promise<void> {
  const id = `lakehouse.io/base-recipe=${recipeDigest()}`;
  if (await podmanHas(BASE_ALIAS)) {
    const labels = await podman(["image", "inspect", "--format", "{{json .Labels}}", BASE_ALIAS]);
    if (labels.includes(recipeDigest())) {
      if (!(await podmanHas(BASE_IMAGE))) await podman(["tag", BASE_ALIAS, BASE_IMAGE]);
      return;
    }
  }
  const logFile = path.join(cacheRoot(), "logs", "debootstrap.log");
  log.step(`making the Debian ${BASE_RECIPE.suite} base image with debootstrap (once, ~2 min; log: ${logFile})`);
  const root = fs.mkdtempSync(path.join(cacheRoot(), "rootfs-"));
  try {
    await run("debootstrap", [`--variant=${BASE_RECIPE.variant}`, `--include=${BASE_RECIPE.include.join(",")}`, BASE_RECIPE.suite, root, BASE_RECIPE.mirror], { logFile });
    const certs = localCertificates();
    if (certs.length) {
      for (const c of certs) fs.writeFileSync(path.join(root, LOCAL_CA_DIR, c.name), c.pem);
      await run("chroot", [root, "update-ca-certificates"], { logFile });
    }
    // What the official slim image also leaves out: apt's downloaded lists and packages.
    for (const dir of ["var/lib/apt/lists", "var/cache/apt/archives"]) {
      for (const f of fs.readdirSync(path.join(root, dir))) if (f !== "partial" && f !== "lock") fs.rmSync(path.join(root, dir, f), { recursive: true, force: true });
    }
    const tar = path.join(root + ".tar");
    await run("tar", ["--numeric-owner", "-C", root, "-cf", tar, "."]);
    await podman(["import", "--change", 'CMD ["bash"]', "--change", `LABEL ${id}`, tar, BASE_ALIAS], logFile);
    fs.rmSync(tar, { force: true });
    await podman(["tag", BASE_ALIAS, BASE_IMAGE]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The sandbox image: the static pause binary alone. */
export async function ensurePauseImage(pauseBinary: string): Promise<void> {
  if (await podmanHas(PAUSE_IMAGE)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lakehouse-pause-"));
  try {
    fs.copyFileSync(pauseBinary, path.join(dir, "pause"));
    fs.chmodSync(path.join(dir, "pause"), 0o755);
    const tar = path.join(dir, "pause.tar");
    await run("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", dir, "-cf", tar, "pause"]);
    await podman(["import", "--change", 'ENTRYPOINT ["/pause"]', "--change", "USER 65535:65535", tar, PAUSE_IMAGE]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds a Dockerfile with podman against the local store only (nothing is pulled). */
export async function buildImage(build: ImageBuild, log: Logger): Promise<void> {
  const logFile = path.join(cacheRoot(), "logs", `build-image-${build.tag.replace(/[^a-z0-9.-]+/gi, "_")}.log`);
  log.step(`building image ${build.tag} (${path.relative(process.cwd(), build.dockerfile) || build.dockerfile}; log: ${logFile})`);
  const args = Object.entries(build.buildArgs ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  if (build.target) args.push("--target", build.target);
  for (const [inBuild, host] of Object.entries(build.volumes ?? {})) {
    fs.mkdirSync(host, { recursive: true });
    args.push("--volume", `${host}:${inBuild}`);
  }
  // Host networking: a RUN step reaches the registries (apt, npm, PyPI, Maven) as the host does.
  // The VM's nofile limit is 20000 and root cannot raise it (no CAP_SYS_RESOURCE).
  await podman(["build", "--pull=never", "--network", "host", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
    "--layers", "-f", build.dockerfile, "-t", build.tag, ...args, build.context], logFile);
}

/** ctr against the cluster's containerd, in the namespace the CRI uses. */
export function ctr(socket: string, args: string[]): Promise<string> {
  return run("ctr", ["--address", socket, "--namespace", "k8s.io", ...args]);
}

/**
 * Copies images from podman's store into the cluster's containerd, unless the image id loaded
 * last time (recorded in `loadedFile`) is still the one podman has. The images to load go in one
 * archive (`podman save -m`), so the layers they share (the spark, spark-operator, dbt and
 * superset images share the Python environment's 1.5 GB) are written and read once.
 */
export async function loadImages(socket: string, refs: string[], loadedFile: string, log: Logger): Promise<void> {
  const loaded = loadedRecord(loadedFile);
  const inContainerd = (await ctr(socket, ["images", "list", "--quiet"])).split("\n");
  const ids = Object.fromEntries(await Promise.all(refs.map(async (ref) => [ref, (await podman(["image", "inspect", "--format", "{{.Id}}", ref])).trim()] as const)));
  const toLoad = refs.filter((ref) => loaded[ref] !== ids[ref] || !inContainerd.includes(ref));
  if (toLoad.length === 0) return;
  log.step(`loading ${toLoad.join(", ")} into the cluster's containerd`);
  // Streamed, not a file: the archive of all nine is ~7 GB that the disk need not hold as well.
  const save = podmanArgs(["save", "--format", "docker-archive", ...(toLoad.length > 1 ? ["--multi-image-archive"] : []), ...toLoad]);
  await run("bash", ["-c", 'set -o pipefail; podman "$@" | ctr --address "$CONTAINERD_SOCKET" --namespace k8s.io images import -', "load-images", ...save], {
    env: { ...process.env, CONTAINERD_SOCKET: socket },
  });
  for (const ref of toLoad) loaded[ref] = ids[ref];
  fs.writeFileSync(loadedFile, JSON.stringify(loaded, null, 2));
}

/** The record loadImages keeps: the image id each ref had when it was loaded ({} before any). */
function loadedRecord(loadedFile: string): Record<string, string> {
  return fs.existsSync(loadedFile) ? JSON.parse(fs.readFileSync(loadedFile, "utf8")) : {};
}

/** The refs loadImages has loaded into the cluster's containerd. */
export function loadedImageRefs(loadedFile: string): string[] {
  return Object.keys(loadedRecord(loadedFile));
}

/** Where the local builder tags the project's images: what the cluster's stack config names. */
export const LOCAL_REGISTRY = "localhost";

/** This machine's directory of a build cache (where its own `go` keeps modules and build results), if it has Go. */
async function hostCacheDir(cache: BuildCache): Promise<string | undefined> {
  const variable = cache === "go-modules" ? "GOMODCACHE" : "GOCACHE";
  const dir = await run("go", ["env", variable]).then((out) => out.trim(), () => "");
  return dir || undefined;
}

/** A spec's build caches as volumes of this machine's directories; without Go here, none (the build is only slower). */
export async function cacheVolumes(caches: Record<string, BuildCache> | undefined): Promise<Record<string, string>> {
  const entries = await Promise.all(Object.entries(caches ?? {}).map(async ([inBuild, cache]) => [inBuild, await hostCacheDir(cache)] as const));
  return Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== undefined));
}

/**
 * Builds the project's images (components/imageSpecs.ts) with podman, each after the images it
 * is built FROM, tagged `localhost/lakehouse-<name>:<tag>` as the program's imageTag() names them.
 */
export async function buildProjectImages(names: readonly ImageName[], tag: string, log: Logger, root: string = PROJECT_ROOT): Promise<Record<string, string>> {
  await ensureBaseImage(log);
  const refs: Record<string, string> = {};
  const refOf = (n: ImageName) => (refs[n] ??= imageTag(LOCAL_REGISTRY, n, tag));
  for (const name of buildOrder(names)) {
    const spec: ImageSpec = IMAGE_SPECS[name];
    const volumes = await cacheVolumes(spec.caches);
    await buildImage({ tag: refOf(name), dockerfile: path.join(root, spec.dockerfile), context: root, target: spec.target, buildArgs: buildArgsOf(name, refOf), volumes }, log);
  }
  return refs;
}
