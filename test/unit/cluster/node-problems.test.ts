/** What `lakehouse cluster status` and the cluster tests' diagnosis say of a node that takes no pods. */
import assert from "node:assert/strict";
import { test } from "node:test";
import yaml from "js-yaml";
import { nodeProblems, storageProblems } from "../../../src/cluster/cluster";
import { clusterLayout, DEFAULT_NETWORK, kubeletConfig } from "../../../src/cluster/config";

// The conditions and taint of a kubelet short of disk, as `kubectl get node -o json` shows them.
const diskPressure = {
  metadata: { name: "lakehouse" },
  spec: { taints: [{ key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule" }] },
  status: {
    conditions: [
      { type: "MemoryPressure", status: "False", reason: "KubeletHasSufficientMemory" },
      { type: "DiskPressure", status: "True", reason: "KubeletHasDiskPressure", message: "kubelet has disk pressure" },
      { type: "PIDPressure", status: "False", reason: "KubeletHasSufficientPID" },
      { type: "Ready", status: "True", reason: "KubeletReady" },
    ],
  },
};

test("a node short of disk: its DiskPressure condition and its taint, nothing that is fine", () => {
  assert.deepEqual(nodeProblems(diskPressure), [
    "lakehouse: DiskPressure=True (KubeletHasDiskPressure: kubelet has disk pressure)",
    "lakehouse: taint node.kubernetes.io/disk-pressure:NoSchedule",
  ]);
});

test("a healthy node has no problems; a NotReady or cordoned one does", () => {
  const healthy = { ...diskPressure, spec: {}, status: { conditions: diskPressure.status.conditions.map((c) => (c.type === "DiskPressure" ? { ...c, status: "False" } : c)) } };
  assert.deepEqual(nodeProblems(healthy), []);
  const notReady = { metadata: { name: "n" }, spec: { unschedulable: true }, status: { conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown" }] } };
  assert.deepEqual(nodeProblems(notReady), ["n: Ready=Unknown (NodeStatusUnknown)", "n: cordoned (unschedulable)"]);
});

test("storage: low free disk and loaded images containerd lost are named; a healthy store says nothing", () => {
  const gib = 1024 ** 3;
  const loaded = ["localhost/lakehouse/pause:3.10", "localhost/lakehouse-spark:dev"];
  assert.deepEqual(storageProblems({ path: "/c", freeBytes: 50 * gib }, loaded, [...loaded, "localhost/other:1"]), []);
  const [disk, images] = storageProblems({ path: "/c", freeBytes: 1.5 * gib }, loaded, ["localhost/lakehouse-spark:dev"]);
  assert.match(disk, /^1\.5 GB free under \/c/);
  assert.match(images, /containerd no longer has localhost\/lakehouse\/pause:3\.10: no pod that needs it can start/);
  assert.match(images, /lakehouse cluster up/);
});

test("the kubelet never reclaims disk by deleting images, which cannot be pulled again here", () => {
  const kubelet = yaml.load(kubeletConfig({ ...DEFAULT_NETWORK, nodeIp: "10.0.0.2" }, clusterLayout("/c"))) as { evictionHard: Record<string, string>; imageGCHighThresholdPercent: number };
  // Any nodefs/imagefs threshold makes a node without its own image filesystem delete unused images.
  assert.deepEqual(Object.keys(kubelet.evictionHard), ["memory.available"]);
  assert.equal(kubelet.imageGCHighThresholdPercent, 100);
});
