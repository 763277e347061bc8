/**
 * The synthetic generator against real data: a real Chicago taxi sample (PyPI tfx) and real
 * NOAA daily weather (npm vega-datasets). These tolerances caught a meter that overcharged by
 * half and winters that were too calm; see fixtures/README.md for where the samples come from.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cityById } from "../../../src/ingest/cities";
import { dateRange } from "../../../src/ingest/layout";
import { resolveSyntheticSettings, syntheticTripLines } from "../../../src/ingest/synthetic/generator";
import { syntheticWeather } from "../../../src/ingest/synthetic/weather";
import { chicagoTaxiSample, correlation, mean, median, vegaWeather } from "./realSamples";

type Row = Record<string, string>;
const within = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.abs(expected), `${what}: synthetic ${actual.toFixed(3)} vs real ${expected.toFixed(3)} (±${relative * 100}%)`);

describe("synthetic trips look like real Chicago trips", () => {
  const real = chicagoTaxiSample();
  const synthetic: Row[] = [];
  const settings = resolveSyntheticSettings({ rowsPerDay: 2000, mess: "none" }, cityById("chicago"));
  for (const d of dateRange("2024-03-04", "2024-03-10")) for (const l of syntheticTripLines(settings, d)) synthetic.push(JSON.parse(l));
  const numbers = (rows: Row[], k: string) => rows.filter((r) => r[k] !== "" && r[k] !== undefined).map((r) => Number(r[k]));

  test("the real sample is what we think it is", () => {
    assert.equal(real.length, 5000);
    assert.ok(["fare", "trip_miles", "trip_seconds", "tips", "payment_type", "company", "pickup_community_area"].every((k) => k in real[0]));
  });

  test("fares, durations and fare per mile", () => {
    within(median(numbers(synthetic, "fare")), median(numbers(real, "fare")), 0.35, "median fare");
    within(median(numbers(synthetic, "trip_seconds")), median(numbers(real, "trip_seconds")), 0.35, "median trip seconds");
    const perMile = (rows: Row[]) => median(rows.filter((r) => Number(r.trip_miles) > 1).map((r) => Number(r.fare) / Number(r.trip_miles)));
    within(perMile(synthetic), perMile(real), 0.35, "median fare per mile (trips over a mile)");
    const mph = (rows: Row[]) => median(rows.filter((r) => Number(r.trip_seconds) > 60 && Number(r.trip_miles) > 0.5).map((r) => Number(r.trip_miles) / (Number(r.trip_seconds) / 3600)));
    within(mph(synthetic), mph(real), 0.3, "median speed");
  });

  test("short trips: the share whose two 15-minute stamps are equal is the real feed's", () => {
    // A trip of d < 900 s whose start falls anywhere in its 15-minute slot keeps both stamps in
    // one slot with probability 1 - d/900 (nearest rounding): the real share follows from the
    // real trips' durations. The meters started and stopped at once (trip_seconds 0) are mess
    // kind zero_duration, so they are left out of both sides.
    const realShare = mean(numbers(real, "trip_seconds").filter((d) => d > 0).map((d) => Math.max(0, 1 - d / 900)));
    const equal = synthetic.filter((t) => t.trip_start_timestamp === t.trip_end_timestamp).length / synthetic.length;
    within(equal, realShare, 0.2, "share of trips with equal stamps");
  });

  test("tips: none recorded for cash, about a fifth of the fare on cards", () => {
    const cashTipped = (rows: Row[]) => rows.filter((r) => r.payment_type === "Cash" && Number(r.tips) > 0).length / rows.filter((r) => r.payment_type === "Cash").length;
    assert.ok(cashTipped(real) < 0.01 && cashTipped(synthetic) < 0.01);
    const cardTip = (rows: Row[]) => median(rows.filter((r) => r.payment_type === "Credit Card" && Number(r.fare) > 0).map((r) => Number(r.tips) / Number(r.fare)));
    assert.ok(Math.abs(cardTip(synthetic) - cardTip(real)) < 0.06, `card tip ${cardTip(synthetic)} vs ${cardTip(real)}`);
  });

  test("the hour-of-day profile follows the real one", () => {
    const profile = (hours: number[]) => {
      const h = new Array(24).fill(0);
      for (const x of hours) h[x]++;
      return h.map((n) => n / hours.length);
    };
    const r = correlation(profile(real.map((t) => Number(t.trip_start_hour))), profile(synthetic.map((t) => Number(t.trip_start_timestamp.slice(11, 13)))));
    assert.ok(r > 0.9, `correlation ${r}`);
  });

  test("the busiest pickup areas are the real ones", () => {
    const top = (rows: Row[], n: number) => {
      const counts = new Map<number, number>();
      for (const t of rows) counts.set(Number(t.pickup_community_area), (counts.get(Number(t.pickup_community_area)) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n).map(([a]) => a);
    };
    const synthTop = top(synthetic, 5);
    for (const area of top(real, 3)) assert.ok(synthTop.includes(area), `real top area ${area} not in synthetic top 5 ${synthTop}`);
  });
});

describe("synthetic weather looks like real NOAA weather (New York, 2012–2015)", () => {
  const real = vegaWeather().filter((r) => r.location === "New York");
  const city = cityById("new_york");

  test("the real sample is what we think it is", () => {
    assert.equal(real.length, 4 * 365 + 1);
    assert.equal(real[0].date, "2012-01-01");
  });

  for (let month = 1; month <= 12; month++) {
    const mm = String(month).padStart(2, "0");
    test(`month ${mm}: temperatures, their spread, wind`, () => {
      const r = real.filter((w) => w.date.slice(5, 7) === mm);
      const s = r.map((w) => syntheticWeather("lakehouse", city, w.date));
      const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
      assert.ok(Math.abs(mean(s.map((w) => w.tempMaxC)) - mean(r.map((w) => w.temp_max))) < 3, "mean daily max");
      assert.ok(Math.abs(mean(s.map((w) => w.tempMinC)) - mean(r.map((w) => w.temp_min))) < 3.5, "mean daily min");
      const spread = sd(s.map((w) => w.tempMaxC)) / sd(r.map((w) => w.temp_max));
      assert.ok(spread > 0.6 && spread < 1.6, `day-to-day spread ratio ${spread}`);
      // vega's wind is the day's mean (m/s); Open-Meteo's is the day's maximum (km/h): max ≥ mean.
      const windRatio = mean(s.map((w) => w.windMaxKmh)) / mean(r.map((w) => w.wind * 3.6));
      assert.ok(windRatio > 0.9 && windRatio < 2, `wind ratio ${windRatio}`);
    });
  }

  // Wet days per season, not per month: ~120 real days a month are too few to judge a share.
  for (const [season, months] of Object.entries({ winter: ["12", "01", "02"], spring: ["03", "04", "05"], summer: ["06", "07", "08"], autumn: ["09", "10", "11"] })) {
    test(`${season}: share of wet days`, () => {
      const r = real.filter((w) => months.includes(w.date.slice(5, 7)));
      const s = r.map((w) => syntheticWeather("lakehouse", city, w.date));
      const wet = (xs: number[]) => xs.filter((x) => x > 0).length / xs.length;
      const synth = wet(s.map((w) => w.precipitationMm));
      const measured = wet(r.map((w) => w.precipitation));
      assert.ok(Math.abs(synth - measured) < 0.08, `${synth} vs ${measured}`);
      const intensity = mean(s.filter((w) => w.precipitationMm > 0).map((w) => w.precipitationMm)) / mean(r.filter((w) => w.precipitation > 0).map((w) => w.precipitation));
      assert.ok(intensity > 0.6 && intensity < 1.6, `mm per wet day ratio ${intensity}`);
    });
  }
});
