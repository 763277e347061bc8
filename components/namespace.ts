/** The lakehouse namespace, labelled like everything else and held to the restricted Pod Security level. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { labels } from "./labels";

export interface NamespaceArgs {
  /** Namespace name (a DNS label). */
  name: string;
  /** app.kubernetes.io/instance (the stack). */
  instance: string;
  /** Pod Security Standard enforced; "baseline" where an image cannot run restricted. Default "restricted". */
  podSecurity?: "restricted" | "baseline";
}

export class Namespace extends pulumi.ComponentResource {
  readonly name: string;
  constructor(name: string, a: NamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lakehouse:core:Namespace", name, {}, opts);
    this.name = a.name;
    new k8s.core.v1.Namespace(name, {
      metadata: {
        name: a.name,
        labels: { ...labels({ name: "lakehouse", instance: a.instance, component: "namespace" }), "pod-security.kubernetes.io/enforce": a.podSecurity ?? "restricted" },
      },
    }, { parent: this });
    this.registerOutputs({ name: this.name });
  }
}
