/** The cluster's rendered configuration and the toolchain's pins (pure; no cluster). */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import yaml from "js-yaml";
import * as cfg from "../../../src/cluster/config";
import { requiredVersion } from "../../../src/cluster/toolchain";

const ROOT = path.resolve(__dirname, "../../..");
const net: cfg.ClusterNetwork = { ...cfg.DEFAULT_NETWORK, nodeIp: "192.0.2.7" };
const layout = cfg.clusterLayout("/var/tmp/lh");

test("the cluster's Kubernetes is the version kind's pinned node image runs (both paths meet the same API)", () => {
  const goMod = fs.readFileSync(path.join(ROOT, "cluster/toolchain/kubernetes/go.mod"), "utf8");
  const kindImage = /kindest\/node:(v[\d.]+)@/.exec(fs.readFileSync(path.join(ROOT, "scripts/kind-create.sh"), "utf8"))![1];
  assert.equal(requiredVersion(goMod, "k8s.io/kubernetes"), kindImage);
  // Every staging module is replaced by its published version of the same release.
  const staging = [...goMod.matchAll(/^\s*(k8s\.io\/\S+) => \1 (v\S+)$/gm)];
  assert.ok(staging.length >= 30, `${staging.length} replaces`);
  for (const [, mod, v] of staging) assert.equal(v, kindImage.replace(/^v1\./, "v0."), mod);
});

test("requiredVersion reads a require line, in a block or alone, and fails loudly when absent", () => {
  assert.equal(requiredVersion("module x\n\nrequire k8s.io/kubernetes v1.33.1\n", "k8s.io/kubernetes"), "v1.33.1");
  assert.equal(requiredVersion("require (\n\tgithub.com/pulumi/pulumi/pkg/v3 v3.276.0\n\tgithub.com/pulumi/pulumi/sdk/v3 v3.276.0\n)\n", "github.com/pulumi/pulumi/sdk/v3"), "v3.276.0");
  assert.throws(() => requiredVersion("module x\n", "k8s.io/kubernetes"), /does not require k8s.io\/kubernetes/);
});

test("the Pulumi CLI's scratch module requires pkg and sdk at the same version", () => {
  const goMod = fs.readFileSync(path.join(ROOT, "cluster/toolchain/pulumi/go.mod"), "utf8");
  assert.equal(requiredVersion(goMod, "github.com/pulumi/pulumi/pkg/v3"), requiredVersion(goMod, "github.com/pulumi/pulumi/sdk/v3"));
});

test("kubelet and kube-proxy configs parse, and carry the VM's settings", () => {
  const kubelet = yaml.load(cfg.kubeletConfig(net, layout)) as Record<string, any>;
  assert.equal(kubelet.cgroupDriver, "cgroupfs");
  assert.equal(kubelet.failCgroupV1, false);
  assert.deepEqual(kubelet.clusterDNS, [net.dnsServiceIp]);
  assert.equal(kubelet.containerRuntimeEndpoint, `unix://${layout.containerdSocket}`);
  const proxy = yaml.load(cfg.kubeProxyConfig(net, layout)) as Record<string, any>;
  assert.equal(proxy.mode, "iptables");
  assert.equal(proxy.conntrack.maxPerCore, 0);
  const kubeadm = yaml.loadAll(cfg.kubeadmConfig(net, layout, "v1.33.1")) as Record<string, any>[];
  assert.equal(kubeadm[0].localAPIEndpoint.advertiseAddress, net.nodeIp);
  assert.equal(kubeadm[1].certificatesDir, layout.pki);
});

test("the socket paths fit a unix socket's 108 bytes for a state directory of usual depth", () => {
  const deep = cfg.clusterLayout("/home/someone/src/github.com/org/lakehouse/.lakehouse/cluster");
  assert.ok(Buffer.byteLength(deep.containerdSocket) < 108, deep.containerdSocket);
});

test("the base runtime spec caps open files at the VM's hard limit and keeps containerd's other limits", () => {
  const spec = cfg.baseRuntimeSpec({ process: { rlimits: [{ type: "RLIMIT_NOFILE", hard: 1024, soft: 1024 }, { type: "RLIMIT_NPROC", hard: 10, soft: 10 }] } }, 20000);
  assert.deepEqual(spec.process.rlimits, [{ type: "RLIMIT_NPROC", hard: 10, soft: 10 }, { type: "RLIMIT_NOFILE", hard: 20000, soft: 20000 }]);
});

test("the bootstrap manifest renders with every variable defined, and an unknown one is an error", () => {
  const template = fs.readFileSync(path.join(ROOT, "cluster/manifests/bootstrap.yaml"), "utf8");
  const docs = yaml.loadAll(cfg.renderBootstrap(template, net, { helperImage: "localhost/x:1", volumes: "/v" })).filter(Boolean) as Record<string, any>[];
  const dns = docs.find((d) => d.kind === "Service" && d.metadata.name === "kube-dns")!;
  assert.equal(dns.spec.clusterIP, net.dnsServiceIp);
  const slice = docs.find((d) => d.kind === "EndpointSlice")!;
  assert.deepEqual(slice.endpoints[0].addresses, [net.nodeIp]);
  const sc = docs.find((d) => d.kind === "StorageClass")!;
  assert.equal(sc.metadata.name, "standard");
  assert.throws(() => cfg.renderBootstrap("x: ${NOT_DEFINED}", net, { helperImage: "i", volumes: "/v" }), /NOT_DEFINED/);
});

test("the CNI config is a bridge on the node's pod subnet with port mappings", () => {
  const conf = JSON.parse(cfg.cniConfList(net));
  assert.deepEqual(conf.plugins.map((p: { type: string }) => p.type), ["bridge", "portmap", "loopback"]);
  assert.equal(conf.plugins[0].ipam.ranges[0][0].subnet, net.nodePodCidr);
});
