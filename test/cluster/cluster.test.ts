/**
 * The one-node cluster is a real Kubernetes: the node is Ready at the pinned version, pods get
 * addresses and run images built here, Services route, cluster DNS resolves, the default
 * StorageClass provisions a volume that keeps data, and RBAC holds for the host-run add-ons.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ClusterContext } from "../../src/cluster/cluster";
import { ensureWebImage, eventually, k, runPod, testCluster } from "./harness";

const NS = "cluster-test";
let ctx: ClusterContext;
let image: string;

before(async () => {
  ctx = await testCluster();
  image = await ensureWebImage(ctx);
  await k(ctx, ["delete", "namespace", NS, "--ignore-not-found", "--wait=true"]);
  await k(ctx, ["create", "namespace", NS]);
});
after(async () => {
  await k(ctx, ["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=120s"]);
});

describe("the one-node cluster", () => {
  test("the node is Ready and runs the Kubernetes version kind's pinned node image runs", async () => {
    const node = JSON.parse(await k(ctx, ["get", "node", ctx.net.nodeName, "-o", "json"]));
    const ready = node.status.conditions.find((c: { type: string }) => c.type === "Ready");
    assert.equal(ready.status, "True");
    const kindImage = /kindest\/node:(v[\d.]+)@/.exec(fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "kind-create.sh"), "utf8"))![1];
    assert.equal(node.status.nodeInfo.kubeletVersion, kindImage);
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
    const version = JSON.parse(await k(ctx, ["version", "-o", "json"]));
    assert.equal(version.serverVersion.gitVersion, kindImage);
  });

  test("a pod from an image built here serves through a Service, reached by its DNS name", async () => {
    await k(ctx, ["-n", NS, "apply", "-f", "-"], JSON.stringify({
      apiVersion: "v1", kind: "List", items: [
        { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web" } }, spec: { containers: [{ name: "web", image, imagePullPolicy: "Never", readinessProbe: { httpGet: { path: "/index.html", port: 8080 }, periodSeconds: 1 } }] } },
        { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] } },
      ],
    }));
    await k(ctx, ["-n", NS, "wait", "--for=condition=Ready", "pod/web", "--timeout=120s"]);
    const fetched = await runPod(ctx, NS, "client", image, ["busybox", "wget", "-q", "-O", "-", `http://web.${NS}.svc.cluster.local/index.html`]);
    assert.equal(fetched.trim(), fs.readFileSync(path.join(__dirname, "fixtures", "webserver", "index.html"), "utf8").trim());
    // kubectl logs reaches the kubelet through the API server. busybox httpd -v logs each request's
    // client: kubelet's probes come from the bridge's gateway (.1), the client pod from its own address.
    const logs = await k(ctx, ["-n", NS, "logs", "web"]);
    assert.match(logs, /\[::ffff:10\.244\.0\.(?!1\])\d+\]:\d+: response:200/);
  });

  test("cluster DNS answers for the API server's Service and forwards other names", async () => {
    const out = await runPod(ctx, NS, "dns", image, ["busybox", "nslookup", "kubernetes.default.svc.cluster.local"]);
    const service = JSON.parse(await k(ctx, ["-n", "default", "get", "service", "kubernetes", "-o", "json"]));
    assert.ok(out.includes(service.spec.clusterIP), `nslookup gave:\n${out}`);
    // A name outside the cluster goes to the host's resolver: the one apt reaches Debian's mirror by.
    const outside = await runPod(ctx, NS, "dns-out", image, ["busybox", "nslookup", "deb.debian.org"]);
    assert.match(outside, /Name:\s+\S*debian\S*[\s\S]*Address: \d+\.\d+\.\d+\.\d+/, `nslookup gave:\n${outside}`);
  });

  test("the default StorageClass provisions a node-local volume that outlives its pod, and removes it with its claim", async () => {
    const classes = JSON.parse(await k(ctx, ["get", "storageclass", "-o", "json"])).items;
    const byDefault = classes.filter((c: any) => c.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true");
    assert.deepEqual(byDefault.map((c: any) => c.metadata.name), ["standard"]);
    const pod = (name: string, command: string) => ({
      apiVersion: "v1", kind: "Pod", metadata: { name },
      spec: { restartPolicy: "Never", containers: [{ name, image, imagePullPolicy: "Never", command: ["sh", "-c", command], volumeMounts: [{ name: "data", mountPath: "/data" }] }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] },
    });
    await k(ctx, ["-n", NS, "apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "64Mi" } } } }));
    await k(ctx, ["-n", NS, "apply", "-f", "-"], JSON.stringify(pod("writer", "echo kept > /data/file")));
    await k(ctx, ["-n", NS, "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/writer", "--timeout=120s"]);
    await k(ctx, ["-n", NS, "apply", "-f", "-"], JSON.stringify(pod("reader", "cat /data/file")));
    await k(ctx, ["-n", NS, "wait", "--for=jsonpath={.status.phase}=Succeeded", "pod/reader", "--timeout=120s"]);
    assert.equal((await k(ctx, ["-n", NS, "logs", "reader"])).trim(), "kept");
    const pvName = (await k(ctx, ["-n", NS, "get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}"])).trim();
    const pv = JSON.parse(await k(ctx, ["get", "pv", pvName, "-o", "json"]));
    const dir = pv.spec.hostPath?.path ?? pv.spec.local?.path;
    assert.ok(dir.startsWith(ctx.layout.volumes), `volume at ${dir}`);
    assert.equal(fs.readFileSync(path.join(dir, "file"), "utf8").trim(), "kept");
    await k(ctx, ["-n", NS, "delete", "pod", "writer", "reader", "--wait=true"]);
    await k(ctx, ["-n", NS, "delete", "pvc", "data", "--wait=true"]);
    await eventually("the released volume's directory is removed", async () => !fs.existsSync(dir));
  });

  test("the host-run add-ons hold only their own permissions", async () => {
    const can = async (user: string, verb: string, resource: string) =>
      (await k(ctx, ["auth", "can-i", verb, resource, "--as", user, "--all-namespaces"]).catch((e: { output?: string }) => e.output ?? "")).trim();
    assert.equal(await can("lakehouse:coredns", "watch", "endpointslices.discovery.k8s.io"), "yes");
    assert.equal(await can("lakehouse:coredns", "get", "secrets"), "no");
    assert.equal(await can("lakehouse:local-path-provisioner", "create", "persistentvolumes"), "yes");
    assert.equal(await can("lakehouse:local-path-provisioner", "list", "secrets"), "no");
  });
});
