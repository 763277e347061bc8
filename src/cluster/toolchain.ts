/**
 * The cluster tier's toolchain, built from the registries and cached outside the repository:
 * Kubernetes (control plane, kubelet, kube-proxy, kubeadm for certificates, kubectl), the Pulumi
 * CLI and its kubernetes provider plugin from the Go module proxy; CoreDNS and the local-path
 * volume provisioner from the Go module proxy; etcd, containerd, runc, CNI plugins, podman and
 * debootstrap from Debian. Each Go build is a scratch module under cluster/toolchain/ (the
 * upstream modules' replace directives forbid a plain `go install`), so its version lives in one
 * place: that module's go.mod.
 *
 * A finished build leaves a marker; the Go module and build caches (~20 GB) stay where Go keeps
 * them, so a rebuild after a version bump compiles only what changed.
 *
 * Over 250 lines on purpose: one short build function per component, sharing the marker and
 * cache logic above them; splitting them would scatter the versions' one place.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { run } from "../lib/exec";
import { aptInstall } from "../lib/apt";
import type { Logger } from "../lib/log";
import { repoRoot } from "../local/paths";

/** Debian packages the cluster runs, and the command each must put on PATH. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  "etcd-server": "etcd",
  containerd: "containerd",
  runc: "runc",
  "containernetworking-plugins": "/usr/lib/cni/bridge",
  podman: "podman",
  buildah: "buildah",
  debootstrap: "debootstrap",
  iptables: "iptables",
  conntrack: "conntrack",
  // kubelet's port-forward and the CRI's streaming use socat and nsenter (util-linux).
  socat: "socat",
};

export interface Toolchain {
  /** Directory with kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubeadm, kubectl. */
  kubeBin: string;
  kubernetesVersion: string;
  /** Directory with `pulumi` and `pulumi-resource-kubernetes`: put it first on PATH. Its parent is PulumiCommand's root. */
  pulumiBin: string;
  pulumiVersion: string;
  kubernetesProviderVersion: string;
  coredns: string;
  localPathProvisioner: string;
  /** The pause image's static binary (built from k8s.io/kubernetes' build/pause). */
  pause: string;
  cniBinDir: string;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LAKEHOUSE_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "lakehouse"), "cluster");
}

const TOOLCHAIN_DIR = path.join(repoRoot, "cluster", "toolchain");

/** The version a scratch module requires of `module` (its go.mod is the one place it is written). */
export function requiredVersion(goMod: string, module: string): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const m = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (!m) throw new Error(`go.mod does not require ${module}`);
  return m[1];
}

function scratchModule(name: string): { dir: string; goMod: string } {
  const dir = path.join(TOOLCHAIN_DIR, name);
  return { dir, goMod: fs.readFileSync(path.join(dir, "go.mod"), "utf8") };
}

const marker = (dir: string) => path.join(dir, ".lakehouse-complete");

/** Marks a build finished, with what was built and how long it took (bench/cluster.ts reports it). */
function finish(dir: string, what: string, startedMs: number): void {
  fs.writeFileSync(marker(dir), JSON.stringify({ built: what, seconds: Math.round((Date.now() - startedMs) / 1000), finishedAt: new Date().toISOString() }) + "\n");
}

/** What each cached build recorded: its module and how long the build took (absent for builds made before it was recorded). */
export function buildRecords(cache = cacheRoot()): { dir: string; built: string; seconds?: number }[] {
  if (!fs.existsSync(cache)) return [];
  return fs.readdirSync(cache).flatMap((d) => {
    for (const f of [marker(path.join(cache, d)), marker(path.join(cache, d, "bin"))]) {
      if (!fs.existsSync(f)) continue;
      const text = fs.readFileSync(f, "utf8").trim();
      try {
        const r = JSON.parse(text) as { built: string; seconds: number };
        return [{ dir: d, built: r.built, seconds: r.seconds }];
      } catch {
        return [{ dir: d, built: text }];
      }
    }
    return [];
  });
}
const done = (dir: string, files: string[]) => fs.existsSync(marker(dir)) && files.every((f) => fs.existsSync(path.join(dir, f)));

const goEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  CGO_ENABLED: "0",
  // The module proxy is the registry; GOFLAGS from the environment must not switch to vendor mode.
  GOFLAGS: "-mod=mod",
  ...extra,
});

/** `go build` into `out`: a directory (ending in /) for several packages, else the binary's path. */
async function goBuild(log: Logger, what: string, opts: { cwd: string; out: string; packages: string[]; ldflags: string; tags?: string; logFile: string }): Promise<void> {
  log.step(`building ${what} from the Go module proxy (cold: many minutes, once; log: ${opts.logFile})`);
  const out = opts.out;
  fs.mkdirSync(out.endsWith(path.sep) ? out : path.dirname(out), { recursive: true });
  const args = ["build", "-trimpath", ...(opts.tags ? ["-tags", opts.tags] : []), "-ldflags", opts.ldflags, "-o", out, ...opts.packages];
  await run("nice", ["-n", "5", "go", ...args], { cwd: opts.cwd, env: goEnv(), logFile: opts.logFile });
}

/** Kubernetes at the version cluster/toolchain/kubernetes/go.mod requires (kind's node image's version). */
async function buildKubernetes(cache: string, log: Logger): Promise<{ bin: string; version: string }> {
  const { dir, goMod } = scratchModule("kubernetes");
  const version = requiredVersion(goMod, "k8s.io/kubernetes");
  const bin = path.join(cache, `kubernetes-${version}`);
  const commands = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "kubeadm", "kubectl"];
  if (done(bin, commands)) return { bin, version };
  const started = Date.now();
  const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(version)!;
  const stamp = ["gitVersion=" + version, "gitMajor=" + major, "gitMinor=" + minor, "gitTreeState=clean"];
  const ldflags = ["-s", "-w", ...stamp.flatMap((s) => ["-X", `k8s.io/component-base/version.${s}`]), ...stamp.flatMap((s) => ["-X", `k8s.io/client-go/pkg/version.${s}`])].join(" ");
  await goBuild(log, `Kubernetes ${version} (${commands.join(", ")})`, {
    cwd: dir,
    out: bin + path.sep,
    // providerless: no cloud-provider code, a third less to compile and nothing this cluster uses.
    tags: "providerless",
    packages: commands.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    ldflags,
    logFile: path.join(cache, "logs", "build-kubernetes.log"),
  });
  finish(bin, `k8s.io/kubernetes@${version}`, started);
  return { bin, version };
}

