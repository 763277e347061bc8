/** Where the real sources are read from: flags first, then the environment, then the public endpoints. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { connectorsFor, datasetsFor, sourceUrls } from "../../../src/ingest";
import { DATASETS_OF_SOURCE } from "../../../src/ingest/endpoints";
import { ingestUrlEnv } from "../../../components/pipeline";

const env = { LAKEHOUSE_CHICAGO_URL: "https://env.example/chicago.json", LAKEHOUSE_NYC_URL: "https://env.example/nyc", LAKEHOUSE_OPEN_METEO_URL: "https://env.example/meteo" };

test("--source-url sets the chosen source's endpoint, over the environment's; the rest come from the environment", () => {
  assert.deepEqual(sourceUrls("chicago", { sourceUrl: "https://flag.example/c.json" }, env), { chicago: "https://flag.example/c.json", nyc: env.LAKEHOUSE_NYC_URL, openMeteo: env.LAKEHOUSE_OPEN_METEO_URL });
  assert.deepEqual(sourceUrls("nyc", { sourceUrl: "https://flag.example/n", weatherUrl: "https://flag.example/m" }, {}), { chicago: undefined, nyc: "https://flag.example/n", openMeteo: "https://flag.example/m" });
  assert.deepEqual(sourceUrls("chicago", {}, {}), { chicago: undefined, nyc: undefined, openMeteo: undefined });
});

test("a URL for the synthetic source, or one that is not http(s), is refused", () => {
  assert.throws(() => sourceUrls("synthetic", { sourceUrl: "https://x.example" }, {}), /apply to the real sources/);
  assert.throws(() => sourceUrls("chicago", { sourceUrl: "data.cityofchicago.org/resource/x.json" }, {}), /--source-url must be an http\(s\) URL/);
});

test("the connectors query the endpoint they are given", () => {
  const [weather, trips] = connectorsFor({ source: "chicago", urls: sourceUrls("chicago", { sourceUrl: "https://mirror.example/resource/ajtu-isnz.json", weatherUrl: "https://meteo.example/v1/archive" }, {}) });
  assert.match(String(trips.describe("2024-03-05").url), /^https:\/\/mirror\.example\/resource\/ajtu-isnz\.json\?/);
  assert.match(JSON.stringify(weather.describe("2024-03-05")), /meteo\.example/);
});

test("the cluster's ingestion container: the variables for its source only", () => {
  assert.deepEqual(ingestUrlEnv("chicago", { trips: "https://m/c", weather: "https://m/w" }), { LAKEHOUSE_CHICAGO_URL: "https://m/c", LAKEHOUSE_OPEN_METEO_URL: "https://m/w" });
  assert.deepEqual(ingestUrlEnv("nyc", { trips: "https://m/n" }), { LAKEHOUSE_NYC_URL: "https://m/n" });
  assert.deepEqual(ingestUrlEnv("synthetic", { trips: "https://m/c" }), {});
});

test("each city's weather fills its own dataset, the one its source's silver and gold read", () => {
  // Chicago's and New York's day must be two bronze partitions: one would replace the other.
  for (const source of ["synthetic", "chicago", "nyc"] as const) {
    const datasets = connectorsFor({ source }).map((c) => c.dataset);
    assert.deepEqual(datasets, [...DATASETS_OF_SOURCE[source]], source);
  }
  assert.deepEqual(connectorsFor({ source: "nyc" }).map((c) => c.dataset), ["nyc_weather", "nyc_yellow_trips"]);
  assert.deepEqual(connectorsFor({ source: "synthetic", dataset: "weather", cities: ["chicago", "new_york"] }).map((c) => c.dataset), ["weather", "nyc_weather"]);
  assert.deepEqual(datasetsFor("weather", "nyc"), ["nyc_weather"]);
  assert.deepEqual(datasetsFor("trips", "nyc"), ["nyc_yellow_trips"]);
  assert.deepEqual(datasetsFor("all", "chicago"), ["weather", "trips"]);
});
