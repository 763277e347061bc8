/**
 * `lakehouse cluster up|down|status`: a real one-node Kubernetes on this machine, without
 * Docker: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd with runc,
 * kubelet, kube-proxy (iptables), CoreDNS and the local-path provisioner, each a process under
 * supervisord (the local stack's process manager), started in order and health-checked. The
 * admin kubeconfig is written to <state>/kubeconfig.
 *
 * Over 250 lines on purpose: the start order, the health checks and the teardown of the same
 * processes change together (a process added here is started, checked and cleaned up here).
 */
import fs from "node:fs";
import https from "node:https";
import yaml from "js-yaml";
import path from "node:path";
import { run } from "../lib/exec";
import type { Logger } from "../lib/log";
import { httpProbe, waitFor, type Probe } from "../local/health";
import { repoRoot, stackPaths, type StackPaths } from "../local/paths";
import { installPython } from "../local/install";
import { Supervisor, tail, type Program } from "../local/supervisor";
import * as cfg from "./config";
import { BASE_ALIAS, BASE_IMAGE, ctr, ensureBaseImage, ensurePauseImage, loadedImageRefs, loadImages } from "./images";
import { ensureToolchain, type Toolchain } from "./toolchain";

export interface ClusterContext {
  layout: cfg.ClusterLayout;
  net: cfg.ClusterNetwork;
  tools: Toolchain;
  log: Logger;
}

/** The cluster's state lives beside the local stack's, in <LAKEHOUSE_HOME>/cluster. */
export function clusterState(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(env).state, "cluster");
}

/** The supervisor's view of the cluster's directories (its own supervisord, socket and logs). */
function supervisorPaths(layout: cfg.ClusterLayout): StackPaths {
  return { ...stackPaths(), state: layout.state, run: layout.run, logs: layout.logs, conf: layout.conf };
}

/** The host's primary IPv4 address (the source address of its default route). */
export async function primaryIp(): Promise<string> {
  const out = await run("ip", ["-4", "route", "get", "1.1.1.1"]);
  const m = /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(out);
  if (!m) throw new Error(`cannot tell this host's primary address from 'ip route get': ${out.trim()}`);
  return m[1];
}

function env(ctx: ClusterContext): string {
  const file = path.join(ctx.layout.conf, "env");
  const PATH = [ctx.tools.kubeBin, ctx.tools.cniBinDir, process.env.PATH].join(":");
  fs.writeFileSync(file, `PATH='${PATH}'\nKUBECONFIG='${ctx.layout.adminKubeconfig}'\n`, { mode: 0o600 });
  return file;
}

interface Component {
  name: string;
  program: Program;
  /** Its own health endpoint; without one, healthy = supervisord keeps it RUNNING. */
  health?: Probe;
  startTimeoutMs: number;
}

