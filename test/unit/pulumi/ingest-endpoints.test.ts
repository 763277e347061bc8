/**
 * The ingestion CronJob's endpoints from stack config: a mirror for the Chicago API and for
 * Open-Meteo reach the container as the variables the connectors read
 * (src/ingest/endpoints.ts), and the Socrata app token only through a Secret of its own.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { byType, type Captured, runStack } from "./harness";
import { unwrap } from "./stack-checks";

const MIRROR = "https://mirror.example.org/resource/ajtu-isnz.json";
const WEATHER = "https://meteo.example.org/v1/archive";
const TOKEN = "socrata-token-for-the-test";
let rs: Captured[] = [];

before(async () => {
  ({ resources: rs } = await runStack("dev", { buildImages: "false", ingestSource: "chicago", ingestSourceUrl: MIRROR, ingestWeatherUrl: WEATHER }, { socrataAppToken: TOKEN }));
});

test("the ingestion container gets the endpoints as LAKEHOUSE_CHICAGO_URL and LAKEHOUSE_OPEN_METEO_URL", async () => {
  const cron = byType(rs, "kubernetes:batch/v1:CronJob").find((r) => r.name.endsWith("-ingest"))!;
  const container = (await unwrap(cron.inputs)).spec.jobTemplate.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
  assert.equal(env.LAKEHOUSE_CHICAGO_URL, MIRROR);
  assert.equal(env.LAKEHOUSE_OPEN_METEO_URL, WEATHER);
  assert.match(container.command.join(" "), /lakehouse-ingest --source chicago /);
  const token = container.env.find((e: any) => e.name === "SOCRATA_APP_TOKEN");
  assert.deepEqual(token.valueFrom, { secretKeyRef: { name: "lakehouse-source-tokens", key: "SOCRATA_APP_TOKEN" } });
  assert.doesNotMatch(JSON.stringify(await unwrap(cron.inputs)), new RegExp(TOKEN), "the token itself is not in the CronJob");
});

test("the token is in the Secret the container reads it from", async () => {
  const secret = byType(rs, "kubernetes:core/v1:Secret").find((r) => r.name === "lakehouse-source-tokens");
  assert.ok(secret, "a Secret for the source tokens");
  assert.equal((await unwrap(secret.inputs)).stringData.SOCRATA_APP_TOKEN, TOKEN);
});
