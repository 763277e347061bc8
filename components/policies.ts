/**
 * The S3 policy documents in policies/<identity>.json: the single source of truth for what
 * each job may do, applied to the local MinIO by the local stack and to the cluster's store here.
 * Also a small evaluator of those documents, so tests can assert allowed and denied actions.
 */
import { BUCKETS } from "../src/lib/buckets";
import { policyPath, S3_IDENTITIES, type S3Identity } from "../src/lib/s3Identities";
import { PROJECT_ROOT, readRepoFile } from "./files";

/** The job identities (src/lib/s3Identities.ts), by the names the components and tests use. */
export const IDENTITIES = S3_IDENTITIES;
export type Identity = S3Identity;
export { BUCKETS };

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

/** Checks the shape MinIO accepts; names the identity and statement on error. */
export function validatePolicy(identity: string, doc: unknown): PolicyDocument {
  const d = doc as PolicyDocument;
  const where = `policies/${identity}.json`;
  if (!d || d.Version !== "2012-10-17") throw new Error(`${where}: Version must be "2012-10-17"`);
  if (!Array.isArray(d.Statement) || d.Statement.length === 0) throw new Error(`${where}: Statement must be a non-empty array`);
  d.Statement.forEach((s, i) => {
    const at = `${where}: Statement[${i}]${s.Sid ? ` (${s.Sid})` : ""}`;
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error(`${at}: Effect must be Allow or Deny`);
    if (!list(s.Action ?? []).every((a) => /^s3:[A-Za-z*]+$/.test(a))) throw new Error(`${at}: every Action must be s3:<Name>`);
    if (list(s.Action).includes("s3:*")) throw new Error(`${at}: s3:* is not least privilege`);
    if (!list(s.Resource ?? []).every((r) => /^arn:aws:s3:::[a-z0-9.-]+(\/.*)?$/.test(r))) throw new Error(`${at}: every Resource must be arn:aws:s3:::bucket[/key]`);
  });
  return d;
}

export function loadPolicy(identity: Identity, root: string = PROJECT_ROOT): PolicyDocument {
  return validatePolicy(identity, JSON.parse(policyText(identity, root)));
}

/** policies/<identity>.json as committed (what the store gets, byte for byte), once it validates. */
export function policyText(identity: Identity, root: string = PROJECT_ROOT): string {
  const text = readRepoFile(policyPath(identity), root);
  validatePolicy(identity, JSON.parse(text));
  return text;
}

function matches(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(value);
}

/** IAM evaluation: an explicit Deny wins, then any Allow, else implicit deny. */
export function isAllowed(doc: PolicyDocument, action: string, resourceArn: string): boolean {
  const hits = doc.Statement.filter((s) => list(s.Action).some((a) => matches(a, action)) && list(s.Resource).some((r) => matches(r, resourceArn)));
  if (hits.some((s) => s.Effect === "Deny")) return false;
  return hits.some((s) => s.Effect === "Allow");
}

/** What an identity may do on a bucket, in three words: list, read (objects), write (objects). */
export function access(doc: PolicyDocument, bucket: string): { list: boolean; read: boolean; write: boolean; delete: boolean } {
  return {
    list: isAllowed(doc, "s3:ListBucket", `arn:aws:s3:::${bucket}`),
    read: isAllowed(doc, "s3:GetObject", `arn:aws:s3:::${bucket}/any/key`),
    write: isAllowed(doc, "s3:PutObject", `arn:aws:s3:::${bucket}/any/key`),
    delete: isAllowed(doc, "s3:DeleteObject", `arn:aws:s3:::${bucket}/any/key`),
  };
}
