/**
 * Integration tests run against the real local stack. The test runner (test/run.ts) brings
 * the stack up once before the integration files run; each file then only attaches to it.
 * Run alone (`node --import tsx --test test/integration/x.test.ts`), a file starts it itself.
 */
import type { S3Connection } from "../../src/lib/connection";
import { consoleLogger, silentLogger } from "../../src/lib/log";
import type { TrinoTarget } from "../../src/lib/trino";
import type { S3Identity, TrinoUser } from "../../src/local/secrets";
import { objectStoreEndpoint } from "../../src/local/services/objectstore";
import { trinoTls, trinoUrl } from "../../src/local/services/trino";
import type { StackContext } from "../../src/local/services/types";
import { services, stackContext, up } from "../../src/local/stack";

export interface TestStack {
  ctx: StackContext;
  /** S3 connection with one job's own credentials (policies/<identity>.json). */
  s3(identity: S3Identity): S3Connection;
  /** The object store's root credentials: for test setup only, never for asserting access. */
  s3Root(): S3Connection;
  /** Trino as one of its users (default admin), over TLS with the stack's CA. */
  trino(opts?: Partial<TrinoTarget> & { as?: TrinoUser }): TrinoTarget;
  /** Whether this process brought the stack up (a caller outside test/run.ts then stops it). */
  started: boolean;
}

let stack: Promise<TestStack> | undefined;

async function attach(): Promise<TestStack> {
  let ctx = await stackContext(silentLogger, false);
  const healthy = ctx ? (await Promise.all(services(ctx).map((s) => s.health()))).every(Boolean) : false;
  const started = !ctx || !healthy;
  if (started) ctx = await up(consoleLogger("test-stack"));
  const c = ctx!;
  const endpoint = objectStoreEndpoint(c);
  return {
    ctx: c,
    started,
    s3: (identity) => ({ endpoint, region: "us-east-1", ...c.secrets.s3[identity] }),
    s3Root: () => ({ endpoint, region: "us-east-1", accessKey: c.secrets.objectStoreRoot.user, secretKey: c.secrets.objectStoreRoot.password }),
    trino: ({ as = "admin", ...opts } = {}) => ({ server: trinoUrl(c), user: as, password: c.secrets.trino.users[as], caFile: trinoTls(c).caFile, ...opts }),
  };
}

export function useStack(): Promise<TestStack> {
  stack ??= attach();
  return stack;
}
