/** An S3 client for the lakehouse's object store (path-style, as MinIO and most stores want). */
import { GetObjectCommand, NoSuchKey, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import type { S3Connection } from "./connection";

/** `extra` adds to (or overrides) the settings every client shares, e.g. retries. */
export function s3Client(c: S3Connection, extra: S3ClientConfig = {}): S3Client {
  // The SDK warns on every process that Node 20 will not be supported by its releases after
  // January 2027: the project's Node is 20 (the ingest image's and this machine's), and the
  // pinned SDK supports it; the warning in every job's log is noise. Moving to Node 22 is the fix.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey },
    // Checksums only where S3 requires them: S3-compatible stores reject some newer ones.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...extra,
  });
}

/** An object's text, or undefined when it does not exist. */
export async function getText(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await res.Body!.transformToString();
  } catch (e) {
    if (e instanceof NoSuchKey || (e as { name?: string }).name === "NoSuchKey") return undefined;
    throw e;
  }
}