/** Probes an HTTPS endpoint of the control plane with the admin's client certificate. */
function apiProbe(ctx: ClusterContext, pathname: string, port = ctx.net.apiServerPort): Probe {
  const pki = (f: string) => fs.readFileSync(path.join(ctx.layout.pki, f));
  return () =>
    new Promise((resolve) => {
      let ca: Buffer, cert: Buffer, key: Buffer;
      try {
        [ca, cert, key] = [pki("ca.crt"), fs.readFileSync(path.join(ctx.layout.pki, "admin-client.crt")), fs.readFileSync(path.join(ctx.layout.pki, "admin-client.key"))];
      } catch {
        return resolve(false);
      }
      const req = https.get({ host: "127.0.0.1", port, path: pathname, ca, cert, key, timeout: 2000, rejectUnauthorized: port === ctx.net.apiServerPort }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
      req.on("timeout", () => req.destroy());
    });
}

export function components(ctx: ClusterContext): Component[] {
  const { layout, net, tools } = ctx;
  const envFile = path.join(layout.conf, "env");
  const bin = (c: string) => path.join(tools.kubeBin, c);
  const program = (name: string, argv: string[], stopWaitSecs = 30): Program => ({
    name,
    command: argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" "),
    envFile,
    cwd: layout.state,
    stopWaitSecs,
  });
  return [
    { name: "etcd", program: program("etcd", ["etcd", ...cfg.etcdArgs(net, layout)]), health: httpProbe(`http://127.0.0.1:${net.etcdClientPort}/health`, (b) => b.includes('"true"')), startTimeoutMs: 60_000 },
    { name: "kube-apiserver", program: program("kube-apiserver", [bin("kube-apiserver"), ...cfg.apiServerArgs(net, layout)]), health: apiProbe(ctx, "/readyz"), startTimeoutMs: 120_000 },
    { name: "kube-controller-manager", program: program("kube-controller-manager", [bin("kube-controller-manager"), ...cfg.controllerManagerArgs(net, layout)]), health: apiProbe(ctx, "/healthz", 10257), startTimeoutMs: 60_000 },
    { name: "kube-scheduler", program: program("kube-scheduler", [bin("kube-scheduler"), ...cfg.schedulerArgs(layout)]), health: apiProbe(ctx, "/healthz", 10259), startTimeoutMs: 60_000 },
    {
      name: "containerd",
      program: program("containerd", ["containerd", "--config", path.join(layout.conf, "containerd.toml")]),
      health: () => run("ctr", ["--address", layout.containerdSocket, "version"]).then(() => true, () => false),
      startTimeoutMs: 30_000,
    },
    { name: "kubelet", program: program("kubelet", [bin("kubelet"), ...cfg.kubeletArgs(net, layout)], 60), health: httpProbe("http://127.0.0.1:10248/healthz"), startTimeoutMs: 60_000 },
    { name: "kube-proxy", program: program("kube-proxy", [bin("kube-proxy"), `--config=${path.join(layout.conf, "kube-proxy.yaml")}`]), health: httpProbe("http://127.0.0.1:10256/healthz"), startTimeoutMs: 60_000 },
    { name: "coredns", program: program("coredns", [tools.coredns, "-conf", path.join(layout.conf, "Corefile")]), health: httpProbe("http://127.0.0.1:8182/ready"), startTimeoutMs: 60_000 },
    {
      name: "local-path-provisioner",
      program: program("local-path-provisioner", [tools.localPathProvisioner, "--debug", "start",
        "--kubeconfig", path.join(layout.kubeconfigs, "local-path-provisioner.conf"), "--namespace", "local-path-storage",
        "--service-account-name", "local-path-provisioner", "--configmap-name", "local-path-config", "--helper-image", BASE_ALIAS,
        "--config", path.join(layout.conf, "local-path-config.json")]),
      startTimeoutMs: 30_000,
    },
  ];
}

/** kubectl with the cluster's admin kubeconfig. */
export function kubectl(ctx: { layout: cfg.ClusterLayout; tools: Toolchain }, args: string[], input?: string): Promise<string> {
  return run(path.join(ctx.tools.kubeBin, "kubectl"), ["--kubeconfig", ctx.layout.adminKubeconfig, ...args], { input });
}