async function buildPulumi(cache: string, log: Logger): Promise<{ bin: string; version: string }> {
  const { dir, goMod } = scratchModule("pulumi");
  const version = requiredVersion(goMod, "github.com/pulumi/pulumi/pkg/v3");
  // <root>/bin/pulumi: the layout the Automation API's PulumiCommand.get({ root }) expects.
  const bin = path.join(cache, `pulumi-${version}`, "bin");
  if (done(bin, ["pulumi"])) return { bin, version };
  const started = Date.now();
  await goBuild(log, `the Pulumi CLI ${version}`, {
    cwd: dir,
    out: path.join(bin, "pulumi"),
    packages: ["github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
    ldflags: `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`,
    logFile: path.join(cache, "logs", "build-pulumi.log"),
  });
  finish(bin, `github.com/pulumi/pulumi/pkg/v3@${version}`, started);
  return { bin, version };
}

/**
 * The kubernetes provider plugin. Its module replaces sdk/v4 with a sibling folder and embeds
 * files its release process generates, so the module is copied out of the module cache, the
 * replace dropped (sdk/v4 and pulumi pkg/sdk at the versions pinned in
 * cluster/toolchain/pulumi-kubernetes/versions.env), the embedded schema generated as its
 * generate.go does, and the command built. Only one version is served here (see STACK.md).
 */
async function buildKubernetesProvider(cache: string, log: Logger): Promise<{ plugin: string; version: string }> {
  const pins = Object.fromEntries(
    fs.readFileSync(path.join(TOOLCHAIN_DIR, "pulumi-kubernetes", "versions.env"), "utf8")
      .split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#")).map((l) => l.split("=", 2) as [string, string]),
  );
  const version = pins.PROVIDER_VERSION;
  const out = path.join(cache, `pulumi-kubernetes-v${version}`);
  const plugin = path.join(out, "pulumi-resource-kubernetes");
  if (done(out, ["pulumi-resource-kubernetes"])) return { plugin, version };
  const started = Date.now();
  const logFile = path.join(cache, "logs", "build-pulumi-kubernetes.log");
  const module = `github.com/pulumi/pulumi-kubernetes/provider/v4@${pins.PROVIDER_MODULE_VERSION}`;
  log.step(`fetching ${module}`);
  const info = JSON.parse(await run("go", ["mod", "download", "-json", module], { env: goEnv(), logFile })) as { Dir: string };
  const src = path.join(cache, "build", `pulumi-kubernetes-v${version}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.cpSync(info.Dir, src, { recursive: true });
  await run("chmod", ["-R", "u+w", src]);
  // pulumi-gen-kubernetes (the SDK generator) imports codegen packages newer pkg/v3 releases dropped; not needed.
  fs.rmSync(path.join(src, "cmd", "pulumi-gen-kubernetes"), { recursive: true, force: true });
  await run("go", ["mod", "edit", "-dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4",
    `-require=github.com/pulumi/pulumi-kubernetes/sdk/v4@${pins.SDK_V4}`, `-require=github.com/pulumi/pulumi/pkg/v3@${pins.PULUMI}`, `-require=github.com/pulumi/pulumi/sdk/v3@${pins.PULUMI}`], { cwd: src, logFile });
  await run("go", ["mod", "tidy"], { cwd: src, env: goEnv(), logFile });
  const cmd = path.join(src, "cmd", "pulumi-resource-kubernetes");
  await run("go", ["run", "./generate.go"], { cwd: cmd, env: goEnv({ VERSION: version }), logFile });
  await goBuild(log, `the Pulumi kubernetes provider ${version}`, {
    cwd: cmd,
    out: plugin,
    packages: ["."],
    ldflags: `-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${version}`,
    logFile,
  });
  finish(out, module, started);
  fs.rmSync(src, { recursive: true, force: true });
  return { plugin, version };
}

/**
 * Go commands whose modules have no replace directives, so `go install module@version` builds
 * them. CoreDNS: the release kind's Kubernetes 1.33 node ships is 1.12.0; 1.12.1 is its patch.
 * local-path-provisioner: what kind uses for its default StorageClass; v0.0.30 is the newest
 * the proxy here serves.
 */
export const GO_COMMANDS = {
  coredns: { module: "github.com/coredns/coredns", version: "v1.12.1" },
  "local-path-provisioner": { module: "github.com/rancher/local-path-provisioner", version: "v0.0.30" },
} as const;

async function goInstall(cache: string, log: Logger, name: keyof typeof GO_COMMANDS): Promise<string> {
  const { module, version } = GO_COMMANDS[name];
  const out = path.join(cache, `${name}-${version}`);
  const bin = path.join(out, path.basename(module));
  if (done(out, [path.basename(module)])) return bin;
  log.step(`building ${name} ${version} from the Go module proxy (once)`);
  const started = Date.now();
  fs.mkdirSync(out, { recursive: true });
  await run("nice", ["-n", "5", "go", "install", "-trimpath", "-ldflags=-s -w", `${module}@${version}`], {
    env: goEnv({ GOBIN: out, GOFLAGS: "" }),
    logFile: path.join(cache, "logs", `build-${name}.log`),
  });
  finish(out, `${module}@${version}`, started);
  return bin;
}

/** The pause container's binary: pause.c from the k8s.io/kubernetes module, linked statically. */
async function buildPause(cache: string, k8sVersion: string, log: Logger): Promise<string> {
  const out = path.join(cache, `pause-${k8sVersion}`);
  const bin = path.join(out, "pause");
  if (done(out, ["pause"])) return bin;
  log.step("building the pause binary (k8s.io/kubernetes build/pause/linux/pause.c)");
  const started = Date.now();
  const info = JSON.parse(await run("go", ["mod", "download", "-json", `k8s.io/kubernetes@${k8sVersion}`], { env: goEnv() })) as { Dir: string };
  fs.mkdirSync(out, { recursive: true });
  await run("gcc", ["-Os", "-Wall", "-static", "-DVERSION=" + k8sVersion, "-o", bin, path.join(info.Dir, "build", "pause", "linux", "pause.c")]);
  await run("strip", [bin]);
  finish(out, `k8s.io/kubernetes@${k8sVersion} build/pause`, started);
  return bin;
}

/** True when `cmd` (a name on PATH, or an absolute path) exists. */
export function onPath(cmd: string): boolean {
  if (cmd.startsWith("/")) return fs.existsSync(cmd);
  return (process.env.PATH ?? "").split(":").some((d) => fs.existsSync(path.join(d, cmd)));
}

/** Installs the Debian packages that are missing (needs root, as the cluster itself does). */
export async function installDebianPackages(log: Logger): Promise<void> {
  const missing = Object.entries(DEBIAN_PACKAGES).filter(([, cmd]) => !onPath(cmd)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`the cluster needs these Debian packages: ${missing.join(" ")}; install them (apt-get install ${missing.join(" ")}) or run as root`);
  log.step(`installing Debian packages: ${missing.join(", ")}`);
  await aptInstall(missing);
}

/** The Pulumi CLI and the kubernetes provider plugin in one directory (the engine finds plugins on PATH as pulumi-resource-<name>). */
export async function ensurePulumi(log: Logger): Promise<{ bin: string; version: string; providerVersion: string }> {
  const cache = cacheRoot();
  fs.mkdirSync(path.join(cache, "logs"), { recursive: true });
  const pulumi = await buildPulumi(cache, log);
  const provider = await buildKubernetesProvider(cache, log);
  const link = path.join(pulumi.bin, "pulumi-resource-kubernetes");
  if (!fs.existsSync(link) || fs.readlinkSync(link) !== provider.plugin) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(provider.plugin, link);
  }
  return { bin: pulumi.bin, version: pulumi.version, providerVersion: provider.version };
}

/** The kubeflow spark-operator's Go module (its chart, CRDs included, is in charts/spark-operator-chart). */
export const SPARK_OPERATOR_MODULE = "github.com/kubeflow/spark-operator/v2";

/**
 * The kubeflow spark-operator's Go module at the chart version the program pins: it holds the
 * Helm chart (charts/spark-operator-chart, CRDs in its crds/) of the same release, for a machine
 * that cannot reach the chart's Helm repository, and the CRD schemas the unit tests validate the
 * program's Spark objects against (test/support/spark-operator-crd.ts). Returns the chart directory.
 */
export async function sparkOperatorChart(version: string): Promise<string> {
  const module = `${SPARK_OPERATOR_MODULE}@v${version}`;
  let out: string;
  try {
    out = await run("go", ["mod", "download", "-json", module], { env: goEnv() });
  } catch (e) {
    throw new Error(`could not get the Go module ${module} (the spark-operator's chart and CRDs) with \`go mod download\`: ${e instanceof Error ? e.message : String(e)}\n`
      + "It needs `go` on PATH and the Go module proxy reachable (`go env GOPROXY`; a proxy of your own through GOPROXY). Once downloaded it stays in Go's module cache (`go env GOMODCACHE`).");
  }
  return path.join((JSON.parse(out) as { Dir: string }).Dir, "charts", "spark-operator-chart");
}

/** Builds or finds everything; what the cluster tier needs only (the engine tests add Pulumi). */
export async function ensureToolchain(log: Logger, opts: { pulumi?: boolean } = {}): Promise<Toolchain> {
  const cache = cacheRoot();
  fs.mkdirSync(path.join(cache, "logs"), { recursive: true });
  await installDebianPackages(log);
  const k8s = await buildKubernetes(cache, log);
  const pause = await buildPause(cache, k8s.version, log);
  const coredns = await goInstall(cache, log, "coredns");
  const localPathProvisioner = await goInstall(cache, log, "local-path-provisioner");
  const pulumi = opts.pulumi === false ? { bin: "", version: "", providerVersion: "" } : await ensurePulumi(log);
  return {
    kubeBin: k8s.bin,
    kubernetesVersion: k8s.version,
    pulumiBin: pulumi.bin,
    pulumiVersion: pulumi.version,
    kubernetesProviderVersion: pulumi.providerVersion,
    coredns,
    localPathProvisioner,
    pause,
    cniBinDir: "/usr/lib/cni",
  };
}
