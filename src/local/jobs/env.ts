/**
 * The environment a job runs with on the local stack: the connection contract filled in
 * with the job's own S3 identity, exactly as the cluster's job specs fill it in.
 */
import path from "node:path";
import { connectionEnv } from "../../lib/connection";
import { java17, metastoreUri } from "../services/metastore";
import { s3Connection } from "../services/objectstore";
import { S3_SDK_CHECKSUM_ENV } from "../../lib/connection";
import { trinoTls } from "../services/trino";
import type { S3Identity } from "../secrets";
import type { StackContext } from "../services/types";

export function jobEnv(ctx: StackContext, identity: S3Identity): Record<string, string> {
  const javaBin = java17();
  return {
    ...connectionEnv({
      s3: s3Connection(ctx, identity),
      metastoreUri: metastoreUri(ctx),
      // Jobs reach Trino as the pipeline user (trino/rules.json), over TLS.
      trino: { host: ctx.settings.host, port: ctx.settings.ports.trinoHttps, user: "pipeline", password: ctx.secrets.trino.users.pipeline, caFile: trinoTls(ctx).caFile },
    }),
    ...(javaBin !== "java" ? { JAVA_HOME: path.dirname(path.dirname(javaBin)) } : {}),
    PYSPARK_PYTHON: path.join(ctx.paths.venv, "bin", "python"),
    // Python's requests prefers REQUESTS_CA_BUNDLE over a session's own CA (see trinoTls).
    REQUESTS_CA_BUNDLE: trinoTls(ctx).clientBundle,
    // AWS SDK >= 2.30 sends checksums some S3-compatible stores reject (STACK.md).
    ...S3_SDK_CHECKSUM_ENV,
  };
}
