/**
 * Runs the Pulumi program under mocks for one stack (config from Pulumi.<stack>.yaml, the stack
 * secrets from generateStackSecrets, as `lakehouse deploy init` makes them) and captures every
 * resource's inputs. Each test file runs in its own process (node --test), so one file = one stack.
 * Only the kubernetes provider (and docker-build, off here) has a mock state: the program uses no other.
 */
import fs from "node:fs";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import yaml from "js-yaml";
import { generateStackSecrets } from "../../../components/stackSecrets";

export const ROOT = path.resolve(__dirname, "../../..");

export interface Captured {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** Which inputs arrived as secrets (top-level keys, or stringData keys). */
  secretPaths: string[];
  /** URNs of the resources it depends on (dependsOn and inputs from other resources). */
  dependencies: string[];
}

export function stackConfig(stack: string): Record<string, string> {
  const doc = yaml.load(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
  return Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, String(v)]));
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function secretKeys(obj: unknown, prefix = ""): string[] {
  if (!obj || typeof obj !== "object") return [];
  if ((obj as Record<string, unknown>)[pulumi.runtime.specialSigKey] === SECRET_SIG) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => secretKeys(v, prefix ? `${prefix}.${k}` : k));
}

function fakeState(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  switch (type) {
    case "docker-build:index:Image":
      return { ...inputs, ref: `${inputs.tags[0]}@sha256:${"0".repeat(64)}`, digest: `sha256:${"0".repeat(64)}` };
    default:
      return inputs;
  }
}

let generated: Record<string, string> | undefined;
/** The stack secrets of the tests' stacks (namespace lakehouse), generated once per process. */
export function stackSecretValues(): Record<string, string> {
  generated ??= generateStackSecrets({ namespace: "lakehouse" }, new Set());
  return generated;
}

/**
 * Loads index.ts for `stack` with `overrides` on top of its stack file, `secrets` and the stack
 * secrets (less `withoutStackSecrets`) as secret config; resolves when registrations settle.
 */
export async function runStack(
  stack: string, overrides: Record<string, string> = {}, secrets: Record<string, string> = {}, withoutStackSecrets: readonly string[] = [],
): Promise<{ resources: Captured[]; outputs: Record<string, any> }> {
  const resources: Captured[] = [];
  const full = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.includes(":") ? k : `lakehouse:${k}`, v]));
  const stackSecrets = Object.fromEntries(Object.entries(stackSecretValues()).filter(([k]) => !withoutStackSecrets.includes(k)));
  const allSecrets = { ...stackSecrets, ...full(secrets) };
  const config: Record<string, string> = { ...stackConfig(stack), ...full(overrides), ...allSecrets };
  pulumi.runtime.setAllConfig(config, Object.keys(allSecrets));
  const deps = new Map<string, string[]>();
  pulumi.runtime.setMocks({
    newResource: (args) => {
      resources.push({ type: args.type, name: args.name, inputs: args.inputs, secretPaths: [], dependencies: deps.get(`${args.type}::${args.name}`) ?? [] });
      return { id: `${args.name}-id`, state: fakeState(args.type, args.name, args.inputs) };
    },
    call: (args) => args.inputs,
  }, "lakehouse", stack, false);
  // The mocks do not pass a resource's dependencies to newResource: read them off the request.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: unknown) => {
    deps.set(`${req.getType()}::${req.getName()}`, req.getDependenciesList());
    return register(req, callback);
  };
  // Loaded after setMocks, as Pulumi loads a program: a CommonJS require, not an import hoisted above it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require(path.join(ROOT, "index.ts")) as Record<string, unknown>;
  const outputs: Record<string, any> = {};
  for (const [k, v] of Object.entries(program)) {
    outputs[k] = pulumi.Output.isInstance(v) ? { value: await promiseOf(v), secret: await (v as any).isSecret } : { value: v, secret: false };
  }
  let last = -1;
  while (last !== resources.length) { last = resources.length; await new Promise((r) => setTimeout(r, 50)); }
  return { resources, outputs };
}

export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

export { secretKeys };
export const byType = (rs: Captured[], type: string) => rs.filter((r) => r.type === type);
/** A resource's URN as the mocks build it (the last type segment and name are what tests match on). */
export const urnEndsWith = (urn: string, type: string, name: string) => urn.endsWith(`${type}::${name}`);
