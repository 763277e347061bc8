/** `lakehouse cluster …`: a real one-node Kubernetes on this machine, for when there is no Docker (and so no kind). */
import type { Command } from "commander";
import type { Logger } from "../lib/log";
import { IMAGE_NAMES, type ImageName } from "../../components/imageSpecs";
import { clusterContext, clusterDown, clusterNodeProblems, clusterStatus, clusterStorageProblems, clusterUp } from "../cluster/cluster";
import { buildProjectImages, loadImages } from "../cluster/images";
import { ensureToolchain } from "../cluster/toolchain";
import { renderTable } from "./table";

export function registerClusterCommands(program: Command, log: Logger): void {
  const cluster = program
    .command("cluster")
    .description("a one-node Kubernetes built from the registries (etcd, control plane, containerd, kubelet, kube-proxy, CoreDNS, local volumes); needs root")
    .addHelpText(
      "after",
      "\nWith Docker, use kind instead (scripts/kind-create.sh). The first 'up' builds Kubernetes, CoreDNS and the\n" +
        "volume provisioner from the Go module proxy (~40 min on 2 cores, cached in ~/.cache/lakehouse/cluster).\n" +
        "State (etcd, certificates, volumes, logs) lives in .lakehouse/cluster; the kubeconfig is .lakehouse/cluster/kubeconfig.",
    );

  cluster
    .command("install")
    .description("build or find everything the cluster and its tests need, start nothing: Kubernetes, CoreDNS, the provisioner, the Pulumi CLI and its kubernetes provider (cached; a step CI can cache)")
    .option("--no-pulumi", "skip the Pulumi CLI and provider (~35 min cold)")
    .action(async (opts: { pulumi: boolean }) => {
      const tools = await ensureToolchain(log, { pulumi: opts.pulumi });
      log.step(`installed: Kubernetes ${tools.kubernetesVersion} in ${tools.kubeBin}${tools.pulumiBin ? `; Pulumi ${tools.pulumiVersion} and its kubernetes provider ${tools.kubernetesProviderVersion} in ${tools.pulumiBin}` : ""}`);
    });

  cluster
    .command("up")
    .description("build what is missing, start every component in order, wait for the node to be Ready (idempotent)")
    .action(async () => {
      const ctx = await clusterUp(log, { pulumi: false });
      process.stdout.write(`export KUBECONFIG=${ctx.layout.adminKubeconfig}\n`);
    });

  cluster
    .command("images")
    .argument("[names...]", `images to build (default: all): ${IMAGE_NAMES.join(", ")}`)
    .description("build the project's images from the Debian base with podman (components/imageSpecs.ts) and load them into the running cluster")
    .option("--tag <tag>", "tag of this build (the stack's lakehouse:imageTag)", "dev")
    .option("--no-load", "only build; do not load into the cluster's containerd")
    .action(async (names: string[], opts: { tag: string; load: boolean }) => {
      const unknown = names.filter((n) => !(IMAGE_NAMES as string[]).includes(n));
      if (unknown.length) throw new Error(`unknown image ${unknown.join(", ")}: choose from ${IMAGE_NAMES.join(", ")}`);
      const refs = await buildProjectImages(names.length ? (names as ImageName[]) : IMAGE_NAMES, opts.tag, log);
      if (!opts.load) return;
      const ctx = await clusterContext(log, { installMissing: false });
      if (!ctx || !(await clusterStatus(log)).components.some((c) => c.name === "containerd" && c.healthy)) {
        log.step("no running cluster: the images are in podman's store; after 'lakehouse cluster up', run this again to load them (a rebuild takes seconds)");
        return;
      }
      await loadImages(ctx.layout.containerdSocket, Object.values(refs), ctx.layout.imagesLoaded, log);
    });

  cluster
    .command("down")
    .description("stop every component and remove its pods' processes, mounts, network namespaces, bridge and iptables rules")
    .option("--purge", "also delete the cluster's state (etcd, volumes, certificates): the next 'up' starts a new cluster")
    .action((opts: { purge?: boolean }) => clusterDown(log, { purge: !!opts.purge }));

  cluster
    .command("status")
    .description("each component: process state, health, log file; what keeps the node from taking pods; free disk and any loaded image containerd lost")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const { components, kubeconfig } = await clusterStatus(log);
      if (opts.json) return void process.stdout.write(JSON.stringify({ kubeconfig, components }, null, 2) + "\n");
      if (components.length === 0) return void process.stdout.write("No cluster is running here: run 'lakehouse cluster up'.\n");
      process.stdout.write(renderTable(["component", "process", "health", "log"], components.map((c) => [c.name, c.process, c.healthy ? "healthy" : "DOWN", c.log])) + "\n");
      process.stdout.write(`\nkubeconfig: ${kubeconfig}\n`);
      const ctx = components.some((c) => c.name === "kube-apiserver" && c.healthy) ? await clusterContext(log, { installMissing: false }) : undefined;
      const problems = ctx ? await clusterNodeProblems(ctx) : [];
      if (problems.length) process.stdout.write(`\nthe node does not take pods:\n${problems.map((p) => `  ${p}`).join("\n")}\n(disk: free space under the cluster's state and the image stores; 'kubectl describe node')\n`);
      const containerdUp = components.some((c) => c.name === "containerd" && c.healthy);
      const storage = ctx && containerdUp ? await clusterStorageProblems(ctx) : [];
      if (storage.length) process.stdout.write(`\nstorage:\n${storage.map((p) => `  ${p}`).join("\n")}\n`);
      if (components.some((c) => !c.healthy) || problems.length || storage.length) process.exitCode = 3;
    });
}
