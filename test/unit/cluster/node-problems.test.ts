/** What `lakehouse cluster status` and the cluster tests' diagnosis say of a node that takes no pods. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeProblems } from "../../../src/cluster/cluster";

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
