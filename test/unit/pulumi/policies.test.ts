import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import test from "node:test";
import { access, BUCKETS, IDENTITIES, isAllowed, loadPolicy, POLICY_SCHEMA_PATH, validatePolicy } from "../../../components/policies";

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

test("policies/policy.schema.json holds every committed policy, and validatePolicy reads it", () => {
  assert.equal(path.relative(path.join(__dirname, "..", "..", ".."), POLICY_SCHEMA_PATH), path.join("policies", "policy.schema.json"));
  for (const identity of IDENTITIES) assert.doesNotThrow(() => validatePolicy(identity, JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "policies", `${identity}.json`), "utf8"))));
});

test("a bad document of each kind is refused, naming the file, the statement and the field", () => {
  const statement = { Sid: "ReadGold", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::gold/*"] };
  const refused = (doc: unknown) => {
    try {
      validatePolicy("x", doc);
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail(`accepted ${JSON.stringify(doc)}`);
  };
  const withStatement = (s: Record<string, unknown>) => refused({ Version: "2012-10-17", Statement: [statement, s] });
  const without = (field: string) => Object.fromEntries(Object.entries(statement).filter(([k]) => k !== field));
  assert.equal(refused([]), "policies/x.json: must be object");
  assert.equal(refused({ Version: "2012-10-17" }), "policies/x.json: must have required property 'Statement'");
  assert.equal(refused({ Version: "2012-10-17", Statement: [] }), "policies/x.json: Statement must NOT have fewer than 1 items");
  assert.equal(refused({ Version: "2012-10-17", Statement: statement }), "policies/x.json: Statement must be array");
  assert.equal(refused({ Version: "2012-10-17", Statement: [statement], Id: "x" }), "policies/x.json: must NOT have additional property 'Id'");
  assert.equal(withStatement(without("Effect")), "policies/x.json: Statement[1] (ReadGold): must have required property 'Effect'");
  assert.equal(withStatement(without("Action")), "policies/x.json: Statement[1] (ReadGold): must have required property 'Action'");
  assert.equal(withStatement(without("Resource")), "policies/x.json: Statement[1] (ReadGold): must have required property 'Resource'");
  assert.equal(withStatement({ ...statement, Effect: "allow" }), 'policies/x.json: Statement[1] (ReadGold): Effect must be one of "Allow", "Deny"');
  assert.equal(withStatement({ ...statement, Action: ["s3:GetObject", "iam:PassRole"] }), 'policies/x.json: Statement[1] (ReadGold): Action[1] must be s3:<Name>, not "iam:PassRole"');
  assert.equal(withStatement({ ...statement, Action: [] }), "policies/x.json: Statement[1] (ReadGold): Action must NOT have fewer than 1 items");
  assert.equal(withStatement({ ...statement, Resource: 7 }), "policies/x.json: Statement[1] (ReadGold): Resource must be string or array");
  assert.equal(withStatement({ ...without("Sid"), Resource: ["arn:aws:s3:::Gold/*"] }), 'policies/x.json: Statement[1]: Resource[0] must be arn:aws:s3:::bucket[/key], not "arn:aws:s3:::Gold/*"');
  // A condition or principal would be ignored by isAllowed, so the tests' access matrix would be wrong.
  assert.equal(withStatement({ ...statement, Condition: { Bool: { "aws:SecureTransport": "true" } } }), "policies/x.json: Statement[1] (ReadGold): must NOT have additional property 'Condition'");
  // Every problem at once, one a line.
  assert.equal(refused({ Version: "2008-10-17", Statement: [{ ...statement, Effect: "Maybe" }] }).split("\n").length, 2);
  assert.match(withStatement({ ...statement, Action: "s3:*" }), /^policies\/x.json: Statement\[1\] \(ReadGold\): s3:\* is not least privilege$/);
});
