/** The object-store edge of ingestion: one client per run, with the SDK's retries and backoff. */
import { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Connection } from "../lib/connection";
import { s3Client } from "../lib/s3";

export function bronzeS3Client(c: S3Connection, maxAttempts = 5): S3Client {
  // "standard" retries network errors, throttling and 5xx with exponential backoff and jitter.
  return s3Client(c, { maxAttempts, retryMode: "standard" });
}

export interface ListedObject {
  key: string;
  size: number;
}

export async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function deleteObjects(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const batch = keys.slice(i, i + 1000);
    const res = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
    if (res.Errors?.length) {
      throw new Error(`could not delete ${res.Errors.length} object(s) in s3://${bucket}: ${res.Errors.map((e) => `${e.Key}: ${e.Code} ${e.Message}`).join("; ")}`);
    }
  }
}

export async function deleteObject(client: S3Client, bucket: string, key: string): Promise<void> {
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

export async function putObject(client: S3Client, bucket: string, key: string, body: Buffer, contentType: string, contentEncoding?: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType, ContentEncoding: contentEncoding, ContentLength: body.length }));
}

/** An object's bytes, or undefined when it does not exist. */
export async function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === "NoSuchKey" || name === "NotFound") return undefined;
    throw e;
  }
}
