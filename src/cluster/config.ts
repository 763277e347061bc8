/**
 * The one-node cluster's configuration, rendered from one set of facts (addresses, paths,
 * versions). Pure functions: cluster.ts writes their output and starts the processes.
 *
 * This VM's quirks are handled here and only here, each with its reason:
 * - cgroup v1 (only an empty cgroup2 is mounted): kubelet runs with the cgroupfs driver and
 *   `failCgroupV1: false` (cgroup v1 is in maintenance mode since 1.31; kubelet refuses it from 1.35).
 * - no systemd: the cgroupfs driver everywhere (kubelet, runc), processes under supervisord.
 * - root without CAP_SYS_RESOURCE: no limit may be raised above the caller's (nofile 20000), so
 *   containerd restricts oom_score_adj, its base spec caps RLIMIT_NOFILE at what the VM allows, and
 *   kube-proxy leaves the conntrack table size alone.
 * - no image registry reachable: the pause image is built here (sandbox image, never pulled) and
 *   every pod uses images loaded into containerd (imagePullPolicy IfNotPresent or Never).
 *
 * Over 250 lines on purpose: every rendered file is here so that each quirk above is handled in
 * one place, beside the setting it changes.
 */
import path from "node:path";

export interface ClusterLayout {
  /** State directory (data, certificates, logs, sockets); `down --purge` removes it. */
  state: string;
  pki: string;
  kubeconfigs: string;
  /** The admin kubeconfig users and tests pass to kubectl and Pulumi. */
  adminKubeconfig: string;
  etcdData: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  kubeletRoot: string;
  podLogs: string;
  cniConf: string;
  volumes: string;
  conf: string;
  logs: string;
  run: string;
  /** Which image id each ref had when loaded into containerd (loadImages keeps it). */
  imagesLoaded: string;
}

export function clusterLayout(state: string): ClusterLayout {
  return {
    state,
    pki: path.join(state, "pki"),
    kubeconfigs: path.join(state, "kubeconfigs"),
    adminKubeconfig: path.join(state, "kubeconfig"),
    etcdData: path.join(state, "etcd"),
    containerdRoot: path.join(state, "containerd", "root"),
    containerdState: path.join(state, "containerd", "state"),
    containerdSocket: path.join(state, "run", "containerd.sock"),
    kubeletRoot: path.join(state, "kubelet"),
    podLogs: path.join(state, "pod-logs"),
    cniConf: path.join(state, "cni"),
    volumes: path.join(state, "volumes"),
    conf: path.join(state, "conf"),
    logs: path.join(state, "logs"),
    run: path.join(state, "run"),
    imagesLoaded: path.join(state, "run", "images-loaded.json"),
  };
}

/** Addresses and ports. The node IP is the host's primary address: pods reach the API server there. */
export interface ClusterNetwork {
  nodeName: string;
  nodeIp: string;
  apiServerPort: number;
  etcdClientPort: number;
  etcdPeerPort: number;
  /** Services' virtual IPs; the first is the `kubernetes` Service, .10 the cluster DNS. */
  serviceCidr: string;
  podCidr: string;
  /** The pod subnet of this one node (the bridge's), inside podCidr. */
  nodePodCidr: string;
  clusterDomain: string;
  dnsServiceIp: string;
  /** CoreDNS runs on the host; the kube-dns Service's endpoint is nodeIp:dnsPort. */
  dnsPort: number;
  bridge: string;
}

export const DEFAULT_NETWORK: Omit<ClusterNetwork, "nodeIp"> = {
  nodeName: "lakehouse",
  apiServerPort: 6443,
  etcdClientPort: 2379,
  etcdPeerPort: 2380,
  serviceCidr: "10.96.0.0/16",
  podCidr: "10.244.0.0/16",
  nodePodCidr: "10.244.0.0/24",
  clusterDomain: "cluster.local",
  dnsServiceIp: "10.96.0.10",
  dnsPort: 1053,
  bridge: "lakehouse0",
};

/** The image every pod's sandbox runs; built here, loaded into containerd, never pulled. */
export const PAUSE_IMAGE = "localhost/lakehouse/pause:3.10";

/** kubeadm renders the certificates and kubeconfigs (`kubeadm init phase certs|kubeconfig`) from this. */
export function kubeadmConfig(net: ClusterNetwork, layout: ClusterLayout, kubernetesVersion: string): string {
  return `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: ${net.nodeIp}
  bindPort: ${net.apiServerPort}
nodeRegistration:
  name: ${net.nodeName}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: ${kubernetesVersion}
clusterName: lakehouse
certificatesDir: ${layout.pki}
controlPlaneEndpoint: ${net.nodeIp}:${net.apiServerPort}
networking:
  serviceSubnet: ${net.serviceCidr}
  podSubnet: ${net.podCidr}
  dnsDomain: ${net.clusterDomain}
apiServer:
  certSANs: ["127.0.0.1", "localhost", "${net.nodeName}"]
`;
}

type Flags = Record<string, string | number | boolean>;
const flags = (f: Flags): string[] => Object.entries(f).map(([k, v]) => `--${k}=${v}`);