/** The parts of a Node object that say whether it takes pods. */
export interface NodeHealthView {
  metadata?: { name?: string };
  spec?: { taints?: { key: string; effect: string }[]; unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/**
 * What keeps a node from running pods, one line each: Ready not True, a pressure condition
 * (DiskPressure, MemoryPressure, PIDPressure) True, a taint, cordoned. The kubelet taints a node
 * with too little free disk and its pods stay Pending with no other sign in their own status.
 */
export function nodeProblems(node: NodeHealthView): string[] {
  const name = node.metadata?.name ?? "node";
  const problems: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const bad = c.type === "Ready" ? c.status !== "True" : c.status === "True";
    if (bad) problems.push(`${name}: ${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ""})` : ""}`);
  }
  for (const t of node.spec?.taints ?? []) problems.push(`${name}: taint ${t.key}:${t.effect}`);
  if (node.spec?.unschedulable) problems.push(`${name}: cordoned (unschedulable)`);
  return problems;
}

/** nodeProblems of every node of the running cluster. */
export async function clusterNodeProblems(ctx: ClusterContext): Promise<string[]> {
  const nodes = JSON.parse(await kubectl(ctx, ["get", "nodes", "-o", "json"])) as { items: NodeHealthView[] };
  return nodes.items.flatMap(nodeProblems);
}

/** Below this much free disk under the cluster's state, `cluster status` warns: the stack's volumes and images grow there. */
export const LOW_DISK_BYTES = 5 * 1024 ** 3;

/**
 * What will keep pods from starting or writing, one line each: free disk under `low` on the
 * cluster's filesystem, and images the cluster loaded (`loaded`, loadImages' record) that
 * containerd no longer lists (`present`). Nothing here is pulled, so a deleted image stays gone
 * until it is loaded again.
 */
export function storageProblems(disk: { path: string; freeBytes: number }, loaded: readonly string[], present: readonly string[], low = LOW_DISK_BYTES): string[] {
  const problems: string[] = [];
  if (disk.freeBytes < low) {
    problems.push(`${(disk.freeBytes / 1024 ** 3).toFixed(1)} GB free under ${disk.path}: the stack's volumes and images live there, and a full disk fails their writes`);
  }
  const have = new Set(present);
  const gone = loaded.filter((ref) => !have.has(ref));
  if (gone.length) {
    problems.push(`containerd no longer has ${gone.join(", ")}: no pod that needs ${gone.length > 1 ? "them" : "it"} can start. ` +
      "Load again with 'lakehouse cluster up' (the sandbox and base images) and 'lakehouse cluster images' (the project's)");
  }
  return problems;
}

/** storageProblems of the running cluster. */
export async function clusterStorageProblems(ctx: ClusterContext): Promise<string[]> {
  const stat = fs.statfsSync(ctx.layout.containerdRoot);
  const loaded = loadedImageRefs(ctx.layout.imagesLoaded);
  const present = (await ctr(ctx.layout.containerdSocket, ["images", "list", "--quiet"])).split("\n").filter(Boolean);
  return storageProblems({ path: ctx.layout.containerdRoot, freeBytes: stat.bavail * stat.bsize }, loaded, present);
}

/** Certificates and kubeconfigs, made once per install by kubeadm's own phases (never copied between installs). */
async function ensurePki(ctx: ClusterContext): Promise<void> {
  const { layout, net, tools } = ctx;
  const kubeadm = path.join(tools.kubeBin, "kubeadm");
  const config = path.join(layout.conf, "kubeadm.yaml");
  fs.writeFileSync(config, cfg.kubeadmConfig(net, layout, tools.kubernetesVersion));
  const logFile = path.join(layout.logs, "kubeadm.log");
  // Idempotent: kubeadm keeps certificates and kubeconfigs that exist and still match.
  await run(kubeadm, ["init", "phase", "certs", "all", "--config", config], { logFile });
  // admin.conf's user is in the group kubeadm:cluster-admins, which bootstrap.yaml binds to
  // cluster-admin (as `kubeadm init` does); super-admin.conf (system:masters) is used only to apply that.
  for (const phase of ["admin", "super-admin", "controller-manager", "scheduler", "kubelet"]) {
    await run(kubeadm, ["init", "phase", "kubeconfig", phase, "--config", config, "--kubeconfig-dir", layout.kubeconfigs], { logFile });
  }
  // The host-run add-ons get a user each (RBAC in cluster/manifests/bootstrap.yaml); kube-proxy's is the
  // user Kubernetes' default system:node-proxier binding names.
  const users: Record<string, { user: string }> = {
    "kube-proxy": { user: "system:kube-proxy" },
    coredns: { user: "lakehouse:coredns" },
    "local-path-provisioner": { user: "lakehouse:local-path-provisioner" },
  };
  for (const [name, u] of Object.entries(users)) {
    const file = path.join(layout.kubeconfigs, `${name}.conf`);
    if (fs.existsSync(file)) continue;
    const out = await run(kubeadm, ["kubeconfig", "user", "--config", config, "--client-name", u.user, "--validity-period", "8760h"], { logFile });
    fs.writeFileSync(file, out, { mode: 0o600 });
  }
  // The health probes use the admin's key pair directly.
  const admin = yaml.load(fs.readFileSync(path.join(layout.kubeconfigs, "admin.conf"), "utf8")) as any;
  const u = admin.users[0].user;
  fs.writeFileSync(path.join(layout.pki, "admin-client.crt"), Buffer.from(u["client-certificate-data"], "base64"));
  fs.writeFileSync(path.join(layout.pki, "admin-client.key"), Buffer.from(u["client-key-data"], "base64"), { mode: 0o600 });
  fs.copyFileSync(path.join(layout.kubeconfigs, "admin.conf"), layout.adminKubeconfig);
}

/** The host settings pods need: forwarding, and bridged traffic through iptables (Services). */
async function hostNetworking(): Promise<void> {
  await run("modprobe", ["br_netfilter"]).catch(() => undefined);
  fs.writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");
  const bridged = "/proc/sys/net/bridge/bridge-nf-call-iptables";
  if (!fs.existsSync(bridged)) throw new Error(`${bridged} is missing: the kernel needs br_netfilter for Service traffic between pods`);
  fs.writeFileSync(bridged, "1");
}

async function writeConfigs(ctx: ClusterContext): Promise<void> {
  const { layout, net, tools } = ctx;
  for (const dir of [layout.conf, layout.logs, layout.run, layout.cniConf, layout.kubeconfigs, layout.pki, layout.volumes, layout.podLogs]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(layout.conf, "containerd.toml"), cfg.containerdConfig(layout, tools.cniBinDir));
  const defaultSpec = JSON.parse(await run("ctr", ["oci", "spec"]));
  fs.writeFileSync(path.join(layout.conf, "base-runtime-spec.json"), JSON.stringify(cfg.baseRuntimeSpec(defaultSpec, Number(await run("sh", ["-c", "ulimit -Hn"]))), null, 2));
  fs.writeFileSync(path.join(layout.cniConf, "10-lakehouse.conflist"), cfg.cniConfList(net));
  fs.writeFileSync(path.join(layout.conf, "kubelet.yaml"), cfg.kubeletConfig(net, layout));
  fs.writeFileSync(path.join(layout.conf, "kube-proxy.yaml"), cfg.kubeProxyConfig(net, layout));
  fs.writeFileSync(path.join(layout.conf, "Corefile"), cfg.corefile(net, layout));
  fs.writeFileSync(path.join(layout.conf, "local-path-config.json"), JSON.stringify({ nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [layout.volumes] }] }));
  env(ctx);
}

