/**
 * The S3 policy documents in policies/<identity>.json: the single source of truth for what
 * each job may do, applied to the local MinIO by the local stack and to the cluster's store here.
 * Also a small evaluator of those documents, so tests can assert allowed and denied actions.
 */
import path from "node:path";
import { BUCKETS } from "../src/lib/buckets";
import { schemaChecker } from "../src/lib/jsonSchema";
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

/** The policies' JSON Schema: what a document may hold (the structure MinIO accepts and isAllowed evaluates). */
export const POLICY_SCHEMA_PATH = path.join(PROJECT_ROOT, "policies", "policy.schema.json");
const schemaProblems = schemaChecker(POLICY_SCHEMA_PATH);

/**
 * Where a problem at `at` (a JSON path) is, as a person reads the file, before its message:
 * `Statement[0] (ReadGold): Resource[1] must …`, `Statement[0]: must have …`, `Version must …`.
 */
function located(doc: unknown, at: (string | number)[], message: string): string {
  const field = (segments: (string | number)[]) => segments.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("");
  if (at[0] !== "Statement" || typeof at[1] !== "number") return at.length ? `${field(at)} ${message}` : message;
  const sid = (doc as PolicyDocument).Statement[at[1]]?.Sid;
  const statement = `Statement[${at[1]}]${typeof sid === "string" && sid ? ` (${sid})` : ""}`;
  return `${statement}: ${at.length > 2 ? `${field(at.slice(2))} ` : ""}${message}`;
}

/**
 * Checks a policy document: its structure against policies/policy.schema.json, then least
 * privilege (no s3:*), a rule of this project rather than of the format. Throws naming the file,
 * the statement and the field of every problem; returns the document when it holds.
 */
export function validatePolicy(identity: string, doc: unknown): PolicyDocument {
  const where = `policies/${identity}.json`;
  const problems = schemaProblems(doc).map((p) => `${where}: ${located(doc, p.path, p.message)}`);
  if (problems.length) throw new Error(problems.join("\n"));
  const d = doc as PolicyDocument;
  d.Statement.forEach((s, i) => {
    if (list(s.Action).includes("s3:*")) throw new Error(`${where}: ${located(d, ["Statement", i], "s3:* is not least privilege")}`);
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