export function etcdArgs(net: ClusterNetwork, layout: ClusterLayout): string[] {
  // Loopback only and plain HTTP: etcd is reachable from this host's processes alone (the API
  // server); no pod or other host can connect, so client certificates would add nothing here.
  return flags({
    name: net.nodeName,
    "data-dir": layout.etcdData,
    "listen-client-urls": `http://127.0.0.1:${net.etcdClientPort}`,
    "advertise-client-urls": `http://127.0.0.1:${net.etcdClientPort}`,
    "listen-peer-urls": `http://127.0.0.1:${net.etcdPeerPort}`,
    "initial-advertise-peer-urls": `http://127.0.0.1:${net.etcdPeerPort}`,
    "initial-cluster": `${net.nodeName}=http://127.0.0.1:${net.etcdPeerPort}`,
    "listen-metrics-urls": "",
    "quota-backend-bytes": 2 * 1024 ** 3,
  }).filter((f) => f !== "--listen-metrics-urls=");
}

export function apiServerArgs(net: ClusterNetwork, layout: ClusterLayout): string[] {
  const pki = (f: string) => path.join(layout.pki, f);
  return flags({
    "advertise-address": net.nodeIp,
    "bind-address": "0.0.0.0",
    "secure-port": net.apiServerPort,
    "etcd-servers": `http://127.0.0.1:${net.etcdClientPort}`,
    "service-cluster-ip-range": net.serviceCidr,
    "service-node-port-range": "30000-32767",
    "tls-cert-file": pki("apiserver.crt"),
    "tls-private-key-file": pki("apiserver.key"),
    "client-ca-file": pki("ca.crt"),
    "kubelet-client-certificate": pki("apiserver-kubelet-client.crt"),
    "kubelet-client-key": pki("apiserver-kubelet-client.key"),
    "kubelet-preferred-address-types": "InternalIP,Hostname",
    "service-account-key-file": pki("sa.pub"),
    "service-account-signing-key-file": pki("sa.key"),
    "service-account-issuer": `https://kubernetes.default.svc.${net.clusterDomain}`,
    "authorization-mode": "Node,RBAC",
    "enable-admission-plugins": "NodeRestriction",
    "allow-privileged": true,
    "enable-bootstrap-token-auth": false,
    // The aggregation layer's front proxy, as kubeadm sets it up (kubectl top, API extensions).
    "requestheader-client-ca-file": pki("front-proxy-ca.crt"),
    "proxy-client-cert-file": pki("front-proxy-client.crt"),
    "proxy-client-key-file": pki("front-proxy-client.key"),
    "requestheader-allowed-names": "front-proxy-client",
    "requestheader-extra-headers-prefix": "X-Remote-Extra-",
    "requestheader-group-headers": "X-Remote-Group",
    "requestheader-username-headers": "X-Remote-User",
    "profiling": false,
  });
}

export function controllerManagerArgs(net: ClusterNetwork, layout: ClusterLayout): string[] {
  const kc = path.join(layout.kubeconfigs, "controller-manager.conf");
  const pki = (f: string) => path.join(layout.pki, f);
  return flags({
    kubeconfig: kc,
    "authentication-kubeconfig": kc,
    "authorization-kubeconfig": kc,
    "bind-address": "127.0.0.1",
    "cluster-name": "lakehouse",
    "cluster-signing-cert-file": pki("ca.crt"),
    "cluster-signing-key-file": pki("ca.key"),
    "root-ca-file": pki("ca.crt"),
    "service-account-private-key-file": pki("sa.key"),
    "use-service-account-credentials": true,
    "requestheader-client-ca-file": pki("front-proxy-ca.crt"),
    // One node, one replica: no leader election to wait for at start.
    "leader-elect": false,
    "allocate-node-cidrs": false,
    "service-cluster-ip-range": net.serviceCidr,
    controllers: "*,-nodeipam",
    profiling: false,
  });
}

export function schedulerArgs(layout: ClusterLayout): string[] {
  const kc = path.join(layout.kubeconfigs, "scheduler.conf");
  return flags({ kubeconfig: kc, "authentication-kubeconfig": kc, "authorization-kubeconfig": kc, "bind-address": "127.0.0.1", "leader-elect": false, profiling: false });
}

/** containerd 1.6 (Debian bookworm): CRI with runc, the host's CNI plugins, our pause image. */
export function containerdConfig(layout: ClusterLayout, cniBinDir: string): string {
  return `version = 2
root = "${layout.containerdRoot}"
state = "${layout.containerdState}"
[grpc]
  address = "${layout.containerdSocket}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # No CAP_SYS_RESOURCE: a container may not get a lower oom_score_adj than containerd's.
  restrict_oom_score_adj = true
  enable_unprivileged_ports = true
  enable_unprivileged_icmp = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      base_runtime_spec = "${path.join(layout.conf, "base-runtime-spec.json")}"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        # No systemd on this host: cgroups are written directly (cgroupfs), as kubelet does.
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${cniBinDir}"
    conf_dir = "${layout.cniConf}"
`;
}