function healthOf(supervisor: Supervisor, c: Component): Probe {
  return c.health ?? (async () => (await supervisor.states()).get(c.name)?.state === "RUNNING");
}

async function start(ctx: ClusterContext, supervisor: Supervisor, c: Component): Promise<void> {
  const health = healthOf(supervisor, c);
  const state = (await supervisor.states()).get(c.name)?.state;
  if (state === "RUNNING" && (await health())) return ctx.log.step(`${c.name}: already running`);
  ctx.log.step(`${c.name}: starting`);
  await supervisor.start(c.name);
  try {
    await waitFor(health, { timeoutMs: c.startTimeoutMs, intervalMs: 500 });
  } catch (e) {
    const now = (await supervisor.states()).get(c.name);
    const log = supervisor.logFile(c.name);
    throw new Error(`${c.name} failed its health check (${(e as Error).message}; process ${now?.state ?? "unknown"} ${now?.detail ?? ""}).\nLog: ${log}\n--- last lines ---\n${tail(log)}`);
  }
}

const toolchainRecord = (layout: cfg.ClusterLayout) => path.join(layout.run, "toolchain.json");

/** Builds or finds the toolchain; `installMissing: false` only reads what the last `up` recorded. */
export async function clusterContext(log: Logger, opts: { pulumi?: boolean; installMissing?: boolean } = {}): Promise<ClusterContext | undefined> {
  const layout = cfg.clusterLayout(clusterState());
  let tools: Toolchain;
  if (opts.installMissing === false) {
    if (!fs.existsSync(toolchainRecord(layout))) return undefined;
    tools = JSON.parse(fs.readFileSync(toolchainRecord(layout), "utf8")) as Toolchain;
  } else {
    if (process.getuid?.() !== 0) throw new Error("the cluster runs containerd, kubelet and kube-proxy, which need root; run as root");
    tools = await ensureToolchain(log, opts);
    fs.mkdirSync(layout.run, { recursive: true });
    fs.writeFileSync(toolchainRecord(layout), JSON.stringify(tools, null, 2));
  }
  const net = { ...cfg.DEFAULT_NETWORK, nodeIp: await primaryIp() };
  return { layout, net, tools, log };
}

