/**
 * The object store: a MinIO server built from the Go module proxy (the same server the
 * cluster runs), its buckets, and one user per job with the policy documents in policies/
 * (the same documents the Pulumi program applies in the cluster).
 */
import fs from "node:fs";
import path from "node:path";
import { run } from "../../lib/exec";
import { httpProbe } from "../health";
import { repoRoot } from "../paths";
import { S3_IDENTITIES } from "../secrets";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

/** Buckets of the medallion layers; bronze is versioned so an overwrite can be undone. */
export const BUCKETS = ["bronze", "silver", "gold"] as const;

export function objectStoreEndpoint(ctx: StackContext): string {
  return `http://${ctx.settings.host}:${ctx.settings.ports.objectStore}`;
}

/** Runs `mc` against the local server as root; the alias lives only in the environment. */
export function mc(ctx: StackContext, args: string[]): Promise<string> {
  const { user, password } = ctx.secrets.objectStoreRoot;
  const url = new URL(objectStoreEndpoint(ctx));
  url.username = user;
  url.password = password;
  return run(ctx.installed.mc, ["--no-color", "--quiet", ...args], {
    env: { ...process.env, MC_HOST_lakehouse: url.toString().replace(/\/$/, ""), MC_CONFIG_DIR: path.join(ctx.paths.run, "mc") },
  });
}

export function policyFile(identity: string): string {
  return path.join(repoRoot, "policies", `${identity}.json`);
}

async function provision(ctx: StackContext): Promise<void> {
  for (const bucket of BUCKETS) await mc(ctx, ["mb", "--ignore-existing", `lakehouse/${bucket}`]);
  await mc(ctx, ["version", "enable", "lakehouse/bronze"]);
  for (const identity of S3_IDENTITIES) {
    const file = policyFile(identity);
    if (!fs.existsSync(file)) throw new Error(`policy document ${path.relative(repoRoot, file)} is missing: every S3 identity needs one`);
    const { accessKey, secretKey } = ctx.secrets.s3[identity];
    await mc(ctx, ["admin", "policy", "create", "lakehouse", `lakehouse-${identity}`, file]);
    await mc(ctx, ["admin", "user", "add", "lakehouse", accessKey, secretKey]);
    await mc(ctx, ["admin", "policy", "attach", "lakehouse", `lakehouse-${identity}`, "--user", accessKey]).catch((e: Error) => {
      if (!/already/i.test(e.message)) throw e;
    });
  }
}

export function objectStore(ctx: StackContext): Service {
  const { host, ports } = ctx.settings;
  return {
    name: "objectstore",
    description: "MinIO object store (S3 API) with buckets bronze, silver, gold",
    ports: [ports.objectStore, ports.objectStoreConsole],
    endpoint: `${objectStoreEndpoint(ctx)} (console http://${host}:${ports.objectStoreConsole})`,
    dependsOn: [],
    startTimeoutMs: 60_000,
    program() {
      const data = path.join(ctx.paths.data, "objectstore");
      fs.mkdirSync(data, { recursive: true });
      const envFile = writeEnvFile(ctx.paths, "objectstore", {
        MINIO_ROOT_USER: ctx.secrets.objectStoreRoot.user,
        MINIO_ROOT_PASSWORD: ctx.secrets.objectStoreRoot.password,
        MINIO_UPDATE: "off",
        MINIO_CALLHOME_ENABLE: "off",
      });
      return {
        name: "objectstore",
        envFile,
        cwd: ctx.paths.state,
        command: `'${ctx.installed.minio}' server '${data}' --address ${host}:${ports.objectStore} --console-address ${host}:${ports.objectStoreConsole}`,
      };
    },
    health: httpProbe(`${objectStoreEndpoint(ctx)}/minio/health/ready`),
    afterHealthy: () => provision(ctx),
  };
}
