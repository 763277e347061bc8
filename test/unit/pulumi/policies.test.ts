import assert from "node:assert/strict";
import test from "node:test";
import { access, BUCKETS, IDENTITIES, isAllowed, loadPolicy, validatePolicy } from "../../../components/policies";

/** The access matrix of docs/architecture.md: what each identity may do per bucket (l=list r=read w=write d=delete). */
const EXPECTED: Record<string, Record<string, string>> = {
  ingest: { bronze: "lrwd", silver: "", gold: "" },
  spark: { bronze: "lr", silver: "lrwd", gold: "" },
  dbt: { bronze: "", silver: "lr", gold: "lrwd" },
  trino: { bronze: "lr", silver: "lr", gold: "lrwd" },
  metastore: { bronze: "lr", silver: "lr", gold: "lr" },
  maintenance: { bronze: "", silver: "lrwd", gold: "lrwd" },
};

for (const identity of IDENTITIES) {
  test(`policies/${identity}.json grants exactly its row of the access matrix`, () => {
    const doc = loadPolicy(identity);
    for (const bucket of BUCKETS) {
      const a = access(doc, bucket);
      const got = `${a.list ? "l" : ""}${a.read ? "r" : ""}${a.write ? "w" : ""}${a.delete ? "d" : ""}`;
      assert.equal(got, EXPECTED[identity][bucket], `${identity} on ${bucket}`);
    }
    assert.equal(isAllowed(doc, "s3:CreateBucket", "arn:aws:s3:::bronze"), false);
    assert.equal(isAllowed(doc, "s3:DeleteBucket", "arn:aws:s3:::gold"), false);
    assert.equal(isAllowed(doc, "s3:PutBucketPolicy", "arn:aws:s3:::silver"), false);
    assert.equal(isAllowed(doc, "s3:GetObject", "arn:aws:s3:::other-bucket/x"), false);
  });
}

test("metastore may only create directory markers (keys ending in /), never data objects", () => {
  const doc = loadPolicy("metastore");
  assert.equal(isAllowed(doc, "s3:PutObject", "arn:aws:s3:::silver/trips/"), true);
  assert.equal(isAllowed(doc, "s3:PutObject", "arn:aws:s3:::silver/trips/data/part-0.parquet"), false);
});

test("gold writes: dbt's SQL runs in Trino, so the trino identity can write gold and cannot write silver or bronze", () => {
  const trino = loadPolicy("trino");
  assert.equal(isAllowed(trino, "s3:PutObject", "arn:aws:s3:::gold/fct_daily/x.parquet"), true);
  assert.equal(isAllowed(trino, "s3:PutObject", "arn:aws:s3:::silver/x"), false);
  assert.equal(isAllowed(trino, "s3:PutObject", "arn:aws:s3:::bronze/x"), false);
});

test("an explicit Deny wins over an Allow", () => {
  const doc = validatePolicy("t", { Version: "2012-10-17", Statement: [
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::gold/*" },
    { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::gold/secret/*" },
  ] });
  assert.equal(isAllowed(doc, "s3:GetObject", "arn:aws:s3:::gold/a"), true);
  assert.equal(isAllowed(doc, "s3:GetObject", "arn:aws:s3:::gold/secret/a"), false);
});

test("validatePolicy rejects s3:*, bad versions and bad resources, naming the file and statement", () => {
  assert.throws(() => validatePolicy("x", { Version: "2008-10-17", Statement: [] }), /policies\/x.json: Version/);
  assert.throws(() => validatePolicy("x", { Version: "2012-10-17", Statement: [{ Sid: "All", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::gold" }] }), /Statement\[0\] \(All\): s3:\* is not least privilege/);
  assert.throws(() => validatePolicy("x", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }), /Resource must be arn:aws:s3/);
});
