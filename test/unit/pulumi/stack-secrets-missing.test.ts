/** The program without some of its generated secrets: one clear error naming them and the init command. */
import assert from "node:assert/strict";
import test from "node:test";
import { runStack } from "./harness";

test("a stack lacking generated secrets fails with one message naming them and `lakehouse deploy init`", async () => {
  const missing = ["lakehouse:trinoTlsCert", "lakehouse:s3SecretKey_spark", "lakehouse:supersetAdminPassword"];
  await assert.rejects(runStack("dev", { buildImages: "false" }, {}, missing), (e: Error) => {
    assert.match(e.message, /stack "dev" lacks 3 of its \d+ generated secrets: lakehouse:s3SecretKey_spark, lakehouse:trinoTlsCert, lakehouse:supersetAdminPassword\./);
    assert.match(e.message, /Create them once with: {2}npx lakehouse deploy init --stack dev\n/);
    return true;
  });
});