/**
 * The OCI base spec containerd starts every container from: containerd's defaults, with
 * RLIMIT_NOFILE at `nofile` (containerd 1.6's default, 1024 soft, is too low for Trino and
 * Spark; the hard limit cannot exceed this VM's, which root cannot raise).
 */
export function baseRuntimeSpec(defaultSpec: Record<string, any>, nofile: number): Record<string, any> {
  const spec = structuredClone(defaultSpec);
  spec.process = spec.process ?? {};
  const others = (spec.process.rlimits ?? []).filter((r: { type: string }) => r.type !== "RLIMIT_NOFILE");
  spec.process.rlimits = [...others, { type: "RLIMIT_NOFILE", hard: nofile, soft: nofile }];
  return spec;
}

/** A bridge with host-local addresses, port mappings (hostPort) and masquerading to the outside. */
export function cniConfList(net: ClusterNetwork): string {
  return JSON.stringify({
    cniVersion: "0.4.0",
    name: "lakehouse",
    plugins: [
      {
        type: "bridge",
        bridge: net.bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: { type: "host-local", ranges: [[{ subnet: net.nodePodCidr }]], routes: [{ dst: "0.0.0.0/0" }] },
      },
      { type: "portmap", capabilities: { portMappings: true } },
      { type: "loopback" },
    ],
  }, null, 2);
}

export function kubeletConfig(net: ClusterNetwork, layout: ClusterLayout): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: ${path.join(layout.pki, "ca.crt")} }
authorization: { mode: Webhook }
clusterDomain: ${net.clusterDomain}
clusterDNS: [${net.dnsServiceIp}]
containerRuntimeEndpoint: unix://${layout.containerdSocket}
# No systemd here, and cgroup v1 (see the comment at the top of src/cluster/config.ts).
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
podCIDR: ${net.nodePodCidr}
podLogsDir: ${layout.podLogs}
healthzBindAddress: 127.0.0.1
healthzPort: 10248
readOnlyPort: 0
serializeImagePulls: false
# Images are loaded here, never pulled: image garbage collection must not delete them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# No disk thresholds (kind sets them to 0% for the same reason). With no image filesystem of its
# own, a node past nodefs.available or imagefs.available reclaims disk by deleting every image no
# running container uses: the sandbox image (containerd 1.6 does not report it pinned) and the
# jobs' images between their cron runs. None can be pulled again, so one full disk would leave no
# pod able to start. A full disk shows instead as failed writes in the pods' logs, and
# 'lakehouse cluster status' names free space running low and any loaded image that is gone.
evictionHard:
  memory.available: 200Mi
resolvConf: /etc/resolv.conf
staticPodPath: ""
rotateCertificates: false
serverTLSBootstrap: false
`;
}

export function kubeletArgs(net: ClusterNetwork, layout: ClusterLayout): string[] {
  return flags({
    config: path.join(layout.conf, "kubelet.yaml"),
    kubeconfig: path.join(layout.kubeconfigs, "kubelet.conf"),
    "root-dir": layout.kubeletRoot,
    "hostname-override": net.nodeName,
    "node-ip": net.nodeIp,
    "cert-dir": path.join(layout.kubeletRoot, "pki"),
    v: 1,
  });
}

export function kubeProxyConfig(net: ClusterNetwork, layout: ClusterLayout): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clusterCIDR: ${net.podCidr}
hostnameOverride: ${net.nodeName}
bindAddress: 0.0.0.0
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
clientConnection:
  kubeconfig: ${path.join(layout.kubeconfigs, "kube-proxy.conf")}
# The conntrack table's size is the host's to set: writing nf_conntrack_max needs capabilities this VM withholds.
conntrack:
  maxPerCore: 0
  min: 0
`;
}

/** CoreDNS on the host, answering the kube-dns Service (its EndpointSlice points here). */
export function corefile(net: ClusterNetwork, layout: ClusterLayout): string {
  return `.:${net.dnsPort} {
    bind ${net.nodeIp}
    errors
    health 127.0.0.1:8181
    ready 127.0.0.1:8182
    kubernetes ${net.clusterDomain} in-addr.arpa ip6.arpa {
        kubeconfig ${path.join(layout.kubeconfigs, "coredns.conf")}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
}
`;
}

/** The cluster's own objects, applied once the API server is up (cluster/manifests/bootstrap.yaml). */
export function renderBootstrap(template: string, net: ClusterNetwork, values: { helperImage: string; volumes: string }): string {
  const vars: Record<string, string> = {
    NODE_IP: net.nodeIp,
    DNS_SERVICE_IP: net.dnsServiceIp,
    DNS_PORT: String(net.dnsPort),
    HELPER_IMAGE: values.helperImage,
    VOLUMES_DIR: values.volumes,
  };
  return template.replace(/\$\{([A-Z_]+)\}/g, (whole, name: string) => {
    if (!(name in vars)) throw new Error(`cluster/manifests/bootstrap.yaml uses \${${name}}, which the cluster does not define`);
    return vars[name];
  });
}