/** Brings the cluster up (idempotent) and returns once the node is Ready and DNS answers. */
export async function clusterUp(log: Logger, opts: { pulumi?: boolean } = {}): Promise<ClusterContext> {
  const started = Date.now();
  await installPython(stackPaths(), log); // supervisord lives in the project's Python environment
  const ctx = (await clusterContext(log, opts))!;
  await writeConfigs(ctx);
  await ensurePki(ctx);
  await hostNetworking();
  await ensureBaseImage(log);
  await ensurePauseImage(ctx.tools.pause);
  const supervisor = new Supervisor(supervisorPaths(ctx.layout));
  const all = components(ctx);
  await supervisor.ensureRunning(all.map((c) => c.program));
  for (const c of all) {
    if (c.name === "kubelet") {
      // Before kubelet: the sandbox and helper images must be in containerd, and the cluster's own objects applied.
      await loadImages(ctx.layout.containerdSocket, [cfg.PAUSE_IMAGE, BASE_ALIAS, BASE_IMAGE], ctx.layout.imagesLoaded, log);
      const template = fs.readFileSync(path.join(repoRoot, "cluster", "manifests", "bootstrap.yaml"), "utf8");
      await run(path.join(ctx.tools.kubeBin, "kubectl"), ["--kubeconfig", path.join(ctx.layout.kubeconfigs, "super-admin.conf"), "apply", "--server-side", "--field-manager=lakehouse-cluster", "-f", "-"], {
        input: cfg.renderBootstrap(template, ctx.net, { helperImage: BASE_ALIAS, volumes: ctx.layout.volumes }),
      });
    }
    await start(ctx, supervisor, c);
  }
  log.step("waiting for the node to be Ready");
  await kubectl(ctx, ["wait", "--for=condition=Ready", `node/${ctx.net.nodeName}`, "--timeout=120s"]).catch(async (e: Error) => {
    throw new Error(`node ${ctx.net.nodeName} is not Ready: ${e.message}\n--- kubelet log ---\n${tail(supervisor.logFile("kubelet"))}`);
  });
  log.step(`cluster ready in ${((Date.now() - started) / 1000).toFixed(0)} s: export KUBECONFIG=${ctx.layout.adminKubeconfig}`);
  return ctx;
}

/**
 * Deletes the iptables chains the cluster made (CNI-* of the bridge and portmap plugins, KUBE-* of
 * kubelet and kube-proxy) and every rule that jumps to them. Rules are re-read through a shell for
 * their quoting.
 */
async function removeIptablesChains(): Promise<void> {
  const ours = /^(CNI-|KUBE-)/;
  for (const table of ["nat", "filter", "mangle"]) {
    const rules = (await run("iptables", ["-t", table, "-S"]).catch(() => "")).split("\n");
    const chains = rules.map((l) => /^-N (\S+)/.exec(l)?.[1]).filter((c): c is string => !!c && ours.test(c));
    for (const rule of rules.filter((l) => /^-A (\S+) .*-j (CNI-|KUBE-)/.test(l) && !ours.test(l.split(" ")[1]))) {
      await run("sh", ["-c", `iptables -t ${table} ${rule.replace(/^-A/, "-D")}`]).catch(() => undefined);
    }
    for (const c of chains) await run("iptables", ["-t", table, "-F", c]).catch(() => undefined);
    for (const c of chains) await run("iptables", ["-t", table, "-X", c]).catch(() => undefined);
  }
}

/** Every mount under the state directory, deepest first (kubelet's volumes, containerd's snapshots and shm). */
function mountsUnder(dir: string): string[] {
  const mounts = fs.readFileSync("/proc/self/mounts", "utf8").split("\n").map((l) => l.split(" ")[1]?.replace(/\\040/g, " ")).filter(Boolean) as string[];
  return mounts.filter((m) => m === dir || m.startsWith(dir + path.sep)).sort((a, b) => b.length - a.length);
}

/**
 * Stops everything and leaves no process, mount, bridge, network namespace or iptables rule of
 * the cluster behind. Data (etcd, volumes, certificates) stays for the next `up` unless `purge`.
 */
