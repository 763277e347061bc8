/**
 * A stack that ingests NYC TLC: its silver application cleans the source's datasets
 * (nyc_weather, nyc_yellow_trips), the gold CronJob builds the NYC marts (var nyc_tlc) and both wait
 * for those datasets' markers; a source whose datasets the stack does not name is refused.
 */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { readConfig } from "../../../components/config";
import { byType, type Captured, runStack } from "./harness";
import { ownContainer, unwrap } from "./stack-checks";

let rs: Captured[] = [];

before(async () => {
  ({ resources: rs } = await runStack("dev", { buildImages: "false", ingestSource: "nyc", datasets: "nyc_weather,nyc_yellow_trips" }));
});

test("the silver application cleans weather and nyc_yellow_trips, and waits for their bronze markers", async () => {
  const app = (await unwrap(byType(rs, "kubernetes:sparkoperator.k8s.io/v1beta2:ScheduledSparkApplication")[0].inputs)).spec.template;
  assert.deepEqual(app.arguments, ["--date", "yesterday", "--dataset", "nyc_weather,nyc_yellow_trips"]);
  const wait = app.driver.initContainers[0].command.join(" ");
  assert.match(wait, /bronze\/nyc_yellow_trips\//);
  assert.match(wait, /bronze\/nyc_weather\//);
  assert.doesNotMatch(wait, /bronze\/trips\//);
});

test("the gold CronJob builds the NYC marts and waits for NYC's silver marker", async () => {
  const gold = byType(rs, "kubernetes:batch/v1:CronJob").find((r) => r.name.endsWith("-gold"))!;
  const template = (await unwrap(gold.inputs)).spec.jobTemplate.spec.template;
  const pod = template.spec;
  assert.match(ownContainer(template).command.join(" "), /--vars "\{start_date: '\$D', end_date: '\$D', chicago: false, nyc_tlc: true\}"/);
  assert.match(pod.initContainers[0].command.join(" "), /_markers\/nyc_yellow_trips\//);
  assert.match(pod.initContainers[0].command.join(" "), /_markers\/nyc_weather\//);
});

test("ingestSource nyc with the default datasets is refused, naming the datasets to set", () => {
  assert.throws(() => readConfig((k) => ({ ingestSource: "nyc" } as Record<string, string>)[k]), /ingestSource nyc fills the datasets nyc_weather,nyc_yellow_trips: set lakehouse:datasets to that/);
});
