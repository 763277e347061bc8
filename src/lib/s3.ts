/** An S3 client for the lakehouse's object store (path-style, as MinIO and most stores want). */
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import type { S3Connection } from "./connection";

export function s3Client(c: S3Connection): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey },
    // Checksums only where S3 requires them: S3-compatible stores reject some newer ones.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
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
