/**
 * The object store: a MinIO server built from the Go module proxy (the same server the
 * cluster runs), its buckets, and one user per job with the policy documents in policies/
 * (the same documents the Pulumi program applies in the cluster).
 */
import fs from "node:fs";
import path from "node:path";
import { BUCKETS, lifecycleConfiguration, lifecycleRules, VERSIONED_BUCKETS } from "../../lib/buckets";
import { DEFAULT_S3_REGION, type S3Connection } from "../../lib/connection";
import { run } from "../../lib/exec";
import { policyPath, S3_IDENTITIES, s3UserName, type S3Identity } from "../../lib/s3Identities";
import { httpProbe } from "../health";
import { repoRoot } from "../paths";
import { writeEnvFile } from "./envfile";
import type { Service, StackContext } from "./types";

/** The mc alias of the local server (set in mc's environment only). */
const ALIAS = "lakehouse";

export function objectStoreEndpoint(ctx: StackContext): string {
  return `http://${ctx.settings.host}:${ctx.settings.ports.objectStore}`;
}

/**
 * The local store as one job identity sees it: the endpoint, that identity's keys, and
 * DEFAULT_S3_REGION. Unlike a cluster's stack (lakehouse:s3Region), the local stack has no
 * region to choose: its MinIO runs with its default region and its buckets are made without one.
 */
export function s3Connection(ctx: StackContext, identity: S3Identity): S3Connection {
  const { accessKey, secretKey } = ctx.secrets.s3[identity];
  return { endpoint: objectStoreEndpoint(ctx), region: DEFAULT_S3_REGION, accessKey, secretKey };
}

/** Runs `mc` against the local server as root; the alias lives only in the environment. `input`: its stdin. */
export function mc(ctx: StackContext, args: string[], input?: string): Promise<string> {
  const { user, password } = ctx.secrets.objectStoreRoot;
  const url = new URL(objectStoreEndpoint(ctx));
  url.username = user;
  url.password = password;
  return run(ctx.installed.mc, ["--no-color", "--quiet", ...args], {
    env: { ...process.env, [`MC_HOST_${ALIAS}`]: url.toString().replace(/\/$/, ""), MC_CONFIG_DIR: path.join(ctx.paths.run, "mc") },
    input,
  });
}

export function policyFile(identity: S3Identity): string {
  return path.join(repoRoot, policyPath(identity));
}

/**
 * Buckets, versioning, lifecycle rules, and per identity its policy, user and attachment: what
 * the cluster's provisioning Job does (components/s3Provision.ts), step for step. Idempotent.
 */
async function provision(ctx: StackContext): Promise<void> {
  for (const bucket of BUCKETS) {
    const target = `${ALIAS}/${bucket}`;
    await mc(ctx, ["mb", "--ignore-existing", target]); // no --region, unlike the cluster's Job: see s3Connection
    if (VERSIONED_BUCKETS.includes(bucket)) await mc(ctx, ["version", "enable", target]);
    const lifecycle = lifecycleConfiguration(lifecycleRules(bucket));
    if (lifecycle !== undefined) await mc(ctx, ["ilm", "rule", "import", target], lifecycle);
    // `ilm rule ls` fails on a bucket without rules: then there is nothing to remove.
    else if (await mc(ctx, ["ilm", "rule", "ls", target]).then(() => true, () => false)) await mc(ctx, ["ilm", "rule", "rm", "--all", "--force", target]);
  }
  for (const identity of S3_IDENTITIES) {
    const file = policyFile(identity);
    if (!fs.existsSync(file)) throw new Error(`policy document ${policyPath(identity)} is missing: every S3 identity needs one`);
    const { accessKey, secretKey } = ctx.secrets.s3[identity];
    await mc(ctx, ["admin", "policy", "create", ALIAS, s3UserName(identity), file]);
    await mc(ctx, ["admin", "user", "add", ALIAS, accessKey, secretKey]);
    await mc(ctx, ["admin", "policy", "attach", ALIAS, s3UserName(identity), "--user", accessKey]).catch((e: Error) => {
      if (!/already/i.test(e.message)) throw e;
    });
  }
}

export function objectStore(ctx: StackContext): Service {
  const { host, ports } = ctx.settings;
  return {
    name: "objectstore",
    description: `MinIO object store (S3 API) with buckets ${BUCKETS.join(", ")}`,
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
