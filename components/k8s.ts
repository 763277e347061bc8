/** Small pure helpers for pod specs: resources, security contexts, probes, and their sums. */
import type * as k8s from "@pulumi/kubernetes";
import type { Size } from "./config";

export { quantity } from "../src/lib/quantity";

export function resources(s: Size): { requests: Record<string, string>; limits: Record<string, string> } {
  return { requests: { cpu: s.cpu, memory: s.memory }, limits: { cpu: s.cpuLimit, memory: s.memory } };
}

/** Restricted-profile container context; `uid` is the user the image was built to run as. */
export function restricted(uid: number, readOnlyRoot = false): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: readOnlyRoot,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function podSecurity(uid: number): k8s.types.input.core.v1.PodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

export function httpProbe(path: string, port: number | string, scheme: "HTTP" | "HTTPS" = "HTTP", initialDelaySeconds = 10): k8s.types.input.core.v1.Probe {
  return { httpGet: { path, port, scheme }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
}

export function tcpProbe(port: number, initialDelaySeconds = 10): k8s.types.input.core.v1.Probe {
  return { tcpSocket: { port }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
}

export function execProbe(command: string[], initialDelaySeconds = 10): k8s.types.input.core.v1.Probe {
  return { exec: { command }, initialDelaySeconds, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 };
}

/** Env vars read from one Secret, key by key (values never appear in the pod spec). */
export function secretEnv(secretName: string, keys: Record<string, string>): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(keys).map(([name, key]) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } }));
}

export function plainEnv(vars: Record<string, string>): k8s.types.input.core.v1.EnvVar[] {
  return Object.entries(vars).map(([name, value]) => ({ name, value }));
}