export async function clusterDown(log: Logger, opts: { purge?: boolean } = {}): Promise<void> {
  const layout = cfg.clusterLayout(clusterState());
  if (!fs.existsSync(layout.state)) return log.step("no cluster here");
  const supervisor = new Supervisor(supervisorPaths(layout));
  if (await supervisor.isRunning()) {
    log.step("stopping the cluster's processes");
    // Pods first: kubelet is stopped while containerd still runs, then every container is killed.
    await supervisor.ctl(["stop", "local-path-provisioner", "coredns", "kube-proxy", "kubelet", "kube-scheduler", "kube-controller-manager", "kube-apiserver"]).catch(() => undefined);
    await run("ctr", ["--address", layout.containerdSocket, "--namespace", "k8s.io", "tasks", "list", "--quiet"]).then(async (ids) => {
      for (const id of ids.split("\n").filter(Boolean)) await run("ctr", ["--address", layout.containerdSocket, "--namespace", "k8s.io", "tasks", "kill", "--signal", "SIGKILL", id]).catch(() => undefined);
    }, () => undefined);
    await supervisor.shutdown();
  }
  // containerd-shim processes outlive containerd by design; the cluster's are ours to stop.
  await run("pkill", ["-KILL", "-f", `containerd-shim-runc-v2 -namespace k8s.io -id [0-9a-f]+ -address ${layout.containerdSocket}`]).catch(() => undefined);
  for (const m of mountsUnder(layout.state)) await run("umount", ["-l", m]).catch(() => undefined);
  // The bridge, the pods' network namespaces and the iptables chains are the host's, not this
  // state directory's: while another checkout's cluster runs here, they are its network (seen:
  // a `down --purge` in one checkout cut the pods of another's running test off).
  const others = await otherClusters(layout.conf);
  if (others.length) log.warn(`another lakehouse cluster runs on this host (${others.join(", ")}): its network (bridge ${cfg.DEFAULT_NETWORK.bridge}, the pods' namespaces, iptables) is left alone`);
  else await removeHostNetwork(log);
  if (opts.purge) {
    fs.rmSync(layout.state, { recursive: true, force: true });
    log.step(`removed ${layout.state}`);
  }
  log.step("cluster stopped");
}

/**
 * The host's share of a stopped cluster: kube-proxy's KUBE-* chains, then what the CNI plugins
 * leave when pods are killed rather than deleted (network namespaces, the bridge, IP
 * allocations), then every iptables chain of the CNI plugins, kubelet and kube-proxy.
 */
async function removeHostNetwork(log: Logger): Promise<void> {
  const ctx = await clusterContext(log, { installMissing: false });
  if (ctx) await run(path.join(ctx.tools.kubeBin, "kube-proxy"), ["--cleanup"]).catch(() => undefined);
  if (fs.existsSync("/var/run/netns")) for (const ns of fs.readdirSync("/var/run/netns").filter((n) => n.startsWith("cni-"))) await run("ip", ["netns", "delete", ns]).catch(() => undefined);
  await run("ip", ["link", "delete", cfg.DEFAULT_NETWORK.bridge]).catch(() => undefined);
  fs.rmSync(path.join("/var/lib/cni/networks", "lakehouse"), { recursive: true, force: true });
  await removeIptablesChains();
}

/** The configuration directories of the other lakehouse clusters' containerds running on this host. */
async function otherClusters(ownConf: string): Promise<string[]> {
  const lines = await run("pgrep", ["-af", "containerd --config .*/conf/containerd\\.toml"]).catch(() => "");
  return lines.split("\n")
    .map((l) => /--config (\S+)\/containerd\.toml/.exec(l)?.[1])
    .filter((conf): conf is string => !!conf && path.resolve(conf) !== path.resolve(ownConf));
}

export interface ComponentStatus {
  name: string;
  process: string;
  healthy: boolean;
  log: string;
}

export async function clusterStatus(log: Logger): Promise<{ components: ComponentStatus[]; kubeconfig: string }> {
  const layout = cfg.clusterLayout(clusterState());
  const supervisor = new Supervisor(supervisorPaths(layout));
  if (!fs.existsSync(layout.conf) || !(await supervisor.isRunning())) return { components: [], kubeconfig: layout.adminKubeconfig };
  const ctx = await clusterContext(log, { installMissing: false });
  if (!ctx) return { components: [], kubeconfig: layout.adminKubeconfig };
  const states = await supervisor.states();
  const rows = await Promise.all(components(ctx).map(async (c) => ({ name: c.name, process: states.get(c.name)?.state ?? "STOPPED", healthy: await healthOf(supervisor, c)(), log: supervisor.logFile(c.name) })));
  return { components: rows, kubeconfig: layout.adminKubeconfig };
}
